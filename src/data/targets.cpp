#include "recur/data/targets.h"

#include <cmath>
#include <limits>

#include "recur/tensor/error.h"

namespace recur::data {

std::string target_kind_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::kPrice:
      return "price";
    case TargetKind::kDifference:
      return "difference";
    case TargetKind::kLogReturn:
      return "log_return";
  }
  throw ValueError("unknown TargetKind");
}

TargetKind parse_target_kind(std::string_view name) {
  if (name == "price") return TargetKind::kPrice;
  if (name == "difference" || name == "diff") return TargetKind::kDifference;
  if (name == "log_return" || name == "logret") return TargetKind::kLogReturn;
  throw ValueError("unknown target kind '" + std::string(name) +
                   "' (expected price, difference or log_return)");
}

size_t target_lag(TargetKind kind) { return kind == TargetKind::kPrice ? 0 : 1; }

std::vector<double> make_target(std::span<const double> prices, TargetKind kind) {
  std::vector<double> out(prices.size(), std::numeric_limits<double>::quiet_NaN());
  if (kind == TargetKind::kLogReturn) {
    for (size_t t = 0; t < prices.size(); ++t) {
      if (!(prices[t] > 0.0)) {
        throw ValueError("log_return target: price " + std::to_string(prices[t]) + " at row " +
                         std::to_string(t) + " is not positive");
      }
    }
  }
  for (size_t t = target_lag(kind); t < prices.size(); ++t) {
    switch (kind) {
      case TargetKind::kPrice:
        out[t] = prices[t];
        break;
      case TargetKind::kDifference:
        out[t] = prices[t] - prices[t - 1];
        break;
      case TargetKind::kLogReturn:
        // log(a / b) rounds once; log a - log b cancels digits when a ~ b, as returns are.
        out[t] = std::log(prices[t] / prices[t - 1]);
        break;
    }
  }
  return out;
}

std::vector<double> to_prices(TargetKind kind, double last_price,
                              std::span<const double> predicted) {
  std::vector<double> out(predicted.size());
  double cumulative = 0.0;  // running sum of differences or log returns
  for (size_t k = 0; k < predicted.size(); ++k) {
    cumulative += predicted[k];
    switch (kind) {
      case TargetKind::kPrice:
        out[k] = predicted[k];
        break;
      case TargetKind::kDifference:
        out[k] = last_price + cumulative;
        break;
      case TargetKind::kLogReturn:
        out[k] = last_price * std::exp(cumulative);
        break;
    }
  }
  return out;
}

}  // namespace recur::data
