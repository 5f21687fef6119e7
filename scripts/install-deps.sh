#!/usr/bin/env bash
# Installs recur's build and test dependencies from Debian 12 packages, only those missing.
# Needs root (or sudo) when something is missing; does nothing otherwise.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config ccache libhwy-dev python3
  libopenblas-openmp-dev libdnnl-dev liblapacke-dev libplplot-dev plplot-driver-cairo fonts-dejavu-core
  nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin  # data-parallel training (docs/DISTRIBUTED.md); optional to build
  clang libclang-rt-14-dev libomp-14-dev  # the fuzz targets: clang, libFuzzer, clang's OpenMP
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "recur: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
