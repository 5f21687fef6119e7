#include "recur/apps/forecast/forecaster.h"

#include <algorithm>
#include <cmath>

#include "recur/tensor/error.h"

namespace recur::forecast {

std::optional<Interval> Forecaster::interval(std::span<const double> /*history*/, int /*horizon*/,
                                             double /*level*/) {
  return std::nullopt;
}

double root_sum_squares(std::span<const double> values, double divisor) {
  double largest = 0.0;
  for (double v : values) largest = std::max(largest, std::abs(v));
  if (!(largest > 0.0) || !std::isfinite(largest)) return largest;
  const int exponent = std::ilogb(largest);
  double sum = 0.0;
  for (double v : values) {
    const double scaled = std::scalbn(v, -exponent);
    sum += scaled * scaled;
  }
  return std::scalbn(std::sqrt(sum / divisor), exponent);
}

void check_horizon(const std::string& who, int horizon) {
  if (horizon < 1) {
    throw ValueError(who + ": horizon must be at least 1, got " + std::to_string(horizon));
  }
}

namespace {

// Values [first, size) of `values`, named by their index in `values`.
void check_finite_from(const std::string& who, std::span<const double> values, size_t first) {
  for (size_t i = first; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw ValueError(who + ": value " + std::to_string(i) + " is not finite (" +
                       std::to_string(values[i]) + ")");
    }
  }
}

}  // namespace

void check_finite(const std::string& who, std::span<const double> values) {
  check_finite_from(who, values, 0);
}

void check_recent(const std::string& who, std::span<const double> history, size_t count) {
  check_finite_from(who, history, history.size() - std::min(count, history.size()));
}

void check_history(const std::string& who, std::span<const double> history, size_t min_length) {
  if (history.size() < min_length) {
    throw ValueError(who + ": needs a history of at least " + std::to_string(min_length) +
                     " values, got " + std::to_string(history.size()));
  }
}

void check_level(const std::string& who, double level) {
  if (!(level > 0.0 && level < 1.0)) {
    throw ValueError(who + ": interval level must be in (0, 1), got " + std::to_string(level));
  }
}

}  // namespace recur::forecast
