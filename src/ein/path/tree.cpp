#include "ein/path/tree.hpp"

#include <algorithm>
#include <utility>

namespace ein::path {

ContractionPath ssa_to_linear(std::span<const std::pair<int, int>> ssa, int num_inputs) {
  // ids[k] is the SSA id at linear position k; new tensors go to the end, as in NumPy.
  std::vector<int> ids(static_cast<std::size_t>(num_inputs));
  for (int i = 0; i < num_inputs; ++i) ids[static_cast<std::size_t>(i)] = i;
  ContractionPath path;
  path.reserve(ssa.size());
  int next_id = num_inputs;
  for (auto [a, b] : ssa) {
    // SSA ids stay sorted in `ids` (inputs first, then creations in order), so search is binary.
    auto pos = [&ids](int id) {
      return static_cast<int>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
    };
    int pa = pos(a);
    int pb = pos(b);
    if (pa > pb) std::swap(pa, pb);
    path.emplace_back(pa, pb);
    ids.erase(ids.begin() + pb);
    ids.erase(ids.begin() + pa);
    ids.push_back(next_id++);
  }
  return path;
}

void complete_last_pair(ContractionPath& path, int num_inputs) {
  if (num_inputs - static_cast<int>(path.size()) == 2) path.emplace_back(0, 1);
}

int ContractionTree::leaf(int operand) {
  nodes_.push_back({-1, -1, operand});
  return static_cast<int>(nodes_.size()) - 1;
}

int ContractionTree::merge(int left, int right) {
  nodes_.push_back({left, right, -1});
  return static_cast<int>(nodes_.size()) - 1;
}

ContractionPath ContractionTree::to_path(int root, int num_inputs) const {
  // Iterative post-order (trees from long chains can be deep); ssa_of[node] is the node's SSA id.
  std::vector<int> ssa_of(nodes_.size(), -1);
  SsaPath ssa;
  int next_id = num_inputs;
  std::vector<std::pair<int, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [node, children_done] = stack.back();
    stack.pop_back();
    const Node& n = nodes_[static_cast<std::size_t>(node)];
    if (n.operand >= 0) {
      ssa_of[static_cast<std::size_t>(node)] = n.operand;
    } else if (children_done) {
      ssa.emplace_back(ssa_of[static_cast<std::size_t>(n.left)],
                       ssa_of[static_cast<std::size_t>(n.right)]);
      ssa_of[static_cast<std::size_t>(node)] = next_id++;
    } else {
      stack.push_back({node, true});
      stack.push_back({n.right, false});
      stack.push_back({n.left, false});
    }
  }
  return ssa_to_linear(ssa, num_inputs);
}

}  // namespace ein::path
