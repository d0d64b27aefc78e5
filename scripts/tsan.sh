#!/usr/bin/env bash
# Builds the threaded tests with ThreadSanitizer and runs them:
#   * ein_e2e_tests, Concurrency.* (tests/concurrency_test.cpp: one Expression from many threads,
#     many expressions at once, planning side by side, the shared thread pool);
#   * ein_support_tests (the thread pool and parallel_for themselves);
#   * the kernels' threaded paths: GemmRun.Threaded* and GemmRun.ManyCallersAtOnce (split GEMMs,
#     run() from several threads at once), PackedGemm.* (threads sharing one packed B panel),
#     TinyGemm.Layouts* (batches of small products split across threads), PermuteCopy.* (tiled
#     copies with 1-3 threads) and ReduceSum.* (threaded sums).
# Only those five test executables are built. OpenBLAS is not built with TSan;
# scripts/tsan.supp says what is suppressed in it and why.
#
#   scripts/tsan.sh                 # build + run
#   EIN_TSAN_BUILD=dir JOBS=2 scripts/tsan.sh
#   EIN_TSAN_FLAGS="-O1 -g1"        # compile flags (default RelWithDebInfo's -O2 -g)
#   EIN_TSAN_WERROR=OFF             # warnings not errors (CI: gcc warns differently at -O1)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${EIN_TSAN_BUILD:-build/tsan}
JOBS=${JOBS:-$(nproc)}

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${EIN_TSAN_FLAGS:--O2 -g -DNDEBUG}" \
  -DEIN_WERROR="${EIN_TSAN_WERROR:-ON}" -DEIN_SANITIZE=thread -DEIN_BUILD_BENCH=OFF \
  -DEIN_BUILD_TOOLS=OFF -DEIN_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target ein_e2e_tests ein_support_tests ein_gemm_tests \
  ein_permute_tests ein_reduce_tests

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}"
run() {
  echo "=== TSan: $1 $2"
  "$BUILD/$1" "--gtest_filter=$2" --gtest_brief=1
}
run ein_e2e_tests 'Concurrency.*'
run ein_support_tests '*'
run ein_gemm_tests 'GemmRun.Threaded*:GemmRun.ManyCallersAtOnce:PackedGemm.*:TinyGemm.Layouts*'
run ein_permute_tests 'PermuteCopy.*'
run ein_reduce_tests 'ReduceSum.*'
echo "TSan: no data races reported"
