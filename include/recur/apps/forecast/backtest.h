// Walk-forward evaluation (time-series cross-validation, fpp3 §5.10): forecast from a sequence of
// origins moving through the series, each time from the past alone, and score the forecasts
// against what happened. Works with any Forecaster; deterministic (no randomness anywhere).
//
// Fold i has origin o_i = initial_train + i·step and forecasts y[o_i .. o_i + H) from the history
// y[0, o_i). Folds continue while o_i + H <= end, so every fold has a complete horizon. The
// forecaster is fit on a training window ending at the origin of the fold that (re)fits it:
//   expanding: y[0, o)                    rolling: y[o − initial_train, o)
// and is refit at the first fold, then whenever the origin has moved refit_every or more values
// past the last fit (refit_every = 0: never again). Between refits the windows of the folds report
// the fit in effect. forecast() always sees the whole history y[0, o): old values are not leakage;
// only fit() is limited to the window.
//
//   BacktestConfig c{.horizon = 5, .initial_train = 250, .step = 5, .refit_every = 20};
//   BacktestResult r = backtest(model, close, c);
//   r.aggregate.mase; r.per_step[4].rmse; r.folds[3].train_end;
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "recur/apps/forecast/forecaster.h"
#include "recur/apps/forecast/metrics.h"

namespace recur::forecast {

enum class TrainingWindow { kExpanding, kRolling };

struct BacktestConfig {
  int horizon = 1;           // H
  size_t initial_train = 0;  // first origin (size of the first window)
  size_t step = 1;           // origins advance by this much
  TrainingWindow window = TrainingWindow::kExpanding;
  size_t refit_every = 0;  // 0: fit once at the first fold
  size_t end = 0;          // score values before this index; 0: all
  // false: the forecaster arrives fitted (say, a network the pipeline trained on y[0,
  // initial_train)) and fit() is never called; refit_every must then be 0.
  bool fit = true;
  int season_period = 1;  // m of the MASE scale
  // MASE denominator; 0: mase_scale(y[0, initial_train), season_period).
  double scale = 0.0;
  // In (0, 1): also ask the forecaster for intervals at this level (if it has them); 0: don't.
  double interval_level = 0.0;
};

struct Fold {
  size_t index = 0;
  size_t train_begin = 0;  // training window of the fit in effect: y[train_begin, train_end)
  size_t train_end = 0;
  size_t origin = 0;        // first forecast target; the history is y[0, origin)
  size_t test_end = 0;      // origin + H
  bool refit = false;       // fit() was called at this fold
  ForecastRecords records;  // H values, records.predicted[h − 1] targets y[origin + h − 1]
  Metrics metrics;
};

struct BacktestResult {
  std::string model;   // Forecaster::name()
  double scale = 0.0;  // the MASE denominator used
  std::vector<Fold> folds;
  std::vector<Metrics> per_step;  // per_step[h − 1]: over every fold's h-step forecast
  Metrics aggregate;              // over every forecast value of every fold
};

// The folds' boundaries only (records and metrics empty). Throws ValueError on a bad config:
// horizon < 1, step < 1, initial_train < 1, end past the series, no room for one fold, or
// refit_every > 0 with fit = false.
std::vector<Fold> plan_folds(size_t series_length, const BacktestConfig& config);

BacktestResult backtest(Forecaster& forecaster, std::span<const double> series,
                        const BacktestConfig& config);

// The h-step forecasts of every fold, in time order: targets[i] is the index of the value
// records.actual[i]; records.last_observed[i] is y[targets[i] − h].
struct StepPath {
  std::vector<size_t> targets;
  ForecastRecords records;
};
StepPath step_path(const BacktestResult& result, int h);

// Scores an already fitted forecaster on one split [begin, end) of the series: one fold per origin
// begin .. end − H, history y[0, origin), no refitting. `scale` is the MASE scale of the
// training split. This is how `recur forecast` scores the model and every baseline per split.
BacktestResult evaluate_split(Forecaster& forecaster, std::span<const double> series, size_t begin,
                              size_t end, int horizon, double scale, double interval_level = 0.0);

}  // namespace recur::forecast
