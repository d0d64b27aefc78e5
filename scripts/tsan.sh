#!/usr/bin/env bash
# Builds the threaded tests with ThreadSanitizer and runs them:
#   * ein_e2e_tests, filter Concurrency.* (tests/concurrency_test.cpp: one Expression from many
#     threads, many expressions at once, planning side by side, the shared thread pool), and
#   * ein_support_tests (the thread pool and parallel_for themselves).
# Only those two targets are built. OpenBLAS is not built with TSan; scripts/tsan.supp says what
# is suppressed in it and why.
#
#   scripts/tsan.sh                 # build + run
#   EIN_TSAN_BUILD=dir JOBS=2 scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${EIN_TSAN_BUILD:-build/tsan}
JOBS=${JOBS:-$(nproc)}

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEIN_WERROR=ON -DEIN_SANITIZE=thread \
  -DEIN_BUILD_BENCH=OFF -DEIN_BUILD_TOOLS=OFF -DEIN_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target ein_e2e_tests ein_support_tests

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}"
echo "=== TSan: Concurrency.* (ein_e2e_tests)"
"$BUILD/ein_e2e_tests" --gtest_filter='Concurrency.*' --gtest_brief=1
echo "=== TSan: ein_support_tests"
"$BUILD/ein_support_tests" --gtest_brief=1
echo "TSan: no data races reported"
