// Forecast accuracy metrics, each defined precisely in docs/FORECAST_METRICS.md. With actuals
// y_i, forecasts ŷ_i and errors e_i = y_i − ŷ_i over N forecast values:
//
//   MAE   = mean |e_i|                       RMSE  = √(mean e_i²)
//   MAPE  = 100 · mean |e_i / y_i|  over y_i ≠ 0; the zero actuals are skipped and counted
//   sMAPE = 100 · mean 2|e_i| / (|y_i| + |ŷ_i|), a term with |y_i| + |ŷ_i| = 0 counting as 0
//   MASE  = MAE / s,  s = mean_{t=m+1..n} |y_t − y_{t−m}| over the TRAINING series (mase_scale)
//   directional accuracy: over the forecasts whose actual change y_i − y_T (y_T = last value
//         observed at the forecast's origin) is not 0, the share with sign(ŷ_i − y_T) equal to
//         sign(y_i − y_T). A flat forecast value (ŷ_i = y_T) counts as wrong; zero actual changes
//         are left out and counted as ties. A forecast that is flat everywhere (the naive one)
//         calls no direction at all: its directional accuracy is NaN, not 0.
//   interval coverage = share of y_i inside [lower_i, upper_i] (inclusive); mean width of them
//   pinball loss (quantile τ) = mean max(τ·(y_i − q_i), (τ − 1)·(y_i − q_i))
//
// A metric with nothing to average (MAPE with only zero actuals, directional accuracy with only
// zero changes or only flat forecasts) is NaN. Empty inputs, inputs of different lengths and
// non-finite values throw recur::ValueError.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace recur::forecast {

// Forecasts of one quantile τ, aligned with ForecastRecords::actual.
struct QuantileForecast {
  double tau = 0.5;  // in (0, 1)
  std::vector<double> values;
};

// Forecast values and what they are judged against, one entry per forecast value (aligned).
struct ForecastRecords {
  std::vector<double> actual;
  std::vector<double> predicted;
  // The last value observed at each forecast's origin; empty: no directional accuracy.
  std::vector<double> last_observed;
  // A prediction interval; empty: no interval metrics.
  std::vector<double> lower;
  std::vector<double> upper;
  double level = 0.0;  // nominal coverage of [lower, upper]
  std::vector<QuantileForecast> quantiles;

  size_t size() const { return actual.size(); }
};

struct IntervalScore {
  double level = 0.0;       // nominal
  double coverage = 0.0;    // observed share of actuals inside, in [0, 1]
  double mean_width = 0.0;  // mean of upper − lower
};

struct PinballScore {
  double tau = 0.0;
  double loss = 0.0;
};

struct Metrics {
  size_t count = 0;  // forecast values scored
  double mae = 0.0;
  double rmse = 0.0;
  double mape = 0.0;        // percent
  size_t mape_skipped = 0;  // zero actuals left out of MAPE
  double smape = 0.0;       // percent, in [0, 200]
  double mase = 0.0;
  double directional_accuracy = 0.0;  // in [0, 1]; NaN: no actual change, or a flat forecast
  size_t direction_count = 0;         // forecasts it was computed over
  size_t direction_ties = 0;          // forecasts left out because the actual change was 0
  std::optional<IntervalScore> interval;
  std::vector<PinballScore> pinball;
};

// The MASE denominator: mean |y_t − y_{t−m}| over the training series, m = `period` (1: the
// in-sample naive one-step MAE). Throws ValueError if the series has no more than m values or if
// the scale is 0 (a series with no change at lag m cannot scale errors).
double mase_scale(std::span<const double> train, int period = 1);

// Every metric over `records`; `scale` is mase_scale() of the training series.
Metrics compute_metrics(const ForecastRecords& records, double scale);

// The single metrics, for callers that need just one (same definitions and errors as above).
double mean_absolute_error(std::span<const double> actual, std::span<const double> predicted);
double root_mean_squared_error(std::span<const double> actual, std::span<const double> predicted);
// `skipped` (if given) receives the number of zero actuals left out.
double mean_absolute_percentage_error(std::span<const double> actual,
                                      std::span<const double> predicted, size_t* skipped = nullptr);
double symmetric_mape(std::span<const double> actual, std::span<const double> predicted);
double mean_absolute_scaled_error(std::span<const double> actual, std::span<const double> predicted,
                                  double scale);
// `counted` and `ties` (if given) receive direction_count and direction_ties.
double directional_accuracy(std::span<const double> actual, std::span<const double> predicted,
                            std::span<const double> last_observed, size_t* counted = nullptr,
                            size_t* ties = nullptr);
IntervalScore interval_score(std::span<const double> actual, std::span<const double> lower,
                             std::span<const double> upper, double level);
double pinball_loss(std::span<const double> actual, std::span<const double> quantile, double tau);

}  // namespace recur::forecast
