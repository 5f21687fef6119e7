#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what is missing (apt-get), builds the
# `recur` program, trains an LSTM on the bundled S&P 500 daily prices (2000-2020), scores it
# against the naive, drift, seasonal-naive, moving-average and AR(5) forecasts on the same test
# days, and writes the run folder runs/sp500/ (report.md, forecast.png, loss.png, errors.png,
# metrics.json, predictions.csv, model.safetensors, config.json).
# Usage: bash scripts/forecast-demo.sh [extra `recur forecast train` flags]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build build --target recur_cli -j "$(nproc)"

# The default target and inputs (the next day's change of the close, from 30 closes) did best on
# the validation splits of the shipped series (docs/FORECAST.md, "Defaults").
./build/recur forecast train \
  --data data/sp500_2000_2020_ohlcv.csv --target close \
  --window 30 --horizon 1 --model lstm --hidden 64 --layers 2 \
  --epochs 30 --patience 5 --seed 0 --out runs/sp500 "$@"
./build/recur forecast predict --model runs/sp500 --data data/sp500_2000_2020_ohlcv.csv
