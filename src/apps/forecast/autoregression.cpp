#include "recur/apps/forecast/autoregression.h"

#include <lapacke.h>

#include <algorithm>
#include <cmath>

#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

// x_t = y_t − y_{t−1}.
std::vector<double> differences(std::span<const double> y) {
  std::vector<double> out;
  for (size_t t = 1; t < y.size(); ++t) out.push_back(y[t] - y[t - 1]);
  return out;
}

}  // namespace

AutoregressionForecaster::AutoregressionForecaster(int order, bool on_differences)
    : order_(order), on_differences_(on_differences) {
  if (order < 1) {
    throw ValueError("AR(p): the order p must be at least 1, got " + std::to_string(order));
  }
}

std::string AutoregressionForecaster::name() const {
  return "AR(" + std::to_string(order_) + ")" + (on_differences_ ? " diff" : "");
}

size_t AutoregressionForecaster::min_history() const {
  return static_cast<size_t>(order_) + (on_differences_ ? 1 : 0);
}

void AutoregressionForecaster::fit(std::span<const double> train) {
  check_finite(name() + " training series", train);
  const size_t p = static_cast<size_t>(order_);
  // n − p equations in p + 1 unknowns: determined only when n >= 2p + 1.
  const size_t needed = 2 * p + 1 + (on_differences_ ? 1 : 0);
  if (train.size() < needed) {
    throw ValueError(name() + " fit: the training series has " + std::to_string(train.size()) +
                     " values; fitting " + std::to_string(p) +
                     " lags and an intercept by least squares needs at least " +
                     std::to_string(needed));
  }
  std::vector<double> x =
      on_differences_ ? differences(train) : std::vector<double>(train.begin(), train.end());
  // Least squares on x / 2^e with 2^e near max|x|: the lag columns then have the intercept
  // column's magnitude, so prices near 1e200 or 1e-200 neither overflow nor look rank-deficient
  // beside the column of ones. The scaling is exact: the lag coefficients are unchanged and the
  // intercept is scaled back.
  double largest = 0.0;
  for (double v : x) largest = std::max(largest, std::abs(v));
  const int exponent = largest > 0.0 ? std::ilogb(largest) : 0;
  for (double& v : x) v = std::scalbn(v, -exponent);

  // Row t − p of the design matrix is [1, x_{t−1}, …, x_{t−p}] for the target x_t.
  const size_t rows = x.size() - p, cols = p + 1;
  std::vector<double> a(rows * cols), b(rows);
  for (size_t r = 0; r < rows; ++r) {
    size_t t = r + p;
    a[r * cols] = 1.0;
    for (size_t i = 0; i < p; ++i) a[r * cols + 1 + i] = x[t - 1 - i];
    b[r] = x[t];
  }
  lapack_int info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', static_cast<lapack_int>(rows),
                                  static_cast<lapack_int>(cols), 1, a.data(),
                                  static_cast<lapack_int>(cols), b.data(), 1);
  if (info < 0) {
    throw Error(name() + " fit: LAPACKE_dgels rejected argument " + std::to_string(-info));
  }
  // dgels only reports an exactly zero diagonal of R; a tiny one (a constant series after rounding)
  // would give meaningless huge coefficients, so treat it as rank-deficient too.
  double largest_diagonal = 0.0;
  for (size_t i = 0; i < cols; ++i) {
    largest_diagonal = std::max(largest_diagonal, std::abs(a[i * cols + i]));
  }
  for (size_t i = 0; i < cols; ++i) {
    if (std::abs(a[i * cols + i]) <= 1e-10 * largest_diagonal)
      info = static_cast<lapack_int>(i + 1);
  }
  if (info > 0) {
    throw ValueError(name() + " fit: the least-squares problem is rank-deficient (is the " +
                     (on_differences_ ? std::string("differenced ") : std::string()) +
                     "training series constant?)");
  }
  // dgels leaves the solution in the first `cols` entries of b.
  intercept_ = std::scalbn(b[0], exponent);
  phi_.assign(b.begin() + 1, b.begin() + static_cast<std::ptrdiff_t>(cols));
  fitted_ = true;
}

std::vector<double> AutoregressionForecaster::forecast(std::span<const double> history,
                                                       int horizon) {
  const std::string who = name() + " forecast";
  if (!fitted_) throw ValueError(who + ": fit() must be called before forecasting");
  check_horizon(who, horizon);
  check_history(who, history, min_history());
  check_recent(who + " history", history, min_history());  // the values read below

  // The last p values of x (oldest first), then the forecasts appended one by one.
  const size_t p = phi_.size();
  std::vector<double> x;
  if (on_differences_) {
    x = differences(history.last(p + 1));
  } else {
    auto tail = history.last(p);
    x.assign(tail.begin(), tail.end());
  }
  std::vector<double> out;
  double level = history.back();
  for (int h = 0; h < horizon; ++h) {
    double next = intercept_;
    for (size_t i = 0; i < p; ++i) next += phi_[i] * x[x.size() - 1 - i];
    x.push_back(next);
    level = on_differences_ ? level + next : next;
    out.push_back(level);
  }
  return out;
}

}  // namespace recur::forecast
