#!/usr/bin/env bash
# `mpirun -np 2 recur classify train` against the same command on one process (ctest
# mpi.cli_classify_parity): the epochs' losses agree within 1e-6 relative, rank 0 alone prints
# the result and writes the run folder, and the worker rank leaves no private folder behind.
# Usage: cli_parity.sh <recur> <mpiexec> <first_names_gender.csv> <work folder>
set -euo pipefail
recur=$1 mpiexec=$2 data=$3 work=$4
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp" OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
flags=(classify train --data "$data" --text-column Name --label-column Gender --epochs 2
       --threads 1)
"$recur" "${flags[@]}" --out "$work/one" >"$work/one.txt" 2>"$work/one.err" ||
  fail "1 process: $(cat "$work/one.err")"
"$mpiexec" --allow-run-as-root --oversubscribe -np 2 "$recur" "${flags[@]}" --out "$work/two" \
  >"$work/two.txt" 2>"$work/two.err" || fail "2 ranks: $(cat "$work/two.err")"

[ "$(grep -c '^Wrote ' "$work/two.txt")" -eq 1 ] || fail "2 ranks printed 'Wrote' $(grep -c '^Wrote ' "$work/two.txt") times"
[ -f "$work/two/model.safetensors" ] || fail "no model.safetensors in the 2-rank run folder"
if ls "$work/tmp" | grep -q '^recur-rank'; then fail "a worker rank left $(ls "$work/tmp")"; fi

# training.csv: epoch,train_loss,val_loss,lr,grad_norm,seconds
paste -d, "$work/one/training.csv" "$work/two/training.csv" | awk -F, '
  NR == 1 { next }
  { for (c = 2; c <= 3; ++c) {
      a = $c; b = $(c + 6); d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a
      if (d > 1e-6 * m) { printf "epoch %s column %d: 1 process %s, 2 ranks %s\n", $1, c, a, b; bad = 1 }
    }
    rows++ }
  END { if (rows != 2) { print "expected 2 epochs, got " rows; bad = 1 } exit bad }' ||
  fail "losses differ between 1 process and 2 ranks"
echo "2 ranks = 1 process: $(tail -1 "$work/two/training.csv")"
