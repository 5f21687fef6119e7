#include "recur/data/features.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>

#include "recur/io/csv.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Input {
  std::string name;
  std::vector<double> values;
};

// The rows needed before a derived input is defined (0 for raw columns).
struct Derived {
  std::vector<Input> columns;
  size_t lag = 0;
};

const std::vector<double>& need_column(const PriceTable& t, const std::string& input,
                                       const std::string& column) {
  if (!t.has_column(column)) {
    throw ValueError("input '" + input + "' needs a '" + column + "' column, which " + t.source +
                     " does not have or was not loaded");
  }
  return t.column(column);
}

// The N of "ma<N>", or 0 if `name` is not of that form.
size_t moving_average_window(const std::string& name) {
  if (name.size() < 3 || name.compare(0, 2, "ma") != 0) return 0;
  size_t n = 0;
  for (size_t i = 2; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || n > 1000000) return 0;
    n = n * 10 + static_cast<size_t>(name[i] - '0');
  }
  return n;
}

std::vector<double> moving_average(const std::vector<double>& p, size_t n) {
  std::vector<double> out(p.size(), kNaN);
  for (size_t t = n - 1; t < p.size(); ++t) {
    double sum = 0.0;
    for (size_t k = t + 1 - n; k <= t; ++k) sum += p[k];
    out[t] = sum / static_cast<double>(n);
  }
  return out;
}

std::vector<Input> day_of_week(const std::vector<Date>& dates, bool one_hot) {
  if (one_hot) {
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    std::vector<Input> out;
    for (int d = 0; d < 7; ++d) {
      Input in{std::string("dow_") + kDays[d], std::vector<double>(dates.size())};
      for (size_t t = 0; t < dates.size(); ++t) in.values[t] = dates[t].weekday() == d ? 1 : 0;
      out.push_back(std::move(in));
    }
    return out;
  }
  Input s{"dow_sin", std::vector<double>(dates.size())};
  Input c{"dow_cos", std::vector<double>(dates.size())};
  for (size_t t = 0; t < dates.size(); ++t) {
    const double angle = 2.0 * std::numbers::pi * dates[t].weekday() / 7.0;
    s.values[t] = std::sin(angle);
    c.values[t] = std::cos(angle);
  }
  return {std::move(s), std::move(c)};
}

std::vector<double> simple_return(const std::vector<double>& p) {
  std::vector<double> out(p.size(), kNaN);
  for (size_t t = 1; t < p.size(); ++t) out[t] = p[t] / p[t - 1] - 1.0;
  return out;
}

// A log of zero or a negative value would put NaN or -inf into the model: name the column, the
// first row that has one and what to use instead.
void require_positive(const PriceTable& t, const std::string& column, const std::string& what) {
  const std::vector<double>& v = t.column(column);
  for (size_t r = 0; r < v.size(); ++r) {
    if (v[r] > 0.0) continue;
    char value[32];
    std::snprintf(value, sizeof value, "%.10g", v[r]);
    throw ValueError(t.where(r) + ": column '" + column + "' is " + value + " on " +
                     t.times[r].str() + ", but " + what +
                     " takes the log of every value, which needs them all > 0: use "
                     "--target-kind difference or price (and inputs without logs) for a series "
                     "that can be zero or negative");
  }
}

Derived derive(const PriceTable& t, const FeatureSpec& spec, const std::string& name) {
  if (t.has_column(name)) return {{{name, t.column(name)}}, 0};
  const std::string key = io::column_key(name);
  const auto& price = [&]() -> const std::vector<double>& {
    return need_column(t, name, spec.target_column);
  };
  if (key == "return") return {{{name, simple_return(price())}}, 1};
  if (key == "logreturn") {
    require_positive(t, spec.target_column, "input '" + name + "'");
    return {{{name, make_target(price(), TargetKind::kLogReturn)}}, 1};
  }
  if (key == "logvolume") {
    std::vector<double> v = need_column(t, name, "volume");
    for (double& x : v) {
      if (x < 0) throw ValueError("input 'log_volume': a volume is negative in " + t.source);
      x = std::log1p(x);
    }
    return {{{name, std::move(v)}}, 0};
  }
  if (key == "hlrange") {
    const auto& high = need_column(t, name, "high");
    const auto& low = need_column(t, name, "low");
    const auto& close = need_column(t, name, "close");
    std::vector<double> v(t.rows());
    for (size_t r = 0; r < v.size(); ++r) v[r] = (high[r] - low[r]) / close[r];
    return {{{name, std::move(v)}}, 0};
  }
  if (key == "dowonehot") return {day_of_week(t.dates, true), 0};
  if (key == "dowsincos") return {day_of_week(t.dates, false), 0};
  if (const size_t n = moving_average_window(key); n > 0) {
    return {{{name, moving_average(price(), n)}}, n - 1};
  }
  throw ValueError("unknown input '" + name + "': not a column of " + t.source +
                   " and not one of return, log_return, log_volume, hl_range, ma<N>, "
                   "dow_onehot, dow_sincos");
}

// A zero close in hl_range or a zero price in return would put inf into the model.
void check_finite(const PriceTable& t, const FeatureFrame& f) {
  for (size_t r = f.first_valid; r < f.rows(); ++r) {
    if (!std::isfinite(f.target[r])) {
      throw ValueError(t.where(r) + ": the target is not finite on " + f.times[r].str());
    }
    for (size_t c = 0; c < f.num_inputs(); ++c) {
      if (!std::isfinite(f.inputs[c][r])) {
        throw ValueError(t.where(r) + ": input '" + f.names[c] + "' is not finite on " +
                         f.times[r].str());
      }
    }
  }
}

}  // namespace

nlohmann::json feature_spec_to_json(const FeatureSpec& spec) {
  return {{"target_column", spec.target_column},
          {"target", target_kind_name(spec.target)},
          {"inputs", spec.inputs}};
}

FeatureSpec feature_spec_from_json(const nlohmann::json& j) {
  const std::string where = "config: features";
  if (!j.is_object()) throw ValueError(where + ": expected an object, got " + io::json_excerpt(j));
  for (const char* key : {"target_column", "target", "inputs"}) {
    if (!j.contains(key)) throw ValueError(where + ": field '" + key + "' is required");
  }
  FeatureSpec spec;
  spec.target_column = io::json_string(j, "target_column", "", where);
  spec.target = parse_target_kind(io::json_string(j, "target", "", where));
  spec.inputs = io::json_strings(j, "inputs", {}, where);
  return spec;
}

FeatureFrame build_features(const PriceTable& table, const FeatureSpec& spec) {
  if (spec.inputs.empty()) throw ValueError("feature spec: no inputs");
  FeatureFrame f;
  f.source = table.source;
  f.dates = table.dates;
  f.times = table.times;
  f.target_kind = spec.target;
  if (!table.has_column(spec.target_column)) {
    throw ValueError("target column '" + spec.target_column +
                     "' is not among the loaded columns "
                     "of " +
                     table.source);
  }
  if (spec.target == TargetKind::kLogReturn) {
    require_positive(table, spec.target_column, "the log_return target");
  }
  f.price = table.column(spec.target_column);
  f.target = make_target(f.price, spec.target);
  f.first_valid = target_lag(spec.target);
  for (const std::string& name : spec.inputs) {
    Derived d = derive(table, spec, name);
    f.first_valid = std::max(f.first_valid, d.lag);
    for (Input& in : d.columns) {
      if (std::find(f.names.begin(), f.names.end(), in.name) != f.names.end()) {
        throw ValueError("feature spec: input '" + in.name + "' is listed twice");
      }
      f.names.push_back(std::move(in.name));
      f.inputs.push_back(std::move(in.values));
    }
  }
  check_finite(table, f);
  return f;
}

}  // namespace recur::data
