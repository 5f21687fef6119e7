// `recur forecast` over many series of one file (`--symbols all` or `--symbols A,B,C`): a long
// file (a symbol column) or a wide one (a date column and one column per ticker, --layout wide).
//
//   global      (the default) one network trained on the windows of every series, each series
//               scaled by its own scalers fitted on its own training rows (global_model.h)
//   per series  (--per-series) one network per series, each trained exactly as a single-series
//               run would train it
//
// Each series is loaded, checked, split and scored exactly as a single-series run does it
// (series_steps.h), against the same baselines fitted on its own training prices; the report
// adds what holds across the series (panel_summary.h). The run folder:
//   config.json (with "panel": the series and their scalers)  metrics.json  predictions.csv
//   report.md  mase.png  and  model.safetensors + training.csv + loss.png (global)  or
//   series/<k>.safetensors + series/training_<k>.csv, k = 1..N in config order (per series);
//   with --ensemble K > 1 also members/member_<j>.* (global) or series/<k>_member_<j>.* for the
//   members j = 1..K-1 (member 0 is the single network of the same seed)
#pragma once

#include <string>
#include <vector>

#include "recur/apps/forecast/panel_summary.h"
#include "recur/apps/forecast/pipeline.h"

namespace recur::forecast {

struct PanelRun {
  PanelMode mode = PanelMode::kGlobal;
  std::string model;                       // the model's name
  std::vector<SeriesResult> series;        // in the order of the file (or of --symbols)
  std::vector<PanelSummary> summaries;     // validation, test (backtest: the backtest)
  std::string verdict;                     // about the test split (or the backtest)
  std::vector<std::string> warnings;       // each prefixed with its series
  std::vector<std::string> files;          // written into the run folder (train)
  int64_t epochs_run = 0, best_epoch = 0;  // the global network's (0 per series)
};

// config.panel.active(): trains and scores; all-or-nothing like train_run().
PanelRun train_panel(const RunOptions& options);
// A many-series run scored on `data_path` (each series' splits by the run's fractions).
PanelRun evaluate_panel(const std::string& run_dir, const std::string& data_path,
                        const BaselineOptions& baselines, double interval_level);

struct SeriesPrediction {
  std::string symbol;
  Prediction prediction;
};
// The next `horizon` values of every series of the run.
std::vector<SeriesPrediction> predict_panel(const std::string& run_dir,
                                            const std::string& data_path, double interval_level);

// Walk-forward evaluation of every series and the baselines (refitted at the folds): the run's
// trained network(s), or with options.config.fit a fresh network per series refitted at the folds
// (per-series runs; refitting a global network is not supported yet: ValueError).
PanelRun backtest_panel(const BacktestOptions& options);

// Whether the run folder holds a many-series run (its config.json has a "panel").
bool is_panel_run(const std::string& run_dir);

// {"mode", "series": {symbol: {"data", "metrics"}}, "aggregate": {split: panel_summary_json}}
nlohmann::json panel_json(const PanelRun& run);
// The console text: each summary's tables, then the verdict.
std::string format_panel_run(const PanelRun& run);

}  // namespace recur::forecast
