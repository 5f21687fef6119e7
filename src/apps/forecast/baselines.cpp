#include "recur/apps/forecast/baselines.h"

#include <cmath>
#include <limits>

#include "normal_interval.h"
#include "recur/apps/forecast/autoregression.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

// σ̂ from the one-step residuals e_t = y_t − y_{t−lag} − offset of the training series, with
// `params` fitted parameters; NaN when there are not enough residuals to estimate it.
double one_step_sigma(std::span<const double> train, size_t lag, double offset, size_t params) {
  if (train.size() <= lag + params) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> residuals;
  for (size_t t = lag; t < train.size(); ++t)
    residuals.push_back(train[t] - train[t - lag] - offset);
  return root_sum_squares(residuals, static_cast<double>(train.size() - lag - params));
}

void check_positive(const std::string& who, const std::string& what, int value) {
  if (value < 1) {
    throw ValueError(who + ": " + what + " must be at least 1, got " + std::to_string(value));
  }
}

// A period or window cannot exceed the training series it is taken from.
void check_not_longer(const std::string& who, const std::string& what, int value, size_t length) {
  if (static_cast<size_t>(value) > length) {
    throw ValueError(who + ": " + what + " " + std::to_string(value) +
                     " is longer than the training series (" + std::to_string(length) + " values)");
  }
}

void check_fitted(const std::string& who, bool fitted) {
  if (!fitted) throw ValueError(who + ": fit() must be called before forecasting");
}

// The checks every forecast() starts with. Every baseline reads exactly the last `min_history`
// values, so those are the ones checked (forecaster.h: checking all would be quadratic).
void check_forecast_args(const std::string& who, std::span<const double> history, int horizon,
                         size_t min_history) {
  check_horizon(who, horizon);
  check_history(who, history, min_history);
  check_recent(who + " history", history, min_history);
}

// Wraps the point forecast in a normal interval, or nullopt when σ̂ could not be estimated.
std::optional<Interval> maybe_interval(const std::string& who, const std::vector<double>& mean,
                                       double sigma, double level,
                                       const std::function<double(int)>& scale) {
  check_level(who, level);
  if (std::isnan(sigma)) return std::nullopt;
  return normal_interval(mean, sigma, level, scale);
}

}  // namespace

// ---- naive

void NaiveForecaster::fit(std::span<const double> train) {
  check_history("naive fit", train, 1);
  check_finite("naive training series", train);
  sigma_ = one_step_sigma(train, 1, 0.0, 0);
  fitted_ = true;
}

std::vector<double> NaiveForecaster::forecast(std::span<const double> history, int horizon) {
  check_forecast_args("naive forecast", history, horizon, 1);
  return std::vector<double>(static_cast<size_t>(horizon), history.back());
}

std::optional<Interval> NaiveForecaster::interval(std::span<const double> history, int horizon,
                                                  double level) {
  check_fitted("naive interval", fitted_);
  return maybe_interval("naive interval", forecast(history, horizon), sigma_, level,
                        [](int h) { return std::sqrt(static_cast<double>(h)); });
}

// ---- drift

void DriftForecaster::fit(std::span<const double> train) {
  check_history("drift fit", train, 2);
  check_finite("drift training series", train);
  train_length_ = train.size();
  slope_ = (train.back() - train.front()) / static_cast<double>(train.size() - 1);
  sigma_ = one_step_sigma(train, 1, slope_, 1);
  fitted_ = true;
}

std::vector<double> DriftForecaster::forecast(std::span<const double> history, int horizon) {
  check_fitted("drift forecast", fitted_);
  check_forecast_args("drift forecast", history, horizon, 1);
  std::vector<double> out(static_cast<size_t>(horizon));
  for (int h = 1; h <= horizon; ++h) out[h - 1] = history.back() + h * slope_;
  return out;
}

std::optional<Interval> DriftForecaster::interval(std::span<const double> history, int horizon,
                                                  double level) {
  double n = static_cast<double>(train_length_);
  return maybe_interval("drift interval", forecast(history, horizon), sigma_, level,
                        [n](int h) { return std::sqrt(h * (1.0 + h / n)); });
}

// ---- seasonal naive

SeasonalNaiveForecaster::SeasonalNaiveForecaster(int period) : period_(period) {
  check_positive("seasonal naive", "period", period);
}

std::string SeasonalNaiveForecaster::name() const {
  return "seasonal naive (m=" + std::to_string(period_) + ")";
}

void SeasonalNaiveForecaster::fit(std::span<const double> train) {
  check_not_longer(name() + " fit", "period", period_, train.size());
  check_finite(name() + " training series", train);
  sigma_ = one_step_sigma(train, min_history(), 0.0, 0);
  fitted_ = true;
}

std::vector<double> SeasonalNaiveForecaster::forecast(std::span<const double> history,
                                                      int horizon) {
  check_forecast_args(name() + " forecast", history, horizon, min_history());
  const size_t m = min_history();
  const size_t T = history.size();  // y_T is history[T − 1]
  std::vector<double> out(static_cast<size_t>(horizon));
  for (size_t h = 1; h <= out.size(); ++h) {
    size_t k = (h - 1) / m;
    out[h - 1] = history[T + h - m * (k + 1) - 1];
  }
  return out;
}

std::optional<Interval> SeasonalNaiveForecaster::interval(std::span<const double> history,
                                                          int horizon, double level) {
  check_fitted(name() + " interval", fitted_);
  int m = period_;
  return maybe_interval(name() + " interval", forecast(history, horizon), sigma_, level,
                        [m](int h) { return std::sqrt(static_cast<double>((h - 1) / m + 1)); });
}

// ---- moving average

MovingAverageForecaster::MovingAverageForecaster(int window) : window_(window) {
  check_positive("moving average", "window", window);
}

std::string MovingAverageForecaster::name() const {
  return "moving average (w=" + std::to_string(window_) + ")";
}

void MovingAverageForecaster::fit(std::span<const double> train) {
  check_not_longer(name() + " fit", "window", window_, train.size());
  check_finite(name() + " training series", train);
}

std::vector<double> MovingAverageForecaster::forecast(std::span<const double> history,
                                                      int horizon) {
  check_forecast_args(name() + " forecast", history, horizon, min_history());
  double sum = 0.0;
  for (double v : history.last(min_history())) sum += v;
  return std::vector<double>(static_cast<size_t>(horizon), sum / window_);
}

// ---- all of them

std::vector<std::unique_ptr<Forecaster>> make_other_baselines(const BaselineOptions& options) {
  std::vector<std::unique_ptr<Forecaster>> out;
  out.push_back(std::make_unique<DriftForecaster>());
  if (options.season_period == kSeasonOfFrequency) {
    throw ValueError(
        "baselines: the seasonal period is 'of the frequency' but no frequency was given "
        "(BaselineOptions::for_frequency)");
  }
  if (options.season_period > 0) {
    out.push_back(std::make_unique<SeasonalNaiveForecaster>(options.season_period));
  }
  if (options.moving_average > 0) {
    out.push_back(std::make_unique<MovingAverageForecaster>(options.moving_average));
  }
  if (options.ar_order > 0) {
    out.push_back(
        std::make_unique<AutoregressionForecaster>(options.ar_order, options.ar_on_differences));
  }
  return out;
}

std::vector<std::unique_ptr<Forecaster>> make_baselines(const BaselineOptions& options) {
  std::vector<std::unique_ptr<Forecaster>> out;
  out.push_back(std::make_unique<NaiveForecaster>());
  for (auto& b : make_other_baselines(options)) out.push_back(std::move(b));
  return out;
}

}  // namespace recur::forecast
