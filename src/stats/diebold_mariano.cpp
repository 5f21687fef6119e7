#include "recur/stats/diebold_mariano.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "recur/stats/student_t.h"
#include "recur/tensor/error.h"

namespace recur::stats {
namespace {

void check_errors_finite(std::span<const double> errors, const char* name) {
  for (size_t i = 0; i < errors.size(); ++i) {
    if (!std::isfinite(errors[i])) {
      throw ValueError(std::string("diebold_mariano: ") + name + "[" + std::to_string(i) + "] is " +
                       std::to_string(errors[i]) + "; errors must be finite");
    }
  }
}

void check_inputs(std::span<const double> errors1, std::span<const double> errors2, int horizon) {
  if (errors1.size() != errors2.size()) {
    throw ValueError("diebold_mariano: the error series differ in length (errors1 has " +
                     std::to_string(errors1.size()) + ", errors2 has " +
                     std::to_string(errors2.size()) + "); they must come from the same origins");
  }
  if (errors1.size() < 3) {
    throw ValueError("diebold_mariano: needs at least 3 error pairs, got " +
                     std::to_string(errors1.size()));
  }
  if (horizon < 1) {
    throw ValueError("diebold_mariano: the horizon must be >= 1, got " + std::to_string(horizon));
  }
  check_errors_finite(errors1, "errors1");
  check_errors_finite(errors2, "errors2");
}

double apply_loss(double error, Loss loss) {
  return loss == Loss::squared ? error * error : std::fabs(error);
}

std::vector<double> loss_differential(std::span<const double> errors1,
                                      std::span<const double> errors2, Loss loss) {
  std::vector<double> d(errors1.size());
  for (size_t t = 0; t < d.size(); ++t) {
    d[t] = apply_loss(errors1[t], loss) - apply_loss(errors2[t], loss);
  }
  return d;
}

// gamma_k with the 1/n divisor, as R's acf(type = "covariance") and Diebold & Mariano use.
double autocovariance(const std::vector<double>& d, double mean, size_t lag) {
  double sum = 0.0;
  for (size_t t = lag; t < d.size(); ++t) sum += (d[t] - mean) * (d[t - lag] - mean);
  return sum / static_cast<double>(d.size());
}

// The HLN correction's radicand; a horizon that leaves it <= 0 is too long for the sample.
double hln_radicand(double n, double h) { return (n + 1.0 - 2.0 * h + h * (h - 1.0) / n) / n; }

DieboldMarianoResult test_with_horizon(const std::vector<double>& d, int horizon, Loss loss) {
  const double n = static_cast<double>(d.size());
  DieboldMarianoResult r;
  r.n = d.size();
  r.horizon = horizon;
  r.loss = loss;
  for (double v : d) r.mean_differential += v;
  r.mean_differential /= n;
  r.long_run_variance = autocovariance(d, r.mean_differential, 0);
  for (int k = 1; k < horizon; ++k) {
    r.long_run_variance += 2.0 * autocovariance(d, r.mean_differential, static_cast<size_t>(k));
  }
  if (!(r.long_run_variance > 0.0)) return r;  // the caller falls back to h = 1
  r.statistic = r.mean_differential / std::sqrt(r.long_run_variance / n);
  r.hln_statistic = r.statistic * std::sqrt(hln_radicand(n, horizon));
  r.p_value = student_t_two_sided_p(r.hln_statistic, n - 1.0);
  return r;
}

}  // namespace

std::string_view loss_name(Loss loss) { return loss == Loss::squared ? "squared" : "absolute"; }

DieboldMarianoResult diebold_mariano(std::span<const double> errors1,
                                     std::span<const double> errors2, int horizon, Loss loss) {
  check_inputs(errors1, errors2, horizon);
  const size_t n = errors1.size();
  if (static_cast<size_t>(horizon) >= n || !(hln_radicand(double(n), horizon) > 0.0)) {
    throw ValueError("diebold_mariano: horizon " + std::to_string(horizon) + " is too long for " +
                     std::to_string(n) + " error pairs (the HLN correction needs n + 1 - 2h + " +
                     "h(h-1)/n > 0)");
  }
  const std::vector<double> d = loss_differential(errors1, errors2, loss);
  // An exactly constant d has no variance; testing for it exactly (not V <= tiny) keeps a
  // small-but-real variance testable whatever the scale of the errors.
  if (std::all_of(d.begin(), d.end(), [&](double v) { return v == d.front(); })) {
    throw ValueError(
        d.front() == 0.0
            ? std::string("diebold_mariano: the two forecasts have identical ") +
                  std::string(loss_name(loss)) + " losses at every point (identical forecasts?): " +
                  "the loss differential has zero variance, there is nothing to test"
            : "diebold_mariano: the loss differential is the same (" + std::to_string(d.front()) +
                  ") at every point: it has zero variance, the test is undefined");
  }
  DieboldMarianoResult r = test_with_horizon(d, horizon, loss);
  if (!(r.long_run_variance > 0.0)) {
    r = test_with_horizon(d, 1, loss);
    r.horizon_fallback = true;
  }
  if (!(r.long_run_variance > 0.0)) {
    throw ValueError("diebold_mariano: the loss differential's variance rounds to zero");
  }
  return r;
}

}  // namespace recur::stats
