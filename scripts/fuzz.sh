#!/usr/bin/env bash
# Builds recur's libFuzzer targets (fuzz/, clang + ASan + UBSan, in build-fuzz/) and runs them.
#
#   bash scripts/fuzz.sh                  every target for 30 s (what CI runs)
#   bash scripts/fuzz.sh 3600             every target for an hour
#   bash scripts/fuzz.sh 600 csv_fuzz     one target (or several) for 10 minutes
#   bash scripts/fuzz.sh repro csv_fuzz crash-file...   run the target on saved inputs once
#   RECUR_FUZZ_BUILD=build-x bash scripts/fuzz.sh       another build folder
#
# Each target starts from its seed corpus fuzz/corpus/<target>/ (read only: the inputs it finds
# go to a scratch folder, so runs never grow the repository). A crash, sanitizer report, leak,
# input slower than 10 s or run over 2 GB of memory fails the script; the input that did it is
# saved in build-fuzz/artifacts/<target>/ and the line to reproduce it is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${RECUR_FUZZ_BUILD:-build-fuzz}
cores=$(nproc)  # before OMP_NUM_THREADS=1 below, which nproc would report instead
all_targets=(csv_fuzz safetensors_fuzz npy_fuzz config_fuzz checkpoint_fuzz)

# The largest input each target tries: a few times its largest seed, so mutations can grow it
# without spending the time budget on megabyte inputs.
max_len() {
  case "$1" in
    csv_fuzz) echo 8192 ;;
    safetensors_fuzz) echo 16384 ;;
    npy_fuzz) echo 4096 ;;
    config_fuzz) echo 8192 ;;
    checkpoint_fuzz) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

build_targets() {
  command -v clang++ >/dev/null || {
    echo "fuzz.sh: clang++ not found (bash scripts/install-deps.sh installs it)" >&2
    exit 1
  }
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # -O1 with line tables: fast enough to fuzz, and crash stacks name file:line.
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" -DRECUR_FUZZ=ON -DRECUR_BUILD_TESTS=OFF \
    -DRECUR_BUILD_BENCH=OFF -DRECUR_BUILD_EXAMPLES=OFF "${launcher[@]}" >/dev/null
  cmake --build "$build" -j "$cores" --target "$@"
}

# Leaks fail a run; the suppressions cover system libraries' lifetime caches (as in the tests).
# One thread: the readers are single-threaded, and OpenMP/BLAS pools only slow each input down.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

if [ "${1:-}" = repro ]; then
  [ $# -ge 3 ] || { echo "usage: bash scripts/fuzz.sh repro <target> <file>..." >&2; exit 2; }
  target=$2
  shift 2
  build_targets "$target"
  exec "$build/fuzz/$target" -rss_limit_mb=2048 -timeout=10 "$@"
fi

seconds=${1:-30}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: seconds must be a positive integer, got '$seconds'" >&2; exit 2; }
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
build_targets "${targets[@]}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Runs one target; its log goes to $build/logs/<target>.log, its exit status to $scratch/<target>.rc.
fuzz_one() {
  local target=$1 log=$build/logs/$1.log artifacts=$build/artifacts/$1/
  mkdir -p "$scratch/$target" "$artifacts" "$build/logs"
  local dict=() rc=0
  [ -f "fuzz/$target.dict" ] && dict=("-dict=fuzz/$target.dict")
  # The first corpus folder receives what the run finds; the seeds are only read.
  "$build/fuzz/$target" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" \
    "$scratch/$target" "fuzz/corpus/$target" >"$log" 2>&1 || rc=$?
  echo "$rc" >"$scratch/$target.rc"
}

# The targets run side by side, one per core.
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$cores" ]; do wait -n || true; done
  fuzz_one "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  log=$build/logs/$target.log
  if [ "$(cat "$scratch/$target.rc")" = 0 ]; then
    echo "fuzz: $target ok: $(grep -m1 -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" || echo done)"
    continue
  fi
  failed+=("$target")
  echo "fuzz: $target FAILED; the end of $log:"
  tail -n 60 "$log"
  for input in $(sed -n 's/.*Test unit written to //p' "$log"); do
    echo "fuzz: reproduce with: bash scripts/fuzz.sh repro $target $input"
  done
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: failed: ${failed[*]}"; exit 1; }
