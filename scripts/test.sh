#!/usr/bin/env bash
# Quick start, command 2: build and pass all tests. Stages, in order:
#   release     Release build (warnings as errors), all C++ tests through CTest, an installed
#               find_package(ein) consumer, benchmark smoke run.
#   asan        ASan+UBSan build (with the Python module), all C++ tests again, leaks checked.
#   python-asan the Python test suite against the asan build's module (same build, no third
#               compile): libasan preloaded into CPython, leak checking off (CPython itself
#               leaks by design at exit), UBSan aborts on the first report.
#   python      `pip install .` and the Python test suite (NumPy as the oracle).
#   tsan        ThreadSanitizer over the threaded tests (scripts/tsan.sh).
#   fuzz        every libFuzzer target for a short while on its seed corpus (scripts/fuzz.sh).
# EIN_TEST_STAGES="release asan" selects stages (default: all of the above). Each stage prints
# its wall time, and a summary closes the run.
# Tuning: JOBS (build parallelism, default nproc), EIN_FUZZ_CI_TIME (seconds per fuzz target,
# default 15), EIN_BUILD_ROOT (parent of the build directories, default build; `pip install .`
# always builds in build/pip-*), EIN_SAN_CORPUS_CASES (random Python corpus cases under ASan, default 400; the
# python stage runs the full corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=${EIN_BUILD_ROOT:-build}  # where the stages' build directories go
case "$B" in /*) ;; *) B=$ROOT/$B ;; esac
scripts/install-deps.sh
JOBS=${JOBS:-$(nproc)}
STAGES=${EIN_TEST_STAGES:-"release asan python-asan python tsan fuzz"}
PYTHON=${PYTHON:-python3}

# Sanitizer builds: -O1 -g1 compiles about twice as fast as RelWithDebInfo's -O2 -g and still
# gives symbolized stack traces with line numbers; the release stage keeps full optimisation.
# Warnings are errors in the release stage (-O2, every target but the Python module); the
# sanitizer builds only print them, because gcc's flow-based warnings differ at -O1 (false
# positives such as -Wmismatched-new-delete on a replacement operator delete).
SAN_FLAGS="-O1 -g1 -DNDEBUG"

current="" started=0 summary=()
finish() {
  if [ -n "$current" ]; then
    local took=$((SECONDS - started))
    echo "--- $current: ${took}s"
    summary+=("$(printf '%6ds  %s' "$took" "$current")")
    current=""
  fi
}
stage() { finish; current="$*"; started=$SECONDS; echo; echo "=== $* ==="; }

configure_asan() {
  cmake -S . -B "$B/asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$SAN_FLAGS" -DEIN_WERROR=OFF -DEIN_SANITIZE=address,undefined -DEIN_BUILD_BENCH=OFF \
    -DEIN_BUILD_PYTHON=ON -DPython_EXECUTABLE="$(command -v "$PYTHON")" >/dev/null
}

# Runs Python on the asan build's module. CPython is not built with ASan, so the runtime is loaded
# first (LD_PRELOAD) for the module's instrumented code to work. detect_leaks=0: CPython
# deliberately leaves interned objects and module state allocated at exit, so LSan would report
# CPython, not ein (the asan stage checks ein's own leaks). PYTHONMALLOC=malloc routes Python's
# small objects through malloc too, so ASan sees every buffer that crosses the binding.
# allocator_may_return_null=1: a request ASan's allocator cannot serve (tests ask for TiB-sized
# outputs to see MemoryError) returns null to ein, as malloc would, instead of aborting.
asan_python() {
  local cxx libasan libstdcxx
  cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$B/asan/CMakeCache.txt")
  libasan=$("$cxx" -print-file-name=libasan.so)
  # libstdc++ too: CPython does not link it, and ASan's __cxa_throw interceptor must find the
  # real one when it starts (else the first C++ exception aborts with "CHECK failed").
  libstdcxx=$("$cxx" -print-file-name=libstdc++.so)
  PYTHONPATH="$B/asan/python" LD_PRELOAD="$libasan $libstdcxx" PYTHONMALLOC=malloc \
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$PYTHON" "$@"
}

for s in $STAGES; do
  case "$s" in
    release)
      stage "release build + tests"
      cmake -S . -B "$B/release" -DCMAKE_BUILD_TYPE=Release -DEIN_WERROR=ON >/dev/null
      cmake --build "$B/release" -j"$JOBS"
      ctest --test-dir "$B/release" -j"$JOBS" --output-on-failure --timeout 600
      stage "install + find_package(ein) from a downstream project"
      cmake --install "$B/release" --prefix "$B/release/prefix" >/dev/null
      cmake -S tests/install -B "$B/release/consumer" -DCMAKE_PREFIX_PATH="$B/release/prefix" >/dev/null
      cmake --build "$B/release/consumer" -j"$JOBS" >/dev/null
      "$B/release/consumer/consumer"
      if [ -x "$B/release/bench/ein_bench" ]; then
        stage "benchmark smoke run (tiny sizes, no timing checks)"
        "$B/release/bench/ein_bench" --smoke
      fi
      ;;
    asan)
      stage "ASan+UBSan build + C++ tests"
      configure_asan
      cmake --build "$B/asan" -j"$JOBS"
      ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir "$B/asan" -j"$JOBS" --output-on-failure --timeout 900
      ;;
    python-asan)
      stage "Python tests under ASan+UBSan (the asan build's module)"
      configure_asan
      cmake --build "$B/asan" -j"$JOBS" --target ein_python  # no-op after the asan stage
      asan_python -c 'import ein; assert ein._ein.BUILD_INFO["sanitized"], ein.__file__'
      (cd python/tests && EIN_CORPUS_CASES=${EIN_SAN_CORPUS_CASES:-400} EIN_SKIP_TIMING=1 \
        asan_python -m pytest -q -p no:cacheprovider .)
      ;;
    python)
      stage "Python package + pytest"
      "$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation .
      (cd python/tests && "$PYTHON" -m pytest -q -p no:cacheprovider .)
      ;;
    tsan)
      stage "ThreadSanitizer over the threaded tests"
      EIN_TSAN_BUILD="$B/tsan" EIN_TSAN_FLAGS="$SAN_FLAGS" EIN_TSAN_WERROR=OFF JOBS="$JOBS" scripts/tsan.sh
      ;;
    fuzz)
      stage "libFuzzer targets, ${EIN_FUZZ_CI_TIME:-15} s each"
      EIN_FUZZ_BUILD="$B/fuzz" EIN_FUZZ_FLAGS="$SAN_FLAGS" JOBS="$JOBS" \
        scripts/fuzz.sh "${EIN_FUZZ_CI_TIME:-15}"
      ;;
    *) echo "unknown stage $s" >&2; exit 2 ;;
  esac
done
finish
echo
echo "stage times:"
printf '%s\n' "${summary[@]}"
echo "all test stages passed: $STAGES (${SECONDS}s)"
