// Linear autoregression AR(p) with an intercept, the strongest of the simple baselines:
//
//   x_t = c + φ_1·x_{t−1} + … + φ_p·x_{t−p} + ε_t
//
// fitted by ordinary least squares (LAPACK dgels, QR) on the training series only: one equation
// per t = p+1..n, so n − p equations in p + 1 unknowns, and at least 2p + 1 training values are
// required. Forecasts are recursive: ŷ_{T+1} uses the last p observed values, ŷ_{T+2} uses ŷ_{T+1}
// in place of the unknown y_{T+1}, and so on.
//
// With `on_differences`, x_t = y_t − y_{t−1} (an ARIMA(p,1,0) with drift): the AR model forecasts
// the changes and the level forecast is y_T plus their running sum. This suits prices, whose
// levels wander but whose changes are closer to stationary.
//
//   AutoregressionForecaster ar(2);
//   ar.fit(train);
//   ar.intercept(); ar.coefficients();   // c, {φ_1, φ_2}
#pragma once

#include <span>
#include <string>
#include <vector>

#include "recur/apps/forecast/forecaster.h"

namespace recur::forecast {

class AutoregressionForecaster : public Forecaster {
 public:
  // Throws ValueError unless order >= 1.
  explicit AutoregressionForecaster(int order, bool on_differences = false);

  // "AR(2)", or "AR(2) diff" on differences.
  std::string name() const override;
  // Throws ValueError if the training series is too short for the order, or if the least-squares
  // problem is rank-deficient (e.g. a constant series).
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  size_t min_history() const override;

  int order() const { return order_; }
  bool on_differences() const { return on_differences_; }
  double intercept() const { return intercept_; }
  // φ_1..φ_p: coefficients()[i] multiplies x_{t−1−i}.
  const std::vector<double>& coefficients() const { return phi_; }

 private:
  int order_;
  bool on_differences_;
  double intercept_ = 0.0;
  std::vector<double> phi_;
  bool fitted_ = false;
};

}  // namespace recur::forecast
