#!/usr/bin/env bash
# Quick start, command 2: build and pass all tests.
#   1. Release build (warnings as errors), all C++ tests through CTest, benchmark smoke run.
#   2. ASan+UBSan build, all C++ tests again.
#   3. `pip install .` and the Python test suite (NumPy as the oracle).
# EIN_TEST_STAGES="release asan python" selects stages (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
JOBS=${JOBS:-$(nproc)}
STAGES=${EIN_TEST_STAGES:-"release asan python"}
PYTHON=${PYTHON:-python3}

stage() { echo; echo "=== $* ==="; }

for s in $STAGES; do
  case "$s" in
    release)
      stage "release build + tests"
      cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DEIN_WERROR=ON >/dev/null
      cmake --build build/release -j"$JOBS"
      ctest --test-dir build/release -j"$JOBS" --output-on-failure --timeout 600
      stage "install + find_package(ein) from a downstream project"
      cmake --install build/release --prefix build/release/prefix >/dev/null
      cmake -S tests/install -B build/release/consumer -DCMAKE_PREFIX_PATH="$PWD/build/release/prefix" >/dev/null
      cmake --build build/release/consumer -j"$JOBS" >/dev/null
      build/release/consumer/consumer
      if [ -x build/release/bench/ein_bench ]; then
        stage "benchmark smoke run (tiny sizes, no timing checks)"
        build/release/bench/ein_bench --smoke
      fi
      ;;
    asan)
      stage "ASan+UBSan build + tests"
      cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEIN_WERROR=ON \
        -DEIN_SANITIZE=address,undefined -DEIN_BUILD_BENCH=OFF >/dev/null
      cmake --build build/asan -j"$JOBS"
      ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build/asan -j"$JOBS" --output-on-failure --timeout 900
      ;;
    python)
      stage "Python package + pytest"
      "$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation . 
      (cd python/tests && "$PYTHON" -m pytest -q -p no:cacheprovider .)
      ;;
    *) echo "unknown stage $s" >&2; exit 2 ;;
  esac
done
echo; echo "all test stages passed: $STAGES"
