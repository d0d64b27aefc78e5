// The contraction-path planner: which pairs of operands to contract, in which order.
//
// Input is a PathProblem that the lowering has already simplified (every operand has unique labels;
// diagonals and labels summed within one operand are gone). Output is a ContractionPath in NumPy's
// and opt_einsum's form. Costs follow opt_einsum's model exactly (helpers.flop_count), so paths and
// costs can be cross-checked against opt_einsum.
//
// Memory limit and partial paths: PathProblem::memory_limit bounds the elements of every step's
// result, the final output included (as in opt_einsum). When no sequence of pairwise steps fits,
// a finder falls back like opt_einsum does: it returns a PARTIAL path (fewer than n-1 pairs) and
// the operands left after it are meant to be contracted all at once in one n-ary step.
// evaluate_path() and make_path_info() show that step; PathCost::rest_at_once tells callers about
// it. A partial path never leaves exactly two operands (a final pair is then appended instead).
// "optimal" and "dp" are exact among complete paths that fit the limit; when none fits they
// return the cheaper of branch-1's partial path and contracting everything at once (opt_einsum's
// exhaustive search also weighs other partial paths, and may even prefer one to a complete path
// that fits). "greedy" under a limit is "branch-1", as in opt_einsum.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/options.hpp"
#include "ein/tensor.hpp"

namespace ein::path {

struct PathProblem {
  std::vector<std::vector<int>> inputs;  // per operand: unique label ids (in axis order)
  std::vector<int> output;               // label ids kept in the result (in output order)
  std::vector<Index> extents;            // per label id
  std::optional<double> memory_limit;    // max elements of any intermediate, final result included
};

using PathFinder = ContractionPath (*)(const PathProblem&);

// Runs the path finder registered under `algorithm`. Built-in names: "auto" (opt_einsum's table by
// operand count), "optimal" (exact), "dp" (exact over trees without outer products inside a
// connected group, like opt_einsum's dynamic_programming), "greedy", "branch" (= "branch-all"),
// "branch-2", "branch-1", "none" / "naive" ((0,1) repeated). Unknown names throw
// Error(InvalidArgument) listing the valid ones; a problem with bad label ids throws
// Error(Internal). The result is complete, or partial only under a memory limit (see above).
ContractionPath find_path(std::string_view algorithm, const PathProblem& problem);
// Adds or replaces a finder. Thread-safe; finders themselves must be reentrant.
void register_path_finder(std::string name, PathFinder finder);
// All registered names, sorted.
std::vector<std::string> path_finder_names();

// Checks a caller-given path against the operand count: every step names two distinct positions
// in range of the list at that step, and the path ends with one operand (or, with allow_partial,
// with any number). Throws Error(InvalidArgument) naming the bad step.
void validate_path(const ContractionPath& path, int num_operands, bool allow_partial = false);

// opt_einsum's flop_count: (product of the extents of `labels`) * op factor, where op factor is
// max(1, num_terms - 1), plus one if the step sums over some label (`inner`).
double flop_count(std::span<const int> labels, bool inner, int num_terms,
                  std::span<const Index> extents);

// One step of an evaluated path.
struct StepCost {
  std::vector<int> operands;  // positions in the operand list at this step (as given)
  std::vector<int> involved;  // sorted label ids of all operands in the step
  std::vector<int> result;    // sorted label ids of the step's result
  std::vector<int> removed;   // sorted label ids summed away in this step
  double flops = 0;           // opt_einsum's cost of the step
  double result_size = 0;     // elements of the step's result
};

struct PathCost {
  double flops = 0;                 // sum of the steps' costs (opt_einsum's opt_cost)
  double naive_flops = 0;           // opt_einsum's naive_cost (one n-ary einsum over all labels)
  double largest_intermediate = 0;  // elements of the largest step result (final output included)
  bool rest_at_once = false;  // the path was partial; the last step is n-ary (memory fallback)
  bool within_memory_limit = true;  // every step result fits problem.memory_limit
  std::vector<StepCost> steps;
};

// Costs of a complete or partial path (validated with allow_partial; throws like validate_path).
// A one-operand problem with an empty path yields one single-operand step, like NumPy's (0,).
PathCost evaluate_path(const PathProblem& problem, const ContractionPath& path);

// The NumPy-like report for a path: everything except StepInfo::kernel, which the lowering fills
// in. `label_chars` gives a printable character per label id. Step strings follow NumPy's
// einsum_path: operands listed from the highest position down, intermediates' labels sorted by
// (extent, character), the last step written with the output's label order. optimized_flops is
// opt_einsum's sum of step costs (NumPy adds 1 to it).
PathInfo make_path_info(const PathProblem& problem, const ContractionPath& path,
                        std::span<const char> label_chars);

}  // namespace ein::path
