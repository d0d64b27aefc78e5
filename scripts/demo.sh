#!/usr/bin/env bash
# Quick start, command 1: install what is needed, build, and run the main job (`ein demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DEIN_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target ein_cli
build/release/tools/ein/ein demo "$@"
