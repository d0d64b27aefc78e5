// opt_einsum's cost model, path validation and evaluation of a (possibly partial) path.
#include <algorithm>
#include <functional>
#include <string>

#include "ein/error.hpp"
#include "ein/path/labels.hpp"
#include "ein/path/path.hpp"

namespace ein::path {

namespace {

std::string step_name(std::size_t k, const std::pair<int, int>& step) {
  return "contraction path step " + std::to_string(k) + " (" + std::to_string(step.first) + ", " +
         std::to_string(step.second) + ")";
}

// The step that contracts the terms at `positions` of `terms`, where count[l] is how many of the
// current terms hold label l. Updates nothing; the caller replaces the terms.
StepCost cost_step(const std::vector<Labels>& terms, std::vector<int> positions,
                   const std::vector<int>& count, const Labels& output,
                   std::span<const Index> extents) {
  StepCost step;
  Labels involved;
  std::vector<int> uses(count.size(), 0);
  for (int p : positions) {
    const Labels& term = terms[static_cast<std::size_t>(p)];
    involved = labels_union(involved, term);
    for (int l : term) ++uses[static_cast<std::size_t>(l)];
  }
  for (int l : involved) {
    // Kept if the result needs it or a term outside this step still holds it.
    const auto ul = static_cast<std::size_t>(l);
    if (labels_contain(output, l) || count[ul] > uses[ul]) {
      step.result.push_back(l);
    } else {
      step.removed.push_back(l);
    }
  }
  step.flops =
      flop_count(involved, !step.removed.empty(), static_cast<int>(positions.size()), extents);
  step.result_size = labels_size(step.result, extents);
  step.involved = std::move(involved);
  step.operands = std::move(positions);
  return step;
}

}  // namespace

double flop_count(std::span<const int> labels, bool inner, int num_terms,
                  std::span<const Index> extents) {
  double op_factor = std::max(1, num_terms - 1);
  if (inner) op_factor += 1;
  return labels_size(labels, extents) * op_factor;
}

void validate_path(const ContractionPath& path, int num_operands, bool allow_partial) {
  if (num_operands < 1) {
    throw Error(ErrorCode::InvalidArgument, "a contraction path needs at least one operand");
  }
  int left = num_operands;
  for (std::size_t k = 0; k < path.size(); ++k) {
    const auto& step = path[k];
    if (left < 2) {
      throw Error(ErrorCode::InvalidArgument,
                  step_name(k, step) + ": only one operand is left, nothing to contract; a " +
                      "complete path for " + std::to_string(num_operands) + " operands has " +
                      std::to_string(num_operands - 1) + " steps");
    }
    for (int p : {step.first, step.second}) {
      if (p < 0 || p >= left) {
        throw Error(ErrorCode::InvalidArgument,
                    step_name(k, step) + ": position " + std::to_string(p) +
                        " is out of range; expected 0.." + std::to_string(left - 1) + " (" +
                        std::to_string(left) + " operands are left at this step)");
      }
    }
    if (step.first == step.second) {
      throw Error(ErrorCode::InvalidArgument, step_name(k, step) + ": names position " +
                                                  std::to_string(step.first) +
                                                  " twice; a step contracts two distinct operands");
    }
    --left;
  }
  if (left != 1 && !allow_partial) {
    throw Error(ErrorCode::InvalidArgument, "contraction path has " + std::to_string(path.size()) +
                                                " steps and leaves " + std::to_string(left) +
                                                " operands; a complete path for " +
                                                std::to_string(num_operands) + " operands has " +
                                                std::to_string(num_operands - 1) + " steps");
  }
}

PathCost evaluate_path(const PathProblem& problem, const ContractionPath& path) {
  check_problem(problem);
  const int n = static_cast<int>(problem.inputs.size());
  validate_path(path, n, /*allow_partial=*/true);
  const std::span<const Index> extents = problem.extents;
  const Labels output = sorted_labels(problem.output);

  std::vector<Labels> terms;
  std::vector<int> count(problem.extents.size(), 0);
  Labels all;
  std::size_t total_labels = 0;
  for (const auto& input : problem.inputs) {
    terms.push_back(sorted_labels(input));
    for (int l : terms.back()) ++count[static_cast<std::size_t>(l)];
    all = labels_union(all, terms.back());
    total_labels += terms.back().size();
  }

  PathCost cost;
  // opt_einsum's (and NumPy's) naive cost: one einsum over every label, "inner" as soon as any
  // label is shared between inputs (even when the output keeps it).
  cost.naive_flops = flop_count(all, total_labels > all.size(), n, extents);

  auto apply = [&](std::vector<int> positions) {
    StepCost step = cost_step(terms, positions, count, output, extents);
    std::sort(positions.begin(), positions.end(), std::greater<>());
    for (int p : positions) {
      for (int l : terms[static_cast<std::size_t>(p)]) --count[static_cast<std::size_t>(l)];
      terms.erase(terms.begin() + p);
    }
    for (int l : step.result) ++count[static_cast<std::size_t>(l)];
    terms.push_back(step.result);
    cost.steps.push_back(std::move(step));
  };

  for (const auto& [a, b] : path) apply({a, b});
  if (terms.size() >= 2 || n == 1) {
    // A partial path: the rest in one n-ary step (or the single operand's own reduction).
    cost.rest_at_once = terms.size() >= 3;
    std::vector<int> rest(terms.size());
    for (std::size_t k = 0; k < rest.size(); ++k) rest[k] = static_cast<int>(k);
    apply(std::move(rest));
  }

  for (const auto& step : cost.steps) {
    cost.flops += step.flops;
    cost.largest_intermediate = std::max(cost.largest_intermediate, step.result_size);
    if (problem.memory_limit && step.result_size > *problem.memory_limit) {
      cost.within_memory_limit = false;
    }
  }
  return cost;
}

}  // namespace ein::path
