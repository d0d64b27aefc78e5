// Planning time (issue 7: "optimal for 10 operands under 1 ms; greedy for 1,000 operands under
// 50 ms"): the path finders on the seeded random networks the planner's own tests use
// (src/ein/path/testing.hpp), so the figures here and in ein_path_tests describe the same
// problems. Path search only: no parsing, no lowering.
#include "planning.hpp"

#include <benchmark/benchmark.h>

#include <random>

#include "ein/path/path.hpp"
#include "ein/path/testing.hpp"

namespace bench {
namespace {

void BM_plan(benchmark::State& state, const char* algorithm, int operands) {
  std::mt19937_64 rng(99);  // the seed of Limits.TenOperandOptimalAndThousandOperandGreedyComplete
  const ein::path::PathProblem problem = ein::path::testing::random_problem(rng, operands);
  std::size_t steps = 0;
  for (auto _ : state) {
    const ein::ContractionPath path = ein::path::find_path(algorithm, problem);
    steps = path.size();
    benchmark::DoNotOptimize(path.data());
  }
  state.SetLabel(std::string(algorithm) + ", " + std::to_string(steps) + " steps");
}

}  // namespace

void register_planning_benchmarks(bool smoke) {
  const int ten = smoke ? 4 : 10, thousand = smoke ? 20 : 1000;
  benchmark::RegisterBenchmark("plan/optimal_10", BM_plan, "optimal", ten)->UseRealTime();
  benchmark::RegisterBenchmark("plan/greedy_1000", BM_plan, "greedy", thousand)->UseRealTime();
}

}  // namespace bench
