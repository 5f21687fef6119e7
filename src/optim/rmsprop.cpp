#include "recur/optim/rmsprop.h"

#include <cmath>

namespace recur::optim {

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : RMSprop(std::vector<ParamGroup>{{std::move(params), {}, {}}}, options) {}

RMSprop::RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& options)
    : Optimizer(std::move(groups), options.lr, options.weight_decay), options_(options) {
  check_hyper("lr", options.lr);
  check_hyper("eps", options.eps);
  check_hyper("alpha", options.alpha);
  check_hyper("momentum", options.momentum);
  check_hyper("weight_decay", options.weight_decay);
}

void RMSprop::update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) {
  const double alpha = options_.alpha;
  const double momentum = options_.momentum;
  float* sq = buffer(state, "square_avg", param).data();
  float* ga = options_.centered ? buffer(state, "grad_avg", param).data() : nullptr;
  float* buf = momentum > 0.0 ? buffer(state, "momentum_buffer", param).data() : nullptr;
  float* p = param.data();
  const float* g = grad.data();
  for (int64_t i = 0; i < param.numel(); ++i) {
    const double gi = g[i] + group.weight_decay * p[i];
    const double sqi = alpha * sq[i] + (1.0 - alpha) * gi * gi;
    sq[i] = static_cast<float>(sqi);
    double var = sqi;
    if (ga) {
      const double gai = alpha * ga[i] + (1.0 - alpha) * gi;
      ga[i] = static_cast<float>(gai);
      var -= gai * gai;
    }
    const double avg = std::sqrt(var) + options_.eps;
    if (buf) {
      const double b = momentum * buf[i] + gi / avg;
      buf[i] = static_cast<float>(b);
      p[i] = static_cast<float>(p[i] - group.lr * b);
    } else {
      p[i] = static_cast<float>(p[i] - group.lr * gi / avg);
    }
  }
}

}  // namespace recur::optim
