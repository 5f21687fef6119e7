#include "normal_interval.h"

#include <cmath>

namespace recur::forecast {

double standard_normal_quantile(double p) {
  // Bisection on the CDF Φ(z) = erfc(−z/√2)/2: 200 halvings of [−40, 40] reach the resolution of a
  // double, and this runs a handful of times per report, so simplicity beats speed here.
  double low = -40.0, high = 40.0;
  for (int i = 0; i < 200; ++i) {
    double mid = 0.5 * (low + high);
    double cdf = 0.5 * std::erfc(-mid / std::sqrt(2.0));
    (cdf < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

Interval normal_interval(const std::vector<double>& mean, double sigma, double level,
                         const std::function<double(int h)>& scale) {
  double z = standard_normal_quantile(0.5 + 0.5 * level);
  Interval out{level, mean, mean};
  for (size_t i = 0; i < mean.size(); ++i) {
    double half = z * sigma * scale(static_cast<int>(i) + 1);
    out.lower[i] -= half;
    out.upper[i] += half;
  }
  return out;
}

}  // namespace recur::forecast
