// ForecastNet: the forecasting network, the tutorial's StockForecaster generalised: a recurrent
// encoder (LSTM, GRU or RNN; stacked, optionally bidirectional) reads a window [B, W, F]
// (batch_first) and a linear head maps its last hidden state to the forecast. Parameter names are
// the tutorial's ("lstm.weight_ih_l0", ..., "fc.weight", "fc.bias"), so its PyTorch weights load.
//
// The head's outputs, per sample, for S predicted steps:
//   point      [S]        the scaled target of each step; trained with MSE
//   gaussian   [2S]       S means, then S log-variances; Gaussian negative log-likelihood
//   quantile   [Q*S]      quantile-major: Q blocks of S values; pinball loss averaged over Q
#pragma once

#include <memory>

#include "recur/apps/forecast/forecast_config.h"
#include "recur/nn/linear.h"
#include "recur/nn/module.h"
#include "recur/nn/recurrent_layer.h"

namespace recur::forecast {

// One sample's forecast in the scaled target space: S means, and bounds when the head has them.
struct ScaledForecast {
  std::vector<double> mean;
  std::vector<double> lower;  // empty for the point head
  std::vector<double> upper;
};

class ForecastNet : public nn::Module {
 public:
  ForecastNet(const ForecastConfig& config, int64_t num_inputs, Generator& gen);
  std::string type_name() const override { return "ForecastNet"; }

  // x [B, W, F] -> [B, head outputs]
  Tensor forward(const Tensor& x);
  // The training loss of outputs `out` against scaled targets y [B, S].
  Tensor loss(const Tensor& out, const Tensor& y) const;
  // Row b of `out` decoded; `level` is the central interval's nominal coverage (gaussian head;
  // the quantile head uses its outermost quantiles).
  ScaledForecast decode(const Tensor& out, int64_t b, double level) const;

  std::shared_ptr<nn::RecurrentLayer> encoder;
  std::shared_ptr<nn::Linear> fc;

 private:
  ModelConfig model_;
  int64_t steps_;
};

}  // namespace recur::forecast
