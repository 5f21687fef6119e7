#!/usr/bin/env bash
# Builds blas_choice.cpp once per candidate BLAS and prints the GFLOP/s table of docs/BLAS.md.
#
#   bench/blas_choice/run.sh [outdir]          (default outdir: build-blas-choice)
#
# Needs: libopenblas-{openmp,pthread,serial}-dev, libblis-openmp-dev, libdnnl-dev, libxsmm-dev.
# Not part of the CMake build: CI never needs these extra libraries. The raw TSV lines go to
# <outdir>/raw.tsv and the Markdown table to stdout (format_table.py).
# Run it on an idle machine: single-thread figures are timed by CPU time and survive some load,
# but two-thread OpenMP figures collapse when other jobs compete for the cores (docs/BLAS.md).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-build-blas-choice}"
mkdir -p "$out"
lib=/usr/lib/x86_64-linux-gnu
inc=/usr/include/x86_64-linux-gnu
cxx="${CXX:-g++} -std=c++20 -O2 -march=native -fopenmp"

build() {  # build <name> <backend macro> <flags...>
  local name=$1 macro=$2
  shift 2
  $cxx -D"$macro" -DBACKEND_NAME="\"$name\"" "$here/blas_choice.cpp" -o "$out/bc_$name" "$@"
}
build openblas-omp BACKEND_OPENBLAS -I$inc/openblas-openmp -L$lib/openblas-openmp \
  -Wl,-rpath,$lib/openblas-openmp -lopenblas
build openblas-gemv BACKEND_OPENBLAS -DGEMV_FOR_M1 -I$inc/openblas-openmp \
  -L$lib/openblas-openmp -Wl,-rpath,$lib/openblas-openmp -lopenblas
build openblas-pthr BACKEND_OPENBLAS -I$inc/openblas-pthread -L$lib/openblas-pthread \
  -Wl,-rpath,$lib/openblas-pthread -lopenblas
build blis-omp BACKEND_BLIS -I$inc/blis-openmp -L$lib/blis-openmp -Wl,-rpath,$lib/blis-openmp \
  -lblis
build dnnl BACKEND_DNNL -ldnnl
# libxsmm JIT-compiles small kernels and forwards shapes it does not cover to the BLAS it is
# linked with (here serial OpenBLAS, so that no second pool appears).
build xsmm BACKEND_XSMM -L/usr/lib -lxsmm -L$lib/openblas-serial -Wl,-rpath,$lib/openblas-serial \
  -lopenblas -lpthread -lrt -ldl -lm

raw="$out/raw.tsv"
: >"$raw"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Configurations (1 thread is timed by CPU time, 2 by wall clock: see blas_choice.cpp): every
# library at 1 thread; at 2 threads its own pool (OpenMP ones, plus
# pthread OpenBLAS for reference) and the split model (OpenMP OpenBLAS, BLIS and oneDNN run
# single-threaded when called inside a parallel region). They are interleaved shape by shape so
# that a load change on the shared machine hits all of them alike.
configs=(
  "openblas-omp 1 lib" "openblas-gemv 1 lib" "openblas-pthr 1 lib" "blis-omp 1 lib" "dnnl 1 lib"
  "xsmm 1 lib"
  "openblas-omp 2 lib" "openblas-gemv 2 lib" "openblas-pthr 2 lib" "blis-omp 2 lib" "dnnl 2 lib"
  "openblas-omp 2 split" "blis-omp 2 split" "dnnl 2 split" "xsmm 2 split"
)
shapes=$("$out/bc_openblas-omp" count)
for ((s = 0; s < shapes; ++s)); do
  for c in "${configs[@]}"; do
    read -r b threads mode <<<"$c"
    "$out/bc_$b" "$threads" "$mode" "$s" >>"$raw"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 "$here/format_table.py" "$raw"
