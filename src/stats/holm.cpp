#include "recur/stats/holm.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "recur/tensor/error.h"

namespace recur::stats {

std::vector<double> holm_adjust(std::span<const double> p_values) {
  std::vector<size_t> tested;
  for (size_t i = 0; i < p_values.size(); ++i) {
    const double p = p_values[i];
    if (std::isnan(p)) continue;
    if (!(p >= 0.0 && p <= 1.0)) {
      throw ValueError("holm_adjust: p-value " + std::to_string(i) + " is " + std::to_string(p) +
                       ", not in [0, 1]");
    }
    tested.push_back(i);
  }
  std::stable_sort(tested.begin(), tested.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(p_values.begin(), p_values.end());
  const double m = static_cast<double>(tested.size());
  double running_max = 0.0;  // the step-down keeps the adjusted values in the p-values' order
  for (size_t rank = 0; rank < tested.size(); ++rank) {
    const size_t i = tested[rank];
    running_max =
        std::max(running_max, std::min(1.0, (m - static_cast<double>(rank)) * p_values[i]));
    adjusted[i] = running_max;
  }
  return adjusted;
}

}  // namespace recur::stats
