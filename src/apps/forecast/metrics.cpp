#include "recur/apps/forecast/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recur/apps/forecast/forecaster.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Both series non-empty, finite and of equal length; `what` names the second one.
void check_pair(const std::string& metric, std::span<const double> actual,
                std::span<const double> other, const std::string& what) {
  if (actual.empty()) throw ValueError(metric + ": no forecast values to score (empty input)");
  if (other.size() != actual.size()) {
    throw ValueError(metric + ": " + std::to_string(actual.size()) + " actual values but " +
                     std::to_string(other.size()) + " " + what);
  }
  check_finite(metric + " actual values", actual);
  check_finite(metric + " " + what, other);
}

int sign(double x) { return (x > 0.0) - (x < 0.0); }

}  // namespace

double mase_scale(std::span<const double> train, int period) {
  if (period < 1) {
    throw ValueError("MASE scale: the seasonal period must be at least 1, got " +
                     std::to_string(period));
  }
  const size_t m = static_cast<size_t>(period);
  if (train.size() <= m) {
    throw ValueError("MASE scale: the training series has " + std::to_string(train.size()) +
                     " values; the period " + std::to_string(m) + " needs at least " +
                     std::to_string(m + 1));
  }
  check_finite("MASE scale training series", train);
  double sum = 0.0;
  for (size_t t = m; t < train.size(); ++t) sum += std::abs(train[t] - train[t - m]);
  double scale = sum / static_cast<double>(train.size() - m);
  if (scale == 0.0) {
    throw ValueError("MASE scale: the training series never changes at lag " + std::to_string(m) +
                     ", so the scale is 0 and MASE is undefined");
  }
  return scale;
}

double mean_absolute_error(std::span<const double> actual, std::span<const double> predicted) {
  check_pair("MAE", actual, predicted, "forecasts");
  double sum = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) sum += std::abs(actual[i] - predicted[i]);
  return sum / static_cast<double>(actual.size());
}

double root_mean_squared_error(std::span<const double> actual, std::span<const double> predicted) {
  check_pair("RMSE", actual, predicted, "forecasts");
  std::vector<double> errors(actual.size());
  for (size_t i = 0; i < actual.size(); ++i) errors[i] = actual[i] - predicted[i];
  return root_sum_squares(errors, static_cast<double>(actual.size()));
}

double mean_absolute_percentage_error(std::span<const double> actual,
                                      std::span<const double> predicted, size_t* skipped) {
  check_pair("MAPE", actual, predicted, "forecasts");
  double sum = 0.0;
  size_t used = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] == 0.0) continue;
    sum += std::abs((actual[i] - predicted[i]) / actual[i]);
    ++used;
  }
  if (skipped) *skipped = actual.size() - used;
  return used == 0 ? kNaN : 100.0 * sum / static_cast<double>(used);
}

double symmetric_mape(std::span<const double> actual, std::span<const double> predicted) {
  check_pair("sMAPE", actual, predicted, "forecasts");
  double sum = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double denominator = std::abs(actual[i]) + std::abs(predicted[i]);
    if (denominator > 0.0) sum += 2.0 * std::abs(actual[i] - predicted[i]) / denominator;
  }
  return 100.0 * sum / static_cast<double>(actual.size());
}

double mean_absolute_scaled_error(std::span<const double> actual, std::span<const double> predicted,
                                  double scale) {
  if (!(scale > 0.0) || !std::isfinite(scale)) {
    throw ValueError("MASE: the scale must be positive and finite, got " + std::to_string(scale));
  }
  return mean_absolute_error(actual, predicted) / scale;
}

double directional_accuracy(std::span<const double> actual, std::span<const double> predicted,
                            std::span<const double> last_observed, size_t* counted, size_t* ties) {
  check_pair("directional accuracy", actual, predicted, "forecasts");
  check_pair("directional accuracy", actual, last_observed, "last observed values");
  size_t hits = 0, used = 0;
  bool moves = false;  // whether any forecast value calls a direction at all
  for (size_t i = 0; i < actual.size(); ++i) {
    const int predicted_sign = sign(predicted[i] - last_observed[i]);
    moves = moves || predicted_sign != 0;
    const int actual_sign = sign(actual[i] - last_observed[i]);
    if (actual_sign == 0) continue;
    ++used;
    if (predicted_sign == actual_sign) ++hits;
  }
  if (counted) *counted = used;
  if (ties) *ties = actual.size() - used;
  // A forecast that never moves (naive) has no direction to score: 0 would read as "always wrong".
  if (used == 0 || !moves) return kNaN;
  return static_cast<double>(hits) / static_cast<double>(used);
}

IntervalScore interval_score(std::span<const double> actual, std::span<const double> lower,
                             std::span<const double> upper, double level) {
  check_pair("interval coverage", actual, lower, "lower bounds");
  check_pair("interval coverage", actual, upper, "upper bounds");
  check_level("interval coverage", level);
  size_t inside = 0;
  double width = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (lower[i] > upper[i]) {
      throw ValueError("interval coverage: lower bound " + std::to_string(i) + " (" +
                       std::to_string(lower[i]) + ") is above the upper bound (" +
                       std::to_string(upper[i]) + ")");
    }
    if (lower[i] <= actual[i] && actual[i] <= upper[i]) ++inside;
    width += upper[i] - lower[i];
  }
  double n = static_cast<double>(actual.size());
  return {level, static_cast<double>(inside) / n, width / n};
}

double pinball_loss(std::span<const double> actual, std::span<const double> quantile, double tau) {
  check_pair("pinball loss", actual, quantile, "quantile forecasts");
  if (!(tau > 0.0 && tau < 1.0)) {
    throw ValueError("pinball loss: the quantile level tau must be in (0, 1), got " +
                     std::to_string(tau));
  }
  double sum = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double u = actual[i] - quantile[i];
    sum += std::max(tau * u, (tau - 1.0) * u);
  }
  return sum / static_cast<double>(actual.size());
}

Metrics compute_metrics(const ForecastRecords& r, double scale) {
  Metrics m;
  m.count = r.size();
  m.mae = mean_absolute_error(r.actual, r.predicted);
  m.rmse = root_mean_squared_error(r.actual, r.predicted);
  m.mape = mean_absolute_percentage_error(r.actual, r.predicted, &m.mape_skipped);
  m.smape = symmetric_mape(r.actual, r.predicted);
  m.mase = mean_absolute_scaled_error(r.actual, r.predicted, scale);
  m.directional_accuracy = kNaN;
  if (!r.last_observed.empty()) {
    m.directional_accuracy = directional_accuracy(r.actual, r.predicted, r.last_observed,
                                                  &m.direction_count, &m.direction_ties);
  }
  if (!r.lower.empty() || !r.upper.empty()) {
    m.interval = interval_score(r.actual, r.lower, r.upper, r.level);
  }
  for (const QuantileForecast& q : r.quantiles) {
    m.pinball.push_back({q.tau, pinball_loss(r.actual, q.values, q.tau)});
  }
  return m;
}

}  // namespace recur::forecast
