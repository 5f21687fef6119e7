// Is the model's lead (or lag) over a baseline real? The Diebold-Mariano test (stats/
// diebold_mariano.h, HLN-corrected, squared and absolute loss) of a baseline's errors against the
// model's on the same origins: what `recur forecast` puts next to every baseline in metrics.json
// and report.md, and what the report's headline sentence rests on.
//
// The errors tested are those of the last step H (the horizon the model is trained for), one per
// origin. Origins `step` rows apart whose H-step forecasts overlap share shocks, so the test's
// lag window is ceil(H / step): H for consecutive origins, 1 when the forecasts do not overlap.
//
//   const Significance s = diebold_mariano_against(results.model, results.naive);
//   if (s.squared && s.squared->p_value < kSignificanceLevel) ...   // a real difference
//   else if (!s.unavailable.empty()) ...                            // e.g. identical forecasts
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "recur/apps/forecast/backtest.h"
#include "recur/stats/diebold_mariano.h"

namespace recur::forecast {

// The p-value below which the report calls a difference real.
inline constexpr double kSignificanceLevel = 0.05;

struct Significance {
  std::string against;  // the model the baseline is compared with
  std::optional<stats::DieboldMarianoResult> squared, absolute;
  std::string unavailable;  // why there is no test (identical forecasts, too few origins)
};

// Never throws for data reasons: what the test refuses is stated in `unavailable`. The two
// results must come from the same origins (ValueError naming both methods otherwise).
Significance diebold_mariano_against(const BacktestResult& model, const BacktestResult& baseline);

// {"against": "lstm", "squared": {"statistic", "hln_statistic", "p_value", "mean_differential",
//  "n", "horizon", "horizon_fallback"}, "absolute": {...}} or {"against", "unavailable"}.
nlohmann::json significance_json(const Significance& s);

// "0.41", "0.049", "0.003", "< 0.0001": two decimals, three below 0.1, one digit below 0.01.
std::string p_value_number(double p);
// The same as "p = 0.41", "p < 0.0001".
std::string p_value_text(double p);

}  // namespace recur::forecast
