#!/usr/bin/env bash
# Builds ein's libFuzzer targets (fuzz/CMakeLists.txt, clang + ASan + UBSan) and runs each one
# for a while, one at a time, on its seed corpus (fuzz/corpus/<target>).
#
#   scripts/fuzz.sh                    # every target for 20 s (the CI smoke run uses fewer)
#   scripts/fuzz.sh 3600 einsum        # one target for an hour
#   EIN_FUZZ_TIME=600 scripts/fuzz.sh  # same as passing 600
#
# New interesting inputs go to $BUILD/work/<target> (not into the repository); a crash, leak,
# timeout or failed property stops the run with a non-zero status and leaves the input in
# $BUILD/artifacts/. Reproduce one with:  $BUILD/fuzz_<target> <file>
# Environment: EIN_FUZZ_BUILD (build dir, default build/fuzz), EIN_FUZZ_CXX (default clang++,
# falling back to clang++-14), EIN_FUZZ_FLAGS (compile flags instead of RelWithDebInfo's -O2 -g;
# CI uses "-O1 -g1 -DNDEBUG" to build faster), JOBS (build parallelism, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${1:-${EIN_FUZZ_TIME:-20}}
[ $# -gt 0 ] && shift
TARGETS=${*:-parse path npy npz einsum}
BUILD=${EIN_FUZZ_BUILD:-build/fuzz}
JOBS=${JOBS:-$(nproc)}
CXX=${EIN_FUZZ_CXX:-}
if [ -z "$CXX" ]; then
  if command -v clang++ >/dev/null; then CXX=clang++; else CXX=clang++-14; fi
fi

build_targets=()
for t in $TARGETS; do build_targets+=("fuzz_$t"); done
cmake -S fuzz -B "$BUILD" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${EIN_FUZZ_FLAGS:--O2 -g -DNDEBUG}" >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target "${build_targets[@]}"

mkdir -p "$BUILD/artifacts"
status=0
for t in $TARGETS; do
  work="$BUILD/work/$t"
  mkdir -p "$work"
  dict=()
  case "$t" in
    parse | path) dict=(-dict=fuzz/dict/expr.dict) ;;
    npy) dict=(-dict=fuzz/dict/npy.dict) ;;
    npz) dict=(-dict=fuzz/dict/npz.dict) ;;
  esac
  echo "=== fuzz_$t for ${SECS}s"
  # One process (-jobs would fork workers: the machines this runs on are small). -timeout flags
  # any single input slower than 30 s; the rss limit catches runaway allocations.
  if ! "$BUILD/fuzz_$t" "$work" "fuzz/corpus/$t" "${dict[@]}" -max_total_time="$SECS" \
    -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$BUILD/artifacts/$t-" 2>"$BUILD/fuzz_$t.log"; then
    status=1
    grep -E "FUZZ CHECK|ERROR|runtime error|SUMMARY" "$BUILD/fuzz_$t.log" | head -20 || true
    echo "fuzz_$t FAILED; log: $BUILD/fuzz_$t.log; artifacts: $BUILD/artifacts/" >&2
    continue
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$BUILD/fuzz_$t.log" || true
done
exit $status
