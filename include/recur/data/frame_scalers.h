// The two scalers a forecasting model carries: one over its inputs (per input column) and one
// over its target. Both are fitted on the training split's rows only, applied to the whole frame
// before windowing, saved in config.json, and used at prediction time to turn the model's scaled
// outputs back into prices.
//
//   FrameScalers sc = FrameScalers::fit(frame, splits.train, ScalerKind::kStandard,
//                                       ScalerKind::kStandard);
//   FeatureFrame scaled = sc.apply(frame);
//   WindowSet train = make_windows(scaled, splits.train, {30, 1}, "training");
//   ... model predicts y_hat (scaled) for a sample ...
//   std::vector<double> prices = sc.to_prices(frame.target_kind, train.last_price[i], y_hat);
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <vector>

#include "recur/data/features.h"
#include "recur/data/scaler.h"
#include "recur/data/splits.h"

namespace recur::data {

struct FrameScalers {
  Scaler inputs;  // one column per frame input
  Scaler target;  // one column

  // Fitted on rows `train` of the frame only.
  static FrameScalers fit(const FeatureFrame& frame, RowRange train, ScalerKind input_kind,
                          ScalerKind target_kind);

  // A copy of the frame with inputs and target scaled; dates, price and first_valid unchanged.
  // ValueError if the frame's input count differs from the fitted one.
  FeatureFrame apply(const FeatureFrame& frame) const;

  // Scaled model outputs for consecutive horizon steps -> prices (unscale, then data::to_prices).
  std::vector<double> to_prices(TargetKind kind, double last_price,
                                std::span<const float> scaled_prediction) const;

  // {"inputs": {...}, "target": {...}} (see Scaler::to_json).
  nlohmann::json to_json() const;
  static FrameScalers from_json(const nlohmann::json& j);
};

}  // namespace recur::data
