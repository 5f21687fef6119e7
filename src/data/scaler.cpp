#include "recur/data/scaler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

// Quantile q of sorted values with linear interpolation between neighbours (numpy "linear").
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

struct Affine {
  double center = 0.0;
  double scale = 1.0;
};

Affine fit_unscaled(ScalerKind kind, std::span<const double> x) {
  const double n = static_cast<double>(x.size());
  switch (kind) {
    case ScalerKind::kNone:
      return {0.0, 1.0};
    case ScalerKind::kStandard: {
      double mean = 0.0;
      for (double v : x) mean += v;
      mean /= n;
      double var = 0.0;
      for (double v : x) var += (v - mean) * (v - mean);
      return {mean, std::sqrt(var / n)};
    }
    case ScalerKind::kMinMax: {
      const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
      return {*lo, *hi - *lo};
    }
    case ScalerKind::kRobust: {
      std::vector<double> sorted(x.begin(), x.end());
      std::sort(sorted.begin(), sorted.end());
      return {quantile(sorted, 0.5), quantile(sorted, 0.75) - quantile(sorted, 0.25)};
    }
  }
  throw ValueError("unknown ScalerKind");
}

// A spread this small relative to the values is rounding noise, not signal: such a column is
// constant.
constexpr double kConstantSpread = 1e-12;

std::string format_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

// Statistics of x / 2^e with 2^e near max|x|, scaled back by 2^e: the squares of values near
// 1e200 would overflow and those of values near 1e-200 underflow to zero. Scaling by a power of
// two is exact, so ordinary data gives the same bits as fitting x itself.
Affine fit_column(ScalerKind kind, std::span<const double> x, const std::string& label) {
  if (kind == ScalerKind::kNone) return {0.0, 1.0};
  double max_abs = 0.0;
  for (double v : x) max_abs = std::max(max_abs, std::abs(v));
  if (max_abs == 0.0) return {0.0, 1.0};
  const int e = std::ilogb(max_abs);
  std::vector<double> unit(x.size());
  for (size_t i = 0; i < x.size(); ++i) unit[i] = std::ldexp(x[i], -e);
  const Affine a = fit_unscaled(kind, unit);
  Affine out{std::ldexp(a.center, e), std::ldexp(a.scale, e)};
  if (!std::isfinite(out.center) || !std::isfinite(out.scale)) {
    throw ValueError("scaler: " + label + ": values up to " + format_number(max_abs) +
                     " overflow double precision arithmetic (the " + scaler_kind_name(kind) +
                     " scale is not finite)");
  }
  // Relative, not absolute: prices near 1e-200 have a tiny but real spread.
  if (out.scale <= kConstantSpread * max_abs) out.scale = 1.0;  // constant: shift only
  return out;
}

std::string column_label(const std::vector<std::string>& names, size_t c) {
  if (c < names.size()) return "column '" + names[c] + "'";
  return "column " + std::to_string(c);
}

// Field `key` of a scaler document: an array of finite numbers.
std::vector<double> read_numbers(const nlohmann::json& j, const char* key, std::string_view where) {
  const std::string at = std::string(where) + ": \"" + key + "\"";
  if (!j.contains(key)) throw ValueError(at + " is missing");
  const nlohmann::json& array = j.at(key);
  if (!array.is_array()) throw ValueError(at + " must be an array of numbers");
  std::vector<double> out;
  for (size_t c = 0; c < array.size(); ++c) {
    const nlohmann::json& v = array[c];
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      const std::string shown = v.is_number() ? format_number(v.get<double>()) : v.dump();
      throw ValueError(at + " of column " + std::to_string(c) + " is " + shown +
                       ", expected a finite number");
    }
    out.push_back(v.get<double>());
  }
  return out;
}

using ColumnMap = double (Scaler::*)(size_t, double) const;

std::vector<std::vector<double>> map_columns(const Scaler& s,
                                             const std::vector<std::vector<double>>& columns,
                                             ColumnMap f) {
  if (columns.size() != s.size()) {
    throw ValueError("scaler: fitted on " + std::to_string(s.size()) + " columns, given " +
                     std::to_string(columns.size()));
  }
  std::vector<std::vector<double>> out = columns;
  for (size_t c = 0; c < out.size(); ++c) {
    for (double& v : out[c]) v = (s.*f)(c, v);
  }
  return out;
}

}  // namespace

std::string scaler_kind_name(ScalerKind kind) {
  switch (kind) {
    case ScalerKind::kNone:
      return "none";
    case ScalerKind::kStandard:
      return "standard";
    case ScalerKind::kMinMax:
      return "minmax";
    case ScalerKind::kRobust:
      return "robust";
  }
  throw ValueError("unknown ScalerKind");
}

ScalerKind parse_scaler_kind(std::string_view name) {
  for (ScalerKind k :
       {ScalerKind::kNone, ScalerKind::kStandard, ScalerKind::kMinMax, ScalerKind::kRobust}) {
    if (name == scaler_kind_name(k)) return k;
  }
  throw ValueError("unknown scaler '" + std::string(name) +
                   "' (expected none, standard, minmax or robust)");
}

Scaler Scaler::fit(ScalerKind kind, const std::vector<std::vector<double>>& columns, RowRange rows,
                   const std::vector<std::string>& names) {
  Scaler s;
  s.kind_ = kind;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (rows.empty() || rows.end > columns[c].size()) {
      throw ValueError("scaler: cannot fit on rows [" + std::to_string(rows.begin) + ", " +
                       std::to_string(rows.end) + ") of a column of " +
                       std::to_string(columns[c].size()) + " rows");
    }
    const std::span<const double> x(columns[c].data() + rows.begin, rows.size());
    for (size_t r = 0; r < x.size(); ++r) {
      if (!std::isfinite(x[r])) {
        throw ValueError("scaler: " + column_label(names, c) + " has a non-finite value at row " +
                         std::to_string(rows.begin + r));
      }
    }
    const Affine a = fit_column(kind, x, column_label(names, c));
    s.center_.push_back(a.center);
    s.scale_.push_back(a.scale);
  }
  return s;
}

Scaler Scaler::fit(ScalerKind kind, std::span<const double> column, RowRange rows,
                   const std::string& name) {
  return fit(kind, std::vector<std::vector<double>>{{column.begin(), column.end()}}, rows,
             name.empty() ? std::vector<std::string>{} : std::vector<std::string>{name});
}

std::vector<std::vector<double>> Scaler::transform(
    const std::vector<std::vector<double>>& columns) const {
  return map_columns(*this, columns, &Scaler::transform);
}

std::vector<std::vector<double>> Scaler::inverse(
    const std::vector<std::vector<double>>& columns) const {
  return map_columns(*this, columns, &Scaler::inverse);
}

nlohmann::json Scaler::to_json() const {
  return {{"kind", scaler_kind_name(kind_)}, {"center", center_}, {"scale", scale_}};
}

Scaler Scaler::from_json(const nlohmann::json& j, std::string_view where) {
  const std::string at(where);
  if (!j.is_object()) throw ValueError(at + ": expected an object with kind, center and scale");
  if (!j.contains("kind") || !j.at("kind").is_string()) {
    throw ValueError(at + ": \"kind\" must be one of none, standard, minmax, robust");
  }
  Scaler s;
  try {
    s.kind_ = parse_scaler_kind(j.at("kind").get<std::string>());
  } catch (const ValueError& e) {
    throw ValueError(at + ": " + e.what());
  }
  s.center_ = read_numbers(j, "center", where);
  s.scale_ = read_numbers(j, "scale", where);
  if (s.center_.size() != s.scale_.size()) {
    throw ValueError(at + ": " + std::to_string(s.center_.size()) + " centers but " +
                     std::to_string(s.scale_.size()) + " scales");
  }
  for (size_t c = 0; c < s.size(); ++c) {
    if (!(s.scale_[c] > 0.0)) {
      throw ValueError(at + ": \"scale\" of column " + std::to_string(c) + " is " +
                       format_number(s.scale_[c]) + ", expected a positive number");
    }
  }
  return s;
}

}  // namespace recur::data
