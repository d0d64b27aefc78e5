#!/usr/bin/env bash
# The benchmark, issue 7's judge: builds ein's C++ benchmarks (ein_bench, ein_eigen_bench) and the
# Python module in a Release build directory, then runs the fixed suite (bench/suite.txt) once
# per peer, each in its own process, and writes results.json, results.md (medians, ratios,
# geometric means, the issue's targets) and ratios.png.
#
#   scripts/bench.sh                  # the full suite -> bench/results/ (about 15 min on 2 cores)
#   scripts/bench.sh --smoke          # tiny sizes, under a minute -> bench/out/
#   scripts/bench.sh --only attn      # cases whose name contains "attn"
#   scripts/bench.sh --peers ein_cpp,openblas,eigen   # a subset of peers
#
# Other arguments go to bench/run_suite.py (--out, --min-time, --repetitions; see --help).
# EIN_BENCH_BUILD picks the build directory (default build/bench). No timing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${EIN_BENCH_BUILD:-build/bench}
PYTHON=${PYTHON:-python3}
JOBS=${JOBS:-$(nproc)}

scripts/install-deps.sh
# The chart needs matplotlib (docs/decisions/0002-matplotlib-for-bench-charts.md); the benchmark
# itself does not, so only this script installs it.
"$PYTHON" -c "import matplotlib" 2>/dev/null ||
  "$PYTHON" -m pip install -q --disable-pip-version-check matplotlib

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DEIN_BUILD_PYTHON=ON -DEIN_BUILD_TESTS=OFF \
  -DEIN_BUILD_EXAMPLES=OFF -DEIN_BUILD_TOOLS=OFF -DEIN_BUILD_BENCH=ON >/dev/null
targets=(ein_bench ein_python)
if cmake --build "$BUILD" --target help | grep -q ein_eigen_bench; then
  targets+=(ein_eigen_bench)
fi
cmake --build "$BUILD" -j"$JOBS" --target "${targets[@]}"

out=bench/results
for arg in "$@"; do
  case "$arg" in
    --smoke | --only | --only=* | --peers | --peers=*) out=bench/out ;;
  esac
done
exec "$PYTHON" bench/run_suite.py --build "$BUILD" --pythonpath "$BUILD/python" --out "$out" "$@"
