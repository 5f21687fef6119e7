// Per-column scaling of model inputs and targets, x' = (x - center) / scale, fitted on the
// training rows ONLY (pass the training split's range; validation and test values must never
// shape the statistics, or the scores they give are optimistic). Kinds:
//   standard   center = mean, scale = population standard deviation (as sklearn's StandardScaler)
//   minmax     center = min,  scale = max - min  (training data maps onto [0, 1])
//   robust     center = median, scale = interquartile range q75 - q25, quantiles with linear
//              interpolation (numpy's default), as sklearn's RobustScaler
//   none       center = 0, scale = 1
// A constant column gets scale 1, as sklearn does: it maps to x - center (0 on the training data)
// instead of dividing by zero. Constant means a spread of at most 1e-12 times the largest |x|
// (rounding noise), so prices near 1e-200 are scaled like any others. Statistics are computed on
// the values divided by a power of two near their largest magnitude, so neither 1e200 nor 1e-200
// overflows or underflows; a scale that still is not finite (values spanning most of the double
// range) is a ValueError naming the column. Statistics are kept in double precision and saved
// with the model through to_json / from_json.
//
//   Scaler s = Scaler::fit(ScalerKind::kStandard, frame.inputs, splits.train);
//   double z = s.transform(0, x);  double x2 = s.inverse(0, z);
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recur/data/splits.h"

namespace recur::data {

enum class ScalerKind { kNone, kStandard, kMinMax, kRobust };

std::string scaler_kind_name(ScalerKind kind);        // "none", "standard", "minmax", "robust"
ScalerKind parse_scaler_kind(std::string_view name);  // ValueError listing the names otherwise

class Scaler {
 public:
  Scaler() = default;  // no columns

  // One (center, scale) per column from rows [rows.begin, rows.end) of each column, and from
  // nothing else. ValueError on an empty range, a range past the data, a non-finite value in it
  // (the row is named) or statistics that overflow. `names` (optional, one per column) name the
  // columns in those messages.
  static Scaler fit(ScalerKind kind, const std::vector<std::vector<double>>& columns, RowRange rows,
                    const std::vector<std::string>& names = {});
  static Scaler fit(ScalerKind kind, std::span<const double> column, RowRange rows,
                    const std::string& name = "");

  ScalerKind kind() const { return kind_; }
  size_t size() const { return center_.size(); }
  const std::vector<double>& center() const { return center_; }
  const std::vector<double>& scale() const { return scale_; }

  double transform(size_t column, double x) const { return (x - center_[column]) / scale_[column]; }
  double inverse(size_t column, double z) const { return z * scale_[column] + center_[column]; }
  // Whole columns (columns.size() must equal size(); NaN stays NaN).
  std::vector<std::vector<double>> transform(const std::vector<std::vector<double>>& columns) const;
  std::vector<std::vector<double>> inverse(const std::vector<std::vector<double>>& columns) const;

  // {"kind": "standard", "center": [...], "scale": [...]}
  nlohmann::json to_json() const;
  // ValueError on a malformed document (unknown kind, a center or scale that is not a finite
  // number, lengths differ, scale <= 0), naming `where`, the field and the column.
  static Scaler from_json(const nlohmann::json& j, std::string_view where = "scaler JSON");

 private:
  ScalerKind kind_ = ScalerKind::kNone;
  std::vector<double> center_;
  std::vector<double> scale_;
};

}  // namespace recur::data
