// What the model predicts, and how its predictions become prices again. A model may learn the
// price itself, its day-to-day difference, or its log return; forecasts are always reported in
// price units, so every kind has an exact inverse given the last known price p_t:
//
//   kind          target at row t            H-step prediction (v_1..v_H) back to prices
//   kPrice        p_t                        p_{t+k} = v_k
//   kDifference   p_t - p_{t-1}              p_{t+k} = p_t + v_1 + ... + v_k
//   kLogReturn    log p_t - log p_{t-1}      p_{t+k} = p_t * exp(v_1 + ... + v_k)
//
// Multi-step paths chain: step k starts from the price of step k-1, not from p_t.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recur::data {

enum class TargetKind { kPrice, kDifference, kLogReturn };

// "price", "difference", "log_return" (what config.json and the command line use).
std::string target_kind_name(TargetKind kind);
// Inverse of target_kind_name (also accepts "diff" and "logret"); throws ValueError listing the
// names otherwise.
TargetKind parse_target_kind(std::string_view name);

// How many leading rows have no target (0 for kPrice, 1 otherwise).
size_t target_lag(TargetKind kind);

// The target series of `prices`, one value per row; rows before target_lag(kind) are NaN.
// kLogReturn needs every price > 0: ValueError naming the row index otherwise.
std::vector<double> make_target(std::span<const double> prices, TargetKind kind);

// The price path implied by a prediction of `predicted.size()` consecutive target values that
// follow a row whose price is `last_price`.
std::vector<double> to_prices(TargetKind kind, double last_price,
                              std::span<const double> predicted);

}  // namespace recur::data
