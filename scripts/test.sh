#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (apt-get, when packages are missing), builds recur, and runs
# the whole test suite twice: a Release build, then an AddressSanitizer + UndefinedBehaviorSanitizer
# build; then every fuzz target for 30 s (fuzz/README.md).
# Usage: bash scripts/test.sh            (build dirs: build/, build-asan/ and build-fuzz/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build -j "$jobs" --output-on-failure

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
# -O1 without debug info: the sanitizers need no more, and it halves the compile time.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1 \
  -DRECUR_SANITIZE=ON -DRECUR_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build build-asan -j "$jobs"
# Leak detection is on (a reference cycle in the autograd graph would show up here); the
# suppressions cover system libraries that keep caches for the life of the process. Their
# statistics are not printed: they would land in the output of commands whose --json the CLI
# tests parse (any command that draws a chart loads fontconfig).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0 \
  ctest --test-dir build-asan -j "$jobs" --output-on-failure

echo "== Fuzzing: libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer, 30 s per target"
bash scripts/fuzz.sh 30
