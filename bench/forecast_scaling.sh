#!/usr/bin/env bash
# Times `recur forecast train` on generated price histories of growing length, to show that the
# cost grows linearly in the number of rows (docs/PERFORMANCE.md, "Forecast training time versus
# history length"). Before the fix, every baseline re-checked the whole history at every forecast
# origin, which made scoring quadratic.
#
#   bench/forecast_scaling.sh [recur binary ...] [-- rows ...]
#   bench/forecast_scaling.sh build/recur -- 20000 100000 200000     (the defaults)
#   bench/forecast_scaling.sh /tmp/recur-old build/recur              (before/after, interleaved)
#
# Each history is a seeded Gaussian random walk (the same file every run) with daily dates from
# 1400-01-01 and date,open,high,low,close,volume columns. Each binary is timed REPS times (default
# 3) per size, the binaries taking turns so that a change in machine load hits them alike, and the
# medians of the wall-clock and CPU (user + system) seconds are printed with both per 1,000 rows:
# flat per-1k figures mean linear cost. CPU time is the steadier figure on a shared machine. Extra flags for `forecast train` go in TRAIN_FLAGS (default "--epochs 1").
set -euo pipefail

binaries=()
while [[ $# -gt 0 && $1 != -- ]]; do binaries+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
sizes=("$@")
[[ ${#binaries[@]} -gt 0 ]] || binaries=(build/recur)
[[ ${#sizes[@]} -gt 0 ]] || sizes=(20000 100000 200000)
reps="${REPS:-3}"
flags="${TRAIN_FLAGS:---epochs 1}"
work="$(mktemp -d "${TMPDIR:-/tmp}/forecast_scaling.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# generate <rows> <file>: a random walk in log price (daily sigma 1%), seeded so it never changes.
generate() {
  awk -v rows="$1" 'BEGIN {
    srand(20240601);
    split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ");
    y = 1400; m = 1; d = 1; logp = log(100);
    print "date,open,high,low,close,volume";
    for (i = 0; i < rows; ++i) {
      u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12;
      z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
      op = exp(logp); logp += 0.01 * z; cl = exp(logp);
      hi = (op > cl ? op : cl) * (1 + 0.002 * rand());
      lo = (op < cl ? op : cl) * (1 - 0.002 * rand());
      printf "%04d-%02d-%02d,%.6f,%.6f,%.6f,%.6f,%d\n", y, m, d, op, hi, lo, cl,
             1000000 + int(1000000 * rand());
      leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      last = mdays[m] + (m == 2 && leap);
      if (++d > last) { d = 1; if (++m > 12) { m = 1; ++y } }
    }
  }' >"$2"
}

# seconds <command...>: "wall cpu" seconds of one run (cpu = user + system, children included).
seconds() {
  local TIMEFORMAT='%R %U %S' t
  t=$({ time "$@" >/dev/null; } 2>&1)
  tail -n 1 <<<"$t" | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "command: <binary> forecast train --data <rows>.csv --out <dir> $flags --quiet (median of $reps)"
printf '| binary | rows | wall runs (s) | wall median (s) | CPU median (s) | wall / CPU s per 1k rows |\n'
printf '|---|---:|---|---:|---:|---:|\n'
for rows in "${sizes[@]}"; do
  csv="$work/walk_$rows.csv"
  generate "$rows" "$csv"
  declare -A wall=() cpu=()
  for ((r = 0; r < reps; ++r)); do
    for b in "${!binaries[@]}"; do
      # shellcheck disable=SC2086  # flags is a list of words
      read -r w c < <(seconds "${binaries[$b]}" forecast train --data "$csv" --out "$work/run" $flags --quiet)
      wall[$b]+="$w "
      cpu[$b]+="$c "
    done
  done
  for b in "${!binaries[@]}"; do
    # shellcheck disable=SC2086  # word lists
    wmed=$(median ${wall[$b]})
    # shellcheck disable=SC2086
    cmed=$(median ${cpu[$b]})
    per_k=$(awk -v w="$wmed" -v c="$cmed" -v n="$rows" 'BEGIN { printf "%.4f / %.4f", 1000 * w / n, 1000 * c / n }')
    printf '| %s | %d | %s| %s | %s | %s |\n' "${binaries[$b]}" "$rows" "${wall[$b]}" "$wmed" \
      "$cmed" "$per_k"
  done
  unset wall cpu
done
