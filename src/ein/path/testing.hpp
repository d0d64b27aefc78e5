// Test helpers for the path planner: seeded random problems and a brute-force optimum.
// Header-only so that only the path tests compile it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ein/path/path.hpp"

namespace ein::path::testing {

// The seed for random tests: EIN_SEED from the environment, else `fallback`.
inline std::uint64_t test_seed(std::uint64_t fallback) {
  const char* env = std::getenv("EIN_SEED");
  return env ? std::strtoull(env, nullptr, 10) : fallback;
}

inline std::string reproduce(std::uint64_t seed) {
  return "seed " + std::to_string(seed) + " (rerun with EIN_SEED=" + std::to_string(seed) +
         " and this test's --gtest_filter)";
}

// A simplified problem with n operands: a random spanning tree of summed labels, extra loops,
// a few labels held by three operands and a few output labels. Every label is held by two or
// more operands, or by one operand and the output. Some problems leave an operand disconnected.
inline PathProblem random_problem(std::mt19937_64& rng, int n, int max_extent = 9) {
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto distinct = [&](int count) {
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(static_cast<std::size_t>(count));
    return all;
  };
  std::vector<std::vector<int>> holders;  // -1 is the output
  for (int i = 1; i < n; ++i) holders.push_back({uniform(0, i - 1), i});
  for (int k = uniform(0, n - 1); k > 0; --k) holders.push_back(distinct(2));
  for (int k = n >= 3 ? uniform(0, 2) : 0; k > 0; --k) holders.push_back(distinct(3));
  for (int k = uniform(0, 3); k > 0; --k) {
    auto h = distinct(uniform(1, std::min(2, n)));
    h.push_back(-1);
    holders.push_back(h);
  }
  if (n >= 3 && uniform(0, 4) == 0) {  // cut one operand loose: outer products are needed
    const int extra = uniform(0, n - 1);
    std::vector<std::vector<int>> kept;
    for (auto h : holders) {
      h.erase(std::remove(h.begin(), h.end(), extra), h.end());
      const auto operands = std::count_if(h.begin(), h.end(), [](int x) { return x >= 0; });
      const bool output = std::find(h.begin(), h.end(), -1) != h.end();
      if (operands >= 2 || (output && operands >= 1)) kept.push_back(h);
    }
    kept.push_back({extra, -1});
    holders = kept;
  }
  PathProblem p;
  p.inputs.resize(static_cast<std::size_t>(n));
  for (std::size_t l = 0; l < holders.size(); ++l) {
    for (int h : holders[l]) {
      (h < 0 ? p.output : p.inputs[static_cast<std::size_t>(h)]).push_back(static_cast<int>(l));
    }
    p.extents.push_back(uniform(2, max_extent));
  }
  for (auto& term : p.inputs) std::shuffle(term.begin(), term.end(), rng);
  return p;
}

// The cheapest complete path by trying every one (n <= 7), honouring the memory limit; infinity
// when no complete path fits it. Written from opt_einsum's definitions independently of
// evaluate_path: a step costs the product of its labels' extents, twice if it sums a label.
inline double brute_force_optimum(const PathProblem& problem) {
  using Term = std::vector<int>;  // sorted label ids
  auto size_of = [&problem](const Term& t) {
    double s = 1;
    for (int l : t) s *= static_cast<double>(problem.extents[static_cast<std::size_t>(l)]);
    return s;
  };
  const double limit = problem.memory_limit.value_or(std::numeric_limits<double>::infinity());
  double best = std::numeric_limits<double>::infinity();
  std::function<void(const std::vector<Term>&, double)> walk = [&](const std::vector<Term>& terms,
                                                                   double flops) {
    if (terms.size() == 1) {
      best = std::min(best, flops);
      return;
    }
    for (std::size_t i = 0; i < terms.size(); ++i) {
      for (std::size_t j = i + 1; j < terms.size(); ++j) {
        std::vector<Term> next;
        Term keep(problem.output.begin(), problem.output.end());
        for (std::size_t k = 0; k < terms.size(); ++k) {
          if (k == i || k == j) continue;
          next.push_back(terms[k]);
          keep.insert(keep.end(), terms[k].begin(), terms[k].end());
        }
        Term both = terms[i];
        both.insert(both.end(), terms[j].begin(), terms[j].end());
        std::sort(both.begin(), both.end());
        both.erase(std::unique(both.begin(), both.end()), both.end());
        Term result;
        for (int l : both) {
          if (std::find(keep.begin(), keep.end(), l) != keep.end()) result.push_back(l);
        }
        if (size_of(result) > limit) continue;
        const double step = size_of(both) * (result.size() < both.size() ? 2 : 1);
        next.push_back(result);
        walk(next, flops + step);
      }
    }
  };
  std::vector<Term> terms;
  for (const auto& input : problem.inputs) {
    Term t(input.begin(), input.end());
    std::sort(t.begin(), t.end());
    terms.push_back(t);
  }
  walk(terms, 0);
  return best;
}

}  // namespace ein::path::testing
