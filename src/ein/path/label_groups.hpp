// Label groups as bitsets, for the exhaustive searches (optimal, dp).
//
// Labels held by exactly the same operands, and all in or all out of the output, are kept and
// summed together on every path, so the searches treat each such group as one label whose extent
// is the product. That keeps the bitsets to one 64-bit word in practice, and the size of a set is
// a product of one table lookup per byte instead of one multiplication per label.
#pragma once

#include <cstdint>
#include <vector>

#include "ein/path/path.hpp"

namespace ein::path {

class LabelGroups {
 public:
  explicit LabelGroups(const PathProblem& problem);

  [[nodiscard]] int num_groups() const { return num_groups_; }
  [[nodiscard]] int words() const { return words_; }
  // The groups of operand i, words() words.
  [[nodiscard]] const std::uint64_t* operand(int i) const {
    return operand_sets_.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(words_);
  }
  // The groups kept in the output, words() words.
  [[nodiscard]] const std::uint64_t* output() const { return output_set_.data(); }
  // The operands that hold group g, ascending.
  [[nodiscard]] const std::vector<int>& holders(int g) const {
    return holders_[static_cast<std::size_t>(g)];
  }
  [[nodiscard]] double extent(int g) const { return extents_[static_cast<std::size_t>(g)]; }
  // Product of the extents of the groups in `set` (words() words).
  [[nodiscard]] double size(const std::uint64_t* set) const;

 private:
  int num_groups_ = 0;
  int words_ = 1;
  std::vector<std::uint64_t> operand_sets_;
  std::vector<std::uint64_t> output_set_;
  std::vector<std::vector<int>> holders_;
  std::vector<double> extents_;
  std::vector<double> byte_products_;  // [byte * 256 + value]: product over that byte's groups
};

}  // namespace ein::path
