#include "ein/path/label_groups.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <utility>

namespace ein::path {

LabelGroups::LabelGroups(const PathProblem& problem) {
  const std::size_t num_labels = problem.extents.size();
  std::vector<std::vector<int>> holders(num_labels);
  for (std::size_t i = 0; i < problem.inputs.size(); ++i) {
    for (int l : problem.inputs[i])
      holders[static_cast<std::size_t>(l)].push_back(static_cast<int>(i));
  }
  std::vector<bool> in_output(num_labels, false);
  for (int l : problem.output) in_output[static_cast<std::size_t>(l)] = true;

  // Group id per label; labels that no operand holds play no part in any step.
  std::map<std::pair<std::vector<int>, bool>, int> group_of_key;
  std::vector<int> group_of_label(num_labels, -1);
  for (std::size_t l = 0; l < num_labels; ++l) {
    if (holders[l].empty()) continue;
    auto [it, inserted] =
        group_of_key.try_emplace({holders[l], in_output[l]}, static_cast<int>(holders_.size()));
    if (inserted) {
      holders_.push_back(holders[l]);
      extents_.push_back(1.0);
    }
    group_of_label[l] = it->second;
    extents_[static_cast<std::size_t>(it->second)] *= static_cast<double>(problem.extents[l]);
  }
  num_groups_ = static_cast<int>(holders_.size());
  words_ = std::max(1, (num_groups_ + 63) / 64);

  const auto w = static_cast<std::size_t>(words_);
  operand_sets_.assign(problem.inputs.size() * w, 0);
  output_set_.assign(w, 0);
  for (std::size_t l = 0; l < num_labels; ++l) {
    const int g = group_of_label[l];
    if (g < 0) continue;
    const std::uint64_t bit = std::uint64_t{1} << (g % 64);
    const auto word = static_cast<std::size_t>(g / 64);
    for (int i : holders[l]) operand_sets_[static_cast<std::size_t>(i) * w + word] |= bit;
    if (in_output[l]) output_set_[word] |= bit;
  }

  const int num_bytes = (num_groups_ + 7) / 8;
  byte_products_.assign(static_cast<std::size_t>(num_bytes) * 256, 1.0);
  for (int b = 0; b < num_bytes; ++b) {
    double* table = byte_products_.data() + static_cast<std::size_t>(b) * 256;
    for (unsigned v = 1; v < 256; ++v) {
      const int g = 8 * b + std::countr_zero(v);
      const double e = g < num_groups_ ? extents_[static_cast<std::size_t>(g)] : 1.0;
      table[v] = table[v & (v - 1)] * e;
    }
  }
}

double LabelGroups::size(const std::uint64_t* set) const {
  double size = 1;
  const int num_bytes = (num_groups_ + 7) / 8;
  for (int b = 0; b < num_bytes; ++b) {
    const unsigned v = static_cast<unsigned>(set[b / 8] >> (8 * (b % 8))) & 0xFFu;
    size *= byte_products_[static_cast<std::size_t>(b) * 256 + v];
  }
  return size;
}

}  // namespace ein::path
