#include "recur/apps/forecast/forecast_net.h"

#include <algorithm>
#include <cmath>

#include "recur/apps/forecast/forecaster.h"
#include "recur/ops/ops.h"

namespace recur::forecast {

ForecastNet::ForecastNet(const ForecastConfig& config, int64_t num_inputs, Generator& gen)
    : model_(config.model), steps_(config.model_steps()) {
  const ModelConfig& m = config.model;
  encoder = register_module(m.cell, std::make_shared<nn::RecurrentLayer>(
                                        nn::parse_cell_type(m.cell, "model.cell"),
                                        nn::RecurrentOptions{.input_size = num_inputs,
                                                             .hidden_size = m.hidden_size,
                                                             .num_layers = m.num_layers,
                                                             .batch_first = true,
                                                             .bidirectional = m.bidirectional,
                                                             .dropout = m.dropout},
                                        gen));
  const int64_t features = m.hidden_size * (m.bidirectional ? 2 : 1);
  fc = register_module("fc",
                       std::make_shared<nn::Linear>(features, config.head_outputs(), true, gen));
}

Tensor ForecastNet::forward(const Tensor& x) {
  check_rank(x, 3, "forecast input", "[batch, window, features]");
  const Tensor out = encoder->forward(x).output;  // [B, W, D*H]
  const int64_t w = out.size(1), h = model_.hidden_size;
  Tensor last = select(out, 1, w - 1);
  if (model_.bidirectional) {
    // The reverse direction's final state is at step 0: as concatenating h_n[-2] and h_n[-1].
    last = cat({slice(last, 1, 0, h), slice(select(out, 1, 0), 1, h, 2 * h)}, 1);
  }
  return fc->forward(last);
}

Tensor ForecastNet::loss(const Tensor& out, const Tensor& y) const {
  const int64_t s = steps_;
  switch (model_.head) {
    case HeadKind::kPoint:
      return mse_loss(out, y);
    case HeadKind::kGaussian: {
      const Tensor mu = slice(out, 1, 0, s);
      const Tensor log_var = slice(out, 1, s, 2 * s);
      // 0.5 * (log sigma^2 + (y - mu)^2 / sigma^2), the constant 0.5 log(2 pi) left out.
      return mean(0.5f * (log_var + square(y - mu) * exp(-log_var)));
    }
    case HeadKind::kQuantile: {
      Tensor total;
      const auto q_count = static_cast<int64_t>(model_.quantiles.size());
      for (int64_t q = 0; q < q_count; ++q) {
        const auto tau = static_cast<float>(model_.quantiles[static_cast<size_t>(q)]);
        const Tensor e = y - slice(out, 1, q * s, (q + 1) * s);
        const Tensor pinball = mean(tau * relu(e) + (1.0f - tau) * relu(-e));
        total = total.defined() ? total + pinball : pinball;
      }
      return total / static_cast<float>(q_count);
    }
  }
  return mse_loss(out, y);
}

ScaledForecast ForecastNet::decode(const Tensor& out, int64_t b, double level) const {
  const float* row = out.data() + b * out.size(1);
  const auto s = static_cast<size_t>(steps_);
  ScaledForecast f;
  switch (model_.head) {
    case HeadKind::kPoint:
      f.mean.assign(row, row + s);
      break;
    case HeadKind::kGaussian: {
      const double z = standard_normal_quantile(0.5 + level / 2);
      for (size_t k = 0; k < s; ++k) {
        const double mu = row[k], sigma = std::exp(0.5 * row[s + k]);
        f.mean.push_back(mu);
        f.lower.push_back(mu - z * sigma);
        f.upper.push_back(mu + z * sigma);
      }
      break;
    }
    case HeadKind::kQuantile: {
      const auto& qs = model_.quantiles;
      auto block = [&](size_t q) { return row + q * s; };
      const size_t median = static_cast<size_t>(std::find(qs.begin(), qs.end(), 0.5) - qs.begin());
      const size_t lo = static_cast<size_t>(std::min_element(qs.begin(), qs.end()) - qs.begin());
      const size_t hi = static_cast<size_t>(std::max_element(qs.begin(), qs.end()) - qs.begin());
      f.mean.assign(block(median), block(median) + s);
      f.lower.assign(block(lo), block(lo) + s);
      f.upper.assign(block(hi), block(hi) + s);
      // Quantile heads are trained independently and may cross; keep the band ordered.
      for (size_t k = 0; k < s; ++k) {
        f.lower[k] = std::min(f.lower[k], f.mean[k]);
        f.upper[k] = std::max(f.upper[k], f.mean[k]);
      }
      break;
    }
  }
  return f;
}

}  // namespace recur::forecast
