#!/usr/bin/env bash
# Times a global model over many series: `recur forecast train --symbols all` on the shipped
# panel of 30 series x 2,500 business days (data/synthetic_panel_30x2500_wide.csv), trained to
# early stopping, for each configuration below (docs/PERFORMANCE.md, "A global model over many
# series"). Each configuration runs REPS times (default 3); the medians of the wall-clock and CPU
# (user + system) seconds are printed with the epochs run and what the model achieved on the test
# split (median MASE, series beating naive, Diebold-Mariano wins/losses after Holm's adjustment),
# so that a faster setting is never bought with a worse model unseen.
#
#   bench/forecast_panel.sh [recur binary]            (default build/recur)
#   REPS=1 THREADS=2 bench/forecast_panel.sh build/recur
set -euo pipefail

recur="${1:-build/recur}"
reps="${REPS:-3}"
threads="${THREADS:-2}"
data="$(dirname "$0")/../data/synthetic_panel_30x2500_wide.csv"
work="$(mktemp -d "${TMPDIR:-/tmp}/forecast_panel.XXXXXX")"
trap 'rm -rf "$work"' EXIT

configs=(
  "defaults|"
  "log-return target|--target-kind log_return"
  "log-return target, hidden 32|--target-kind log_return --hidden 32"
)

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), threads $threads"
echo
echo "| configuration | wall s (median) | CPU s (median) | epochs | median MASE model / naive | beats naive | DM better / worse (Holm) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for entry in "${configs[@]}"; do
  name="${entry%%|*}"
  flags="${entry#*|}"
  walls=() cpus=()
  for ((r = 0; r < reps; r++)); do
    out="$work/run"
    rm -rf "$out" "$work/result.json"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$recur" forecast train --data "$data" \
      --layout wide --symbols all --threads "$threads" --out "$out" --json $flags \
      >"$work/result.json"
    read -r wall user sys <"$work/time"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
  summary="$(python3 - "$work/result.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
t = j["aggregate"]["test"]
m = t["methods"]
dm = t["diebold_mariano"]
print(f'{j["epochs"]} | {m[j["model"]]["median_mase"]:.3f} / {m["naive"]["median_mase"]:.3f} | '
      f'{t["beats_naive"]} of {t["series"]} | {dm["better_adjusted"]} / {dm["worse_adjusted"]}')
PY
)"
  echo "| $name | $(median "${walls[@]}") | $(median "${cpus[@]}") | $summary |"
done
