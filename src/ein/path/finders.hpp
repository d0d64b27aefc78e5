// The built-in path finders (registered by registry.cpp). Each takes a checked problem.
#pragma once

#include <optional>

#include "ein/path/path.hpp"

namespace ein::path {

// Most operands "optimal" accepts: its search visits 3^n splits.
inline constexpr int kMaxOptimalOperands = 16;
// Most operands in one connected group that "dp" accepts (subsets are 64-bit masks).
inline constexpr int kMaxDpGroupOperands = 64;

// Exact minimum of opt_einsum's cost over all contraction trees (outer products included) whose
// intermediates fit the memory limit: dynamic programming over subsets of operands.
ContractionPath optimal_path(const PathProblem& problem);
// opt_einsum's dynamic_programming: exact over trees that contract only operands sharing a summed
// label, per connected group; groups are then joined smallest result first.
ContractionPath dp_path(const PathProblem& problem);
// opt_einsum's greedy: Hadamard products of equal label sets first, then the pair that removes
// the most memory, then outer products smallest first. With a memory limit it is branch(1).
ContractionPath greedy_path(const PathProblem& problem);
// opt_einsum's branch and bound; nbranch = how many best candidates to explore per step (all
// when empty).
ContractionPath branch_path(const PathProblem& problem, std::optional<int> nbranch);
// (0, 1) repeated: no planning.
ContractionPath naive_path(const PathProblem& problem);
// opt_einsum's "auto" table: optimal up to 4 operands, branch-all up to 6, branch-2 up to 8,
// branch-1 up to 14, greedy beyond.
ContractionPath auto_path(const PathProblem& problem);

// When no complete path fits the memory limit: the cheaper of branch-1's partial path and
// contracting everything at once (opt_einsum's fallback, reached without its full search).
ContractionPath memory_fallback_path(const PathProblem& problem);

}  // namespace ein::path
