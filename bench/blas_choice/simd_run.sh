#!/usr/bin/env bash
# Builds and runs simd_choice.cpp (Highway vs SLEEF vs xsimd vs std:: for exp and tanh) and
# prints the Markdown table of docs/KERNELS.md. Needs libhwy-dev, libsleef-dev, libxsimd-dev.
#
#   bench/blas_choice/simd_run.sh [outdir]      (default outdir: build-blas-choice)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-build-blas-choice}"
mkdir -p "$out"
${CXX:-g++} -std=c++20 -O2 -march=native "$here/simd_choice.cpp" -o "$out/simd_choice" -lsleef
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$out/simd_choice"
