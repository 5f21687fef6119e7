// The forecasting pipeline behind `recur forecast`: each function is one subcommand.
//
// Every function validates all its inputs (flags, config, data, weights) the same way, whichever
// command calls it. `train` is all-or-nothing (io/run_folder.h): what can fail without training is
// checked before the run folder is touched, the run is built in "<out>.partial/" and swapped in at
// the end, so a failed run leaves the previous one intact.
//
//   train     CSV -> frequency and gaps -> features -> chronological splits -> scalers fitted on
//   training rows ->
//             windows -> network trained with early stopping on validation -> the model and
//             every baseline scored on the same validation and test origins -> run folder:
//               model.safetensors  config.json  metrics.json  predictions.csv  training.csv
//               report.md  forecast.png  loss.png  errors.png
//             with --ensemble K > 1 also members/member_<k>.safetensors and
//             members/training_<k>.csv for k = 1..K-1 (model.safetensors is member 0)
//   evaluate  a trained run scored (with the baselines) on a CSV's test split
//   predict   the next `horizon` prices after the last row of a CSV, with an interval when the
//             model has one
//   backtest  walk-forward evaluation of the network and the baselines (refitting as asked)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "recur/apps/forecast/backtest.h"
#include "recur/apps/forecast/baselines.h"
#include "recur/apps/forecast/forecast_config.h"
#include "recur/apps/forecast/report.h"
#include "recur/data/frequency.h"
#include "recur/train/progress.h"

namespace recur::forecast {

// What the pipeline found out about a series before modelling it: its frequency (inferred from
// the dates, or given), the seasonal period the seasonal-naive baseline uses, and its gaps.
// Gaps are reported, not filled and not refused: a window that spans one reads the rows on
// either side as consecutive (docs/FORECAST.md, "Frequencies and gaps").
struct SeriesInfo {
  data::FrequencyInfo frequency;
  bool frequency_given = false;  // config.frequency (--frequency) rather than the dates
  bool gaps_checked = true;      // false when the dates do not fit the given frequency
  int season_used = 0;           // the seasonal-naive period of the run (0: none)
  size_t rows = 0;
  std::string first, last;  // the first and last time, as Timestamp::str()
};
// {"frequency", "frequency_source": "inferred"|"given", "seasonal_period", "season_used",
//  "rows", "first", "last", "gaps_checked", "missing_periods",
//  "gaps": [{"after", "before", "missing"}]}
nlohmann::json series_json(const SeriesInfo& info);

struct RunOptions {
  std::string data_path;
  std::string out_dir;
  ForecastConfig config;
  BaselineOptions baselines;
  double interval_level = 0.9;
  bool resume = false;  // continue an interrupted training from each network's checkpoint
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};

// Every method's result on the same origins: the network, the naive forecast its verdict is
// about, and the other baselines (make_other_baselines() order). Named, not positional, so that
// nothing finds the model or naive by where it sits in a list.
struct MethodResults {
  BacktestResult model;
  BacktestResult naive;
  std::vector<BacktestResult> baselines;  // drift, seasonal naive, moving average, AR(p)
  // An ensemble's members, each alone (empty for a single model): their spread, not rows.
  std::vector<BacktestResult> members;
  // One row per method under `split`: the model, naive, then the other baselines.
  std::vector<ReportRow> rows(const std::string& split) const;
};

// Scores of every method per split, the verdict against the naive forecast, and what was written.
struct RunResult {
  MethodResults validation;
  MethodResults test;
  std::string verdict;  // plain sentence about the test split
  std::optional<Verdict> beats_naive;
  std::vector<std::string> files;  // written into the run folder
  int64_t epochs_run = 0;
  int64_t best_epoch = 0;
  std::string stop_reason;
  std::vector<std::string> warnings;  // about the data: the loader's notes, gaps, extreme moves
  SeriesInfo series;
  int64_t members = 1;  // networks in the model (--ensemble)

  // The validation rows, then the test rows (the table, report.md and metrics.json).
  std::vector<ReportRow> rows() const;
  // Per split, each metric's min / median / max over an ensemble's members; empty for one model.
  std::vector<MemberSpread> member_spreads() const;
};
// {"members": K, "combination": "...", "spread": {"split": {"metric": {"min", "median", "max"}}}}:
// the "ensemble" of metrics.json and of --json output when K > 1.
nlohmann::json ensemble_json(const RunResult& result);
// The member spreads as console text ("" for a single model).
std::string format_member_spread(const RunResult& result);

RunResult train_run(const RunOptions& options);

// What `train` finds out about `data_path` under `config` before it models anything: the loader's
// and the frequency's checks, the gaps, and the seasonal-naive period `baselines` resolve to.
SeriesInfo inspect_series(const std::string& data_path, const ForecastConfig& config,
                          const BaselineOptions& baselines = {});

// Scores the run in `run_dir` on `data_path` (its test split by the run's fractions).
RunResult evaluate_run(const std::string& run_dir, const std::string& data_path,
                       const BaselineOptions& baselines, double interval_level);

struct PredictionRow {
  int step = 0;      // 1..H
  std::string date;  // the step's time: the next periods of the series' frequency (weekdays
                     // for trading days; holidays are not known)
  double price = 0.0;
  std::optional<double> lower, upper;
};
struct Prediction {
  std::string last_date;
  double last_price = 0.0;
  double interval_level = 0.0;  // 0 without an interval
  std::vector<PredictionRow> rows;
  std::vector<std::string> warnings;
};
Prediction predict_run(const std::string& run_dir, const std::string& data_path,
                       double interval_level);

struct BacktestOptions {
  std::string data_path;
  std::string run_dir;    // trained run whose config (and, with refit_every = 0, weights) is used
  BacktestConfig config;  // initial_train 0: taken from initial_fraction
  double initial_fraction = 0.5;  // first origin as a share of the data's rows
  BaselineOptions baselines;
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};
struct BacktestRun {
  MethodResults results;
  std::vector<std::string> warnings;
  SeriesInfo series;
};
BacktestRun backtest_run(const BacktestOptions& options);

// A fixed-width console table of the rows, split by split.
std::string format_table(const std::vector<ReportRow>& rows);
// {"split": {"method": {"mae": ..., ...}}}: metrics.json, and the "metrics" of --json output. A
// metric that is not a number (a flat forecast's directional accuracy) is null.
nlohmann::json metrics_json(const std::vector<ReportRow>& rows);

}  // namespace recur::forecast
