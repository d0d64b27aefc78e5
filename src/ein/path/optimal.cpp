// "optimal": the exact minimum of opt_einsum's cost over every contraction tree.
//
// The labels of the tensor that contracts a subset S of the operands depend only on S (a label
// survives if the output or an operand outside S holds it), and so does the cost of joining two
// disjoint subsets. So the best tree for S is the best split S = A + B, and one pass over all
// subsets in increasing order (3^n splits in all) finds the optimum that opt_einsum's exhaustive
// search finds in factorial time. Subsets whose tensor exceeds the memory limit are infeasible.
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ein/error.hpp"
#include "ein/path/finders.hpp"
#include "ein/path/label_groups.hpp"
#include "ein/path/tree.hpp"

namespace ein::path {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// kept[S] = groups of the tensor for subset S, for every S (words-wide rows).
std::vector<std::uint64_t> subset_labels(const LabelGroups& groups, int n) {
  const auto w = static_cast<std::size_t>(groups.words());
  const std::size_t num_sets = std::size_t{1} << n;
  std::vector<std::uint64_t> kept(num_sets * w, 0);
  std::vector<std::uint64_t> inside(num_sets * w, 0);
  for (std::size_t s = 1; s < num_sets; ++s) {
    const auto low = static_cast<int>(std::countr_zero(s));
    const std::size_t prev = s & (s - 1);
    for (std::size_t k = 0; k < w; ++k)
      kept[s * w + k] = kept[prev * w + k] | groups.operand(low)[k];
  }
  // inside[S] = summed groups all of whose holders lie in S: a superset closure seeded at each
  // group's exact holder set.
  for (int g = 0; g < groups.num_groups(); ++g) {
    const auto word = static_cast<std::size_t>(g / 64);
    const std::uint64_t bit = std::uint64_t{1} << (g % 64);
    if (groups.output()[word] & bit) continue;
    std::size_t holders = 0;
    for (int h : groups.holders(g)) holders |= std::size_t{1} << h;
    inside[holders * w + word] |= bit;
  }
  for (int i = 0; i < n; ++i) {
    const std::size_t bit = std::size_t{1} << i;
    for (std::size_t s = 1; s < num_sets; ++s) {
      if (!(s & bit)) continue;
      for (std::size_t k = 0; k < w; ++k) inside[s * w + k] |= inside[(s ^ bit) * w + k];
    }
  }
  for (std::size_t j = 0; j < kept.size(); ++j) kept[j] &= ~inside[j];
  return kept;
}

}  // namespace

ContractionPath optimal_path(const PathProblem& problem) {
  const int n = static_cast<int>(problem.inputs.size());
  if (n <= 1) return {};
  if (n == 2) return {{0, 1}};
  if (n > kMaxOptimalOperands) {
    throw Error(ErrorCode::InvalidArgument,
                "path algorithm 'optimal' handles at most " + std::to_string(kMaxOptimalOperands) +
                    " operands (got " + std::to_string(n) +
                    "): its search grows as 3^n; use 'dp', 'branch-1' or 'greedy'");
  }
  const LabelGroups groups(problem);
  const auto w = static_cast<std::size_t>(groups.words());
  const std::vector<std::uint64_t> kept = subset_labels(groups, n);
  const double limit = problem.memory_limit.value_or(kInf);

  const std::size_t num_sets = std::size_t{1} << n;
  std::vector<double> best(num_sets, kInf);
  std::vector<std::uint32_t> split(num_sets, 0);
  std::vector<std::uint64_t> joined(w);
  for (std::size_t s = 1; s < num_sets; ++s) {
    if (std::has_single_bit(s)) {
      best[s] = 0;
      continue;
    }
    const std::uint64_t* result = &kept[s * w];
    if (groups.size(result) > limit) continue;
    // Splits A + B with A holding the lowest operand, so each unordered split is seen once.
    const std::size_t low = s & (~s + 1);
    const std::size_t rest = s ^ low;
    double best_s = kInf;
    std::size_t best_a = 0;
    for (std::size_t sub = (rest - 1) & rest;; sub = (sub - 1) & rest) {
      const std::size_t a = low | sub;
      const std::size_t b = s ^ a;
      const double base = best[a] + best[b];
      if (base < best_s) {
        bool inner = false;
        for (std::size_t k = 0; k < w; ++k) {
          joined[k] = kept[a * w + k] | kept[b * w + k];
          inner = inner || joined[k] != result[k];
        }
        const double total = base + groups.size(joined.data()) * (inner ? 2.0 : 1.0);
        if (total < best_s) {
          best_s = total;
          best_a = a;
        }
      }
      if (sub == 0) break;
    }
    best[s] = best_s;
    split[s] = static_cast<std::uint32_t>(best_a);
  }

  const std::size_t full = num_sets - 1;
  if (best[full] == kInf) return memory_fallback_path(problem);
  ContractionTree tree;
  const std::function<int(std::size_t)> build = [&](std::size_t s) -> int {
    if (std::has_single_bit(s)) return tree.leaf(std::countr_zero(s));
    const int left = build(split[s]);
    const int right = build(s ^ split[s]);
    return tree.merge(left, right);
  };
  return tree.to_path(build(full), n);
}

}  // namespace ein::path
