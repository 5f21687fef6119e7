#include "recur/apps/forecast/backtest.h"

#include <optional>

#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

std::string str(size_t v) { return std::to_string(v); }

size_t effective_end(size_t series_length, const BacktestConfig& c) {
  size_t end = c.end == 0 ? series_length : c.end;
  if (end > series_length) {
    throw ValueError("backtest: end " + str(end) + " is past the series (" + str(series_length) +
                     " values)");
  }
  return end;
}

void check_config(size_t end, const BacktestConfig& c) {
  check_horizon("backtest", c.horizon);
  if (c.step < 1) throw ValueError("backtest: step must be at least 1, got 0");
  if (c.initial_train < 1) {
    throw ValueError("backtest: initial_train must be at least 1 (the first training window)");
  }
  // Written without a sum that could wrap around: initial_train may be anything a caller passed.
  if (c.initial_train > end || end - c.initial_train < static_cast<size_t>(c.horizon)) {
    throw ValueError("backtest: no room for one fold: initial_train " + str(c.initial_train) +
                     " + horizon " + std::to_string(c.horizon) + " is past the end " + str(end));
  }
  if (!c.fit && c.refit_every > 0) {
    throw ValueError("backtest: refit_every = " + str(c.refit_every) +
                     " asks to refit a forecaster that fit = false says not to fit");
  }
  if (c.scale < 0.0) throw ValueError("backtest: the MASE scale must not be negative");
  if (c.interval_level != 0.0) check_level("backtest", c.interval_level);
}

// Appends value i of `from` to `into`, interval bounds included when both have them.
void append_value(ForecastRecords& into, const ForecastRecords& from, size_t i) {
  into.actual.push_back(from.actual[i]);
  into.predicted.push_back(from.predicted[i]);
  into.last_observed.push_back(from.last_observed[i]);
  if (!from.lower.empty()) {
    into.lower.push_back(from.lower[i]);
    into.upper.push_back(from.upper[i]);
    into.level = from.level;
  }
}

// Interval bounds only count when every fold has them (else coverage would mix populations).
void drop_partial_intervals(ForecastRecords& r) {
  if (r.lower.size() != r.actual.size()) {
    r.lower.clear();
    r.upper.clear();
    r.level = 0.0;
  }
}

ForecastRecords fold_records(Forecaster& f, std::span<const double> series, const Fold& fold,
                             const BacktestConfig& c) {
  const size_t H = static_cast<size_t>(c.horizon);
  std::span<const double> history = series.first(fold.origin);
  ForecastRecords r;
  r.predicted = f.forecast(history, c.horizon);
  if (r.predicted.size() != H) {
    throw Error("backtest: " + f.name() + " returned " + str(r.predicted.size()) +
                " forecasts for a horizon of " + str(H));
  }
  auto actual = series.subspan(fold.origin, H);
  r.actual.assign(actual.begin(), actual.end());
  r.last_observed.assign(H, history.back());
  if (c.interval_level > 0.0) {
    if (std::optional<Interval> iv = f.interval(history, c.horizon, c.interval_level)) {
      if (iv->lower.size() != H || iv->upper.size() != H) {
        throw Error("backtest: " + f.name() + " returned an interval of the wrong length");
      }
      r.lower = std::move(iv->lower);
      r.upper = std::move(iv->upper);
      r.level = iv->level;
    }
  }
  return r;
}

}  // namespace

std::vector<Fold> plan_folds(size_t series_length, const BacktestConfig& c) {
  const size_t end = effective_end(series_length, c);
  check_config(end, c);
  const size_t H = static_cast<size_t>(c.horizon);
  std::vector<Fold> folds;
  size_t train_begin = 0, train_end = c.initial_train, last_fit = c.initial_train;
  for (size_t origin = c.initial_train; origin + H <= end; origin += c.step) {
    Fold fold;
    fold.index = folds.size();
    fold.origin = origin;
    fold.test_end = origin + H;
    bool due = folds.empty() || (c.refit_every > 0 && origin - last_fit >= c.refit_every);
    fold.refit = c.fit && due;
    if (fold.refit) {
      train_end = origin;
      train_begin = c.window == TrainingWindow::kRolling ? origin - c.initial_train : 0;
      last_fit = origin;
    }
    fold.train_begin = train_begin;
    fold.train_end = train_end;
    folds.push_back(std::move(fold));
  }
  return folds;
}

BacktestResult backtest(Forecaster& forecaster, std::span<const double> series,
                        const BacktestConfig& config) {
  BacktestResult result;
  result.model = forecaster.name();
  result.folds = plan_folds(series.size(), config);
  check_finite("backtest series", series);
  result.scale = config.scale > 0.0
                     ? config.scale
                     : mase_scale(series.first(config.initial_train), config.season_period);

  ForecastRecords all;
  for (Fold& fold : result.folds) {
    if (fold.refit) {
      forecaster.fit(series.subspan(fold.train_begin, fold.train_end - fold.train_begin));
    }
    fold.records = fold_records(forecaster, series, fold, config);
    fold.metrics = compute_metrics(fold.records, result.scale);
    for (size_t i = 0; i < fold.records.size(); ++i) append_value(all, fold.records, i);
  }
  drop_partial_intervals(all);
  result.aggregate = compute_metrics(all, result.scale);
  for (int h = 1; h <= config.horizon; ++h) {
    result.per_step.push_back(compute_metrics(step_path(result, h).records, result.scale));
  }
  return result;
}

StepPath step_path(const BacktestResult& result, int h) {
  check_horizon("step_path", h);
  StepPath path;
  for (const Fold& fold : result.folds) {
    const size_t i = static_cast<size_t>(h) - 1;
    if (i >= fold.records.size()) {
      throw ValueError("step_path: step " + std::to_string(h) + " is past the horizon " +
                       str(fold.records.size()));
    }
    path.targets.push_back(fold.origin + i);
    append_value(path.records, fold.records, i);
  }
  drop_partial_intervals(path.records);
  return path;
}

BacktestResult evaluate_split(Forecaster& forecaster, std::span<const double> series, size_t begin,
                              size_t end, int horizon, double scale, double interval_level) {
  if (!(scale > 0.0)) {
    throw ValueError("evaluate_split: the MASE scale of the training split must be positive");
  }
  BacktestConfig c;
  c.horizon = horizon;
  c.initial_train = begin;
  c.end = end;
  c.fit = false;
  c.scale = scale;
  c.interval_level = interval_level;
  return backtest(forecaster, series, c);
}

}  // namespace recur::forecast
