#!/usr/bin/env bash
# Installs everything ein needs on a fresh Debian 12 machine: Debian packages via apt-get and
# Python packages via pip. Safe to run again: it skips what is already there.
set -euo pipefail

# clang + libclang-rt-dev: the libFuzzer targets (fuzz/, scripts/fuzz.sh) need clang's runtime.
APT_PACKAGES=(build-essential cmake libopenblas-dev zlib1g-dev libgtest-dev libgmock-dev
  libbenchmark-dev libcli11-dev libeigen3-dev clang libclang-rt-dev)
PIP_PACKAGES=(numpy pytest nanobind scikit-build-core einops opt_einsum)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
need_pip=0
for m in numpy pytest nanobind scikit_build_core einops opt_einsum; do
  "$PYTHON" -c "import $m" 2>/dev/null || need_pip=1
done
if [ $need_pip -eq 1 ]; then
  echo "install-deps: pip install ${PIP_PACKAGES[*]}"
  "$PYTHON" -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
fi
