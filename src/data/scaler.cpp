#include "recur/data/scaler.h"

#include <algorithm>
#include <cmath>
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

Affine fit_column(ScalerKind kind, std::span<const double> x) {
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

Scaler Scaler::fit(ScalerKind kind, const std::vector<std::vector<double>>& columns,
                   RowRange rows) {
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
        throw ValueError("scaler: column " + std::to_string(c) + " has a non-finite value at row " +
                         std::to_string(rows.begin + r));
      }
    }
    Affine a = fit_column(kind, x);
    if (!(a.scale > 0.0)) a.scale = 1.0;  // a constant column: shift only
    s.center_.push_back(a.center);
    s.scale_.push_back(a.scale);
  }
  return s;
}

Scaler Scaler::fit(ScalerKind kind, std::span<const double> column, RowRange rows) {
  return fit(kind, std::vector<std::vector<double>>{{column.begin(), column.end()}}, rows);
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

Scaler Scaler::from_json(const nlohmann::json& j) {
  Scaler s;
  try {
    s.kind_ = parse_scaler_kind(j.at("kind").get<std::string>());
    s.center_ = j.at("center").get<std::vector<double>>();
    s.scale_ = j.at("scale").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(std::string("scaler JSON: ") + e.what());
  }
  if (s.center_.size() != s.scale_.size()) {
    throw ValueError("scaler JSON: " + std::to_string(s.center_.size()) + " centers but " +
                     std::to_string(s.scale_.size()) + " scales");
  }
  for (size_t c = 0; c < s.size(); ++c) {
    if (!std::isfinite(s.center_[c]) || !(s.scale_[c] > 0.0) || !std::isfinite(s.scale_[c])) {
      throw ValueError("scaler JSON: column " + std::to_string(c) +
                       " needs a finite center and a positive finite scale");
    }
  }
  return s;
}

}  // namespace recur::data
