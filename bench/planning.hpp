// Path-finder timings for ein_bench ("plan/<algorithm>_<operands>").
#pragma once

namespace bench {

// Registers plan/optimal_10 and plan/greedy_1000 (small networks with --smoke).
void register_planning_benchmarks(bool smoke);

}  // namespace bench
