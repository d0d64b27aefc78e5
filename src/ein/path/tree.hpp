// Contraction trees and the conversions between tree, SSA and linear (NumPy) path forms.
//
// A linear path names positions in the shrinking operand list; an SSA path names tensors by a
// static id instead: inputs are 0..n-1 and the k-th contraction creates id n+k. Searches work in
// SSA or tree form because ids never move; the result is converted once at the end.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "ein/options.hpp"

namespace ein::path {

using SsaPath = std::vector<std::pair<int, int>>;

// Linear path of an SSA path over `num_inputs` inputs; each pair is written (low, high).
ContractionPath ssa_to_linear(std::span<const std::pair<int, int>> ssa, int num_inputs);

// Appends (0, 1) when a partial path leaves exactly two operands: contracting "the rest at once"
// is then an ordinary pair, and callers should see a complete path.
void complete_last_pair(ContractionPath& path, int num_inputs);

// A binary tree of contractions whose leaves are input operands.
class ContractionTree {
 public:
  int leaf(int operand);
  int merge(int left, int right);
  // The path that contracts `root`'s subtree bottom-up, left subtree first; every leaf of the
  // problem must be under root.
  [[nodiscard]] ContractionPath to_path(int root, int num_inputs) const;

 private:
  struct Node {
    int left = -1;
    int right = -1;
    int operand = -1;  // >= 0 for leaves
  };
  std::vector<Node> nodes_;
};

}  // namespace ein::path
