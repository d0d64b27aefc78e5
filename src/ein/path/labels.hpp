// Label sets as sorted vectors of label ids, and the checks every planner entry point shares.
// Sorted vectors keep evaluate_path and the greedy search simple and fast for thousands of
// operands; the exhaustive searches use bitsets instead (label_bits.hpp).
#pragma once

#include <span>
#include <vector>

#include "ein/path/path.hpp"

namespace ein::path {

using Labels = std::vector<int>;  // sorted, unique label ids

Labels sorted_labels(std::span<const int> labels);
Labels labels_union(const Labels& a, const Labels& b);
Labels labels_intersection(const Labels& a, const Labels& b);
Labels labels_difference(const Labels& a, const Labels& b);
bool labels_contain(const Labels& a, int label);
// Product of the extents, as a double: sizes of hypothetical intermediates can exceed int64.
double labels_size(std::span<const int> labels, std::span<const Index> extents);

// Throws Error(Internal) unless every label id is in range and unique within its term, and every
// extent is non-negative: a malformed problem is a bug in the caller inside ein.
void check_problem(const PathProblem& problem);

// Largest double that fits an Index, and a saturating conversion (no UB on huge sizes).
Index saturating_index(double value);

}  // namespace ein::path
