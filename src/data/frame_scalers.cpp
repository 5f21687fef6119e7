#include "recur/data/frame_scalers.h"

#include <nlohmann/json.hpp>

#include "recur/data/targets.h"
#include "recur/tensor/error.h"

namespace recur::data {

FrameScalers FrameScalers::fit(const FeatureFrame& frame, RowRange train, ScalerKind input_kind,
                               ScalerKind target_kind) {
  return {Scaler::fit(input_kind, frame.inputs, train, frame.names),
          Scaler::fit(target_kind, frame.target, train,
                      "target (" + target_kind_name(frame.target_kind) + ")")};
}

FeatureFrame FrameScalers::apply(const FeatureFrame& frame) const {
  if (frame.num_inputs() != inputs.size() || target.size() != 1) {
    throw ValueError("scalers fitted on " + std::to_string(inputs.size()) +
                     " inputs cannot scale a frame of " + std::to_string(frame.num_inputs()) +
                     " inputs from " + frame.source);
  }
  FeatureFrame out = frame;
  out.inputs = inputs.transform(frame.inputs);
  const std::vector<std::vector<double>> target_column = {frame.target};
  out.target = target.transform(target_column).front();
  return out;
}

std::vector<double> FrameScalers::to_prices(TargetKind kind, double last_price,
                                            std::span<const float> scaled_prediction) const {
  std::vector<double> values(scaled_prediction.size());
  for (size_t k = 0; k < values.size(); ++k) values[k] = target.inverse(0, scaled_prediction[k]);
  return data::to_prices(kind, last_price, values);
}

nlohmann::json FrameScalers::to_json() const {
  return {{"inputs", inputs.to_json()}, {"target", target.to_json()}};
}

FrameScalers FrameScalers::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("inputs") || !j.contains("target")) {
    throw ValueError("scalers JSON: expected an object with \"inputs\" and \"target\"");
  }
  return {Scaler::from_json(j["inputs"], "scalers JSON: \"inputs\""),
          Scaler::from_json(j["target"], "scalers JSON: \"target\"")};
}

}  // namespace recur::data
