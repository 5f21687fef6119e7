// The simple forecasts every model must beat, as defined in Hyndman & Athanasopoulos, "Forecasting:
// Principles and Practice" (3rd ed., fpp3), section 5.2. Notation: the history ends at y_T (the
// origin), the training series is y_1..y_n, and ŷ_{T+h} is the forecast h = 1..H steps ahead.
//
//   naive            ŷ_{T+h} = y_T
//   drift            ŷ_{T+h} = y_T + h·c,   c = (y_n − y_1) / (n − 1)   (slope fitted on training)
//   seasonal naive   ŷ_{T+h} = y_{T+h−m(k+1)},   k = ⌊(h − 1) / m⌋     (period m)
//   moving average   ŷ_{T+h} = (y_{T−w+1} + … + y_T) / w                (window w, flat)
//
// When the origin is the end of the training series (T = n) the drift forecast is exactly fpp3's;
// from later origins it keeps the training slope and starts from the latest value, so nothing after
// the training split leaks into the slope (the backtest refits to update it).
//
// Naive, drift and seasonal naive also give fpp3's normal prediction intervals (Table 5.2):
// ŷ ± z·σ̂_h with σ̂_h = σ̂·√h, σ̂·√(h(1 + h/n)) and σ̂·√(k + 1) respectively, where σ̂² is the mean
// squared one-step training residual (divided by N − K: N residuals, K = 1 fitted slope for drift,
// 0 otherwise). With too few residuals to estimate σ̂ they have no interval.
//
// The linear autoregression AR(p) lives in autoregression.h; make_baselines() builds them all.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "recur/apps/forecast/forecaster.h"

namespace recur::forecast {

class NaiveForecaster : public Forecaster {
 public:
  std::string name() const override { return "naive"; }
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  std::optional<Interval> interval(std::span<const double> history, int horizon,
                                   double level) override;

  double residual_sigma() const { return sigma_; }

 private:
  double sigma_ = 0.0;
  bool fitted_ = false;
};

class DriftForecaster : public Forecaster {
 public:
  std::string name() const override { return "drift"; }
  // Needs at least 2 training values.
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  std::optional<Interval> interval(std::span<const double> history, int horizon,
                                   double level) override;

  double slope() const { return slope_; }
  double residual_sigma() const { return sigma_; }

 private:
  double slope_ = 0.0;
  double sigma_ = 0.0;
  size_t train_length_ = 0;
  bool fitted_ = false;
};

class SeasonalNaiveForecaster : public Forecaster {
 public:
  // Throws ValueError unless period >= 1.
  explicit SeasonalNaiveForecaster(int period);
  std::string name() const override;
  // Needs at least `period` training values.
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  std::optional<Interval> interval(std::span<const double> history, int horizon,
                                   double level) override;
  size_t min_history() const override { return static_cast<size_t>(period_); }

  double residual_sigma() const { return sigma_; }

 private:
  int period_;
  double sigma_ = 0.0;
  bool fitted_ = false;
};

class MovingAverageForecaster : public Forecaster {
 public:
  // Throws ValueError unless window >= 1.
  explicit MovingAverageForecaster(int window);
  std::string name() const override;
  // Needs at least `window` training values; learns nothing else.
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  size_t min_history() const override { return static_cast<size_t>(window_); }

 private:
  int window_;
};

// season_period: the seasonal period of the series' frequency (12 monthly, 5 trading days, 48
// half-hourly ...; data/frequency.h), which the forecast pipeline fills in from the data.
inline constexpr int kSeasonOfFrequency = -1;

// Which baselines make_baselines() builds; a 0 leaves that one out.
struct BaselineOptions {
  // Seasonal naive period in rows, or kSeasonOfFrequency (the pipeline's default; resolve it
  // with for_frequency() before make_baselines(), which refuses it).
  int season_period = kSeasonOfFrequency;
  int moving_average = 20;  // moving-average window (about one trading month)
  int ar_order = 5;         // AR(p) order
  bool ar_on_differences = false;

  // These options with kSeasonOfFrequency replaced by `seasonal_period` (an explicit period wins).
  BaselineOptions for_frequency(int seasonal_period) const {
    BaselineOptions o = *this;
    if (o.season_period == kSeasonOfFrequency) o.season_period = seasonal_period;
    return o;
  }
};

// The baselines beside the naive forecast: drift, seasonal naive, moving average, AR(p) — in that
// order, unfitted. The pipeline keeps naive apart because every verdict is about it.
std::vector<std::unique_ptr<Forecaster>> make_other_baselines(const BaselineOptions& options = {});
// naive, then make_other_baselines().
std::vector<std::unique_ptr<Forecaster>> make_baselines(const BaselineOptions& options = {});

}  // namespace recur::forecast
