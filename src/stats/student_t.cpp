#include "recur/stats/student_t.h"

#include <cmath>
#include <limits>
#include <string>

#include "recur/tensor/error.h"

namespace recur::stats {
namespace {

// The continued fraction of I_x(a, b) (Numerical Recipes, 3rd ed., section 6.4), evaluated by
// the modified Lentz method. It converges quickly for x < (a + 1) / (a + b + 2); the caller
// uses the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
double incomplete_beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  constexpr int kMaxIterations = 100000;
  const auto not_tiny = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  double c = 1.0;
  double d = 1.0 / not_tiny(1.0 - (a + b) * x / (a + 1.0));
  double fraction = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    // The even step d_{2m}, then the odd step d_{2m+1} of the fraction's coefficients.
    const double even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 / not_tiny(1.0 + even * d);
    c = not_tiny(1.0 + even / c);
    fraction *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 / not_tiny(1.0 + odd * d);
    c = not_tiny(1.0 + odd / c);
    const double delta = d * c;
    fraction *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) return fraction;
  }
  throw ValueError("regularized_incomplete_beta: the continued fraction did not converge for a = " +
                   std::to_string(a) + ", b = " + std::to_string(b) + ", x = " + std::to_string(x));
}

// x^a (1-x)^b / B(a, b), in logarithms so that large a and b do not overflow.
double beta_prefactor(double a, double b, double x) {
  return std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                  b * std::log1p(-x));
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !std::isfinite(a) || !std::isfinite(b)) {
    throw ValueError("regularized_incomplete_beta: a and b must be positive and finite, got a = " +
                     std::to_string(a) + ", b = " + std::to_string(b));
  }
  if (!(x >= 0.0 && x <= 1.0)) {
    throw ValueError("regularized_incomplete_beta: x must be in [0, 1], got " + std::to_string(x));
  }
  if (x == 0.0 || x == 1.0) return x;
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return beta_prefactor(a, b, x) * incomplete_beta_fraction(a, b, x) / a;
  }
  return 1.0 - beta_prefactor(a, b, x) * incomplete_beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_two_sided_p(double t, double dof) {
  if (!(dof > 0.0)) {
    throw ValueError("student_t: degrees of freedom must be positive, got " + std::to_string(dof));
  }
  if (std::isnan(t)) throw ValueError("student_t: the statistic is NaN");
  if (std::isinf(t)) return 0.0;
  // P(|T| >= |t|) = I_{dof / (dof + t^2)}(dof / 2, 1 / 2); written with t^2 / dof so that a huge
  // t does not overflow t * t.
  const double ratio = (t / std::sqrt(dof)) * (t / std::sqrt(dof));
  return regularized_incomplete_beta(dof / 2.0, 0.5, 1.0 / (1.0 + ratio));
}

double student_t_cdf(double t, double dof) {
  const double tail = student_t_two_sided_p(t, dof) / 2.0;
  return t < 0.0 ? tail : 1.0 - tail;
}

}  // namespace recur::stats
