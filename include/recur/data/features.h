// Model inputs derived from a PriceTable, plus the target series, one value per row in double
// precision. Every derived input is causal: its value at row t uses rows <= t only, so a window
// ending at row t never sees the future (tests/data/features_test.cpp checks this by changing
// later rows). Derived inputs that need history are NaN in the first rows; FeatureFrame::
// first_valid says where every input and the target are defined.
//
// FeatureSpec::inputs lists the inputs in order. Each entry is either a loaded column of the
// table (raw values, e.g. "Close", "Volume"; a table column wins over a derived name) or:
//   return       p_t / p_{t-1} - 1               of the target column
//   log_return   log p_t - log p_{t-1}           of the target column (every value must be > 0:
//                                                ValueError naming the column and the first row)
//   log_volume   log(1 + volume)                 ("volume" column; 1 + so zero volume is fine)
//   hl_range     (high - low) / close            ("high", "low", "close" columns)
//   ma<N>        mean of the target column over rows t-N+1 .. t, e.g. ma5, ma20
//   dow_onehot   7 inputs dow_mon .. dow_sun, 1 on the row's weekday, 0 elsewhere (daily and
//                shorter periods only: the forecast pipeline refuses it for weekly and longer)
//   dow_sincos   2 inputs dow_sin, dow_cos = sin, cos(2 pi d / 7), d = 0 on Monday
//
//   FeatureSpec spec{.target_column = "Close", .target = TargetKind::kLogReturn,
//                    .inputs = {"log_return", "log_volume", "ma5", "dow_sincos"}};
//   FeatureFrame f = build_features(table, spec);
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "recur/data/date.h"
#include "recur/data/price_table.h"
#include "recur/data/targets.h"

namespace recur::data {

struct FeatureSpec {
  std::string target_column = "close";  // the price column being forecast
  TargetKind target = TargetKind::kPrice;
  std::vector<std::string> inputs = {"close"};
};

// {"target_column": "close", "target": "log_return", "inputs": ["close", "ma5"]}
nlohmann::json feature_spec_to_json(const FeatureSpec& spec);
FeatureSpec feature_spec_from_json(const nlohmann::json& j);  // ValueError on a bad document

struct FeatureFrame {
  std::string source;                       // the data file, for messages
  std::vector<Timestamp> times;             // one per row, as in the table
  std::vector<Date> dates;                  // the day of each row's time
  std::vector<std::string> names;           // one per input (dow_* entries expanded)
  std::vector<std::vector<double>> inputs;  // inputs[f][row]; NaN before it is defined
  std::vector<double> target;               // target[row] (see targets.h); NaN before defined
  std::vector<double> price;                // the target column in price units
  TargetKind target_kind = TargetKind::kPrice;
  size_t first_valid = 0;  // first row where every input and the target exist

  size_t rows() const { return dates.size(); }
  size_t num_inputs() const { return inputs.size(); }
};

// Throws ValueError naming the entry for an unknown input, a missing column or a bad ma<N>.
FeatureFrame build_features(const PriceTable& table, const FeatureSpec& spec);

}  // namespace recur::data
