// Forecaster: the one interface every forecasting method implements, the simple baselines
// (baselines.h, autoregression.h) and, later, the neural models alike. A forecaster learns from a
// training series once (fit) and then forecasts steps 1..H after any origin, given the history
// observed up to that origin (forecast). Everything is plain double precision: the evaluation side
// of recur (metrics, backtest, plots, report) never touches tensors.
//
//   forecast::NaiveForecaster naive;
//   naive.fit(train);                                   // y[0 .. n)
//   std::vector<double> f = naive.forecast(history, 5); // f[h-1] predicts the value h steps
//                                                       // after history.back()
//
// Contract for implementers: fit() sees only the training series; forecast() may read any value
// of `history` (all of it was observed before the origin) but nothing else, and must return
// exactly `horizon` finite values. Bad arguments throw recur::ValueError. forecast() checks only
// the values it reads (check_recent): a backtest calls it at every origin of a long series, so a
// check of the whole history would make scoring quadratic in its length. Whoever forecasts from
// many origins of one series validates that series once (backtest() does).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace recur::forecast {

// A central prediction interval: P(lower[h] <= y <= upper[h]) is meant to be `level`.
struct Interval {
  double level = 0.0;  // in (0, 1), e.g. 0.95
  std::vector<double> lower;
  std::vector<double> upper;
};

class Forecaster {
 public:
  virtual ~Forecaster() = default;

  // A short name for tables and legends, e.g. "naive", "AR(2)", "lstm".
  virtual std::string name() const = 0;

  // Learns from the training series (chronological). Calling it again replaces what was learned
  // (the backtest refits this way).
  virtual void fit(std::span<const double> train) = 0;

  // Forecasts the `horizon` values after history.back(). Non-const so that a model may use
  // internal scratch space; it must not change what fit() learned.
  virtual std::vector<double> forecast(std::span<const double> history, int horizon) = 0;

  // A prediction interval for the same steps, for methods that have one; nullopt otherwise.
  virtual std::optional<Interval> interval(std::span<const double> history, int horizon,
                                           double level);

  // The shortest history forecast() accepts.
  virtual size_t min_history() const { return 1; }
};

// The p-quantile z of the standard normal distribution (P(Z <= z) = p), p in (0, 1): the
// half-width factor of every Gaussian prediction interval (baselines and network alike).
double standard_normal_quantile(double p);

// sqrt(Σ v² / divisor), computed on the values divided by a power of two near the largest, so that
// values near 1e200 do not overflow and values near 1e-200 do not vanish; the scaling is exact,
// so ordinary values give the same bits as the plain formula. Returns max |v| (0 or Inf) when
// that is 0 or not finite.
double root_sum_squares(std::span<const double> values, double divisor);

// Argument checks shared by implementations; each throws ValueError naming `who` (e.g. "naive
// forecast") and what was expected.
void check_horizon(const std::string& who, int horizon);
void check_finite(const std::string& who, std::span<const double> values);
// check_finite on the last `count` values of `history` (the ones a forecast reads), naming each by
// its index in `history`; `count` larger than the history checks all of it.
void check_recent(const std::string& who, std::span<const double> history, size_t count);
void check_history(const std::string& who, std::span<const double> history, size_t min_length);
void check_level(const std::string& who, double level);

}  // namespace recur::forecast
