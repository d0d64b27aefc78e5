#include "ein/path/labels.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string>

#include "ein/error.hpp"

namespace ein::path {

Labels sorted_labels(std::span<const int> labels) {
  Labels out(labels.begin(), labels.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Labels labels_union(const Labels& a, const Labels& b) {
  Labels out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Labels labels_intersection(const Labels& a, const Labels& b) {
  Labels out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Labels labels_difference(const Labels& a, const Labels& b) {
  Labels out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

bool labels_contain(const Labels& a, int label) {
  return std::binary_search(a.begin(), a.end(), label);
}

double labels_size(std::span<const int> labels, std::span<const Index> extents) {
  double size = 1;
  for (int label : labels) size *= static_cast<double>(extents[static_cast<std::size_t>(label)]);
  return size;
}

namespace {

void check_term(std::span<const int> term, int num_labels, const std::string& what) {
  std::vector<bool> seen(static_cast<std::size_t>(num_labels), false);
  for (int label : term) {
    if (label < 0 || label >= num_labels) {
      throw Error(ErrorCode::Internal, "path planner: " + what + " has label id " +
                                           std::to_string(label) + ", expected 0.." +
                                           std::to_string(num_labels - 1));
    }
    if (seen[static_cast<std::size_t>(label)]) {
      throw Error(ErrorCode::Internal, "path planner: " + what + " repeats label id " +
                                           std::to_string(label) +
                                           " (the lowering must remove diagonals first)");
    }
    seen[static_cast<std::size_t>(label)] = true;
  }
}

}  // namespace

void check_problem(const PathProblem& problem) {
  if (problem.inputs.empty()) {
    throw Error(ErrorCode::Internal, "path planner: a problem needs at least one operand");
  }
  const auto num_labels = static_cast<int>(problem.extents.size());
  for (std::size_t i = 0; i < problem.inputs.size(); ++i) {
    check_term(problem.inputs[i], num_labels, "operand " + std::to_string(i));
  }
  check_term(problem.output, num_labels, "the output");
  for (std::size_t l = 0; l < problem.extents.size(); ++l) {
    if (problem.extents[l] < 0) {
      throw Error(ErrorCode::Internal, "path planner: label id " + std::to_string(l) +
                                           " has negative extent " +
                                           std::to_string(problem.extents[l]));
    }
  }
  if (problem.memory_limit && std::isnan(*problem.memory_limit)) {
    throw Error(ErrorCode::Internal, "path planner: memory limit is NaN");
  }
}

Index saturating_index(double value) {
  // 2^63 is exactly representable; anything at or above it does not fit.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(value < kLimit)) return std::numeric_limits<Index>::max();
  if (value <= 0) return 0;
  return static_cast<Index>(value);
}

}  // namespace ein::path
