#include "recur/optim/adam.h"

#include <algorithm>
#include <cmath>

namespace recur::optim {

namespace {

AdamOptions as_adam(const AdamWOptions& o) {
  return {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.amsgrad};
}

std::vector<ParamGroup> one_group(std::vector<Tensor> params) {
  return {{std::move(params), {}, {}}};
}

}  // namespace

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(one_group(std::move(params)), options, false) {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamOptions& options)
    : Adam(std::move(groups), options, false) {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamOptions& options, bool decoupled_weight_decay)
    : Optimizer(std::move(groups), options.lr, options.weight_decay),
      options_(options),
      decoupled_(decoupled_weight_decay) {
  check_hyper("lr", options.lr);
  check_hyper("eps", options.eps);
  check_hyper("beta1", options.beta1, true);
  check_hyper("beta2", options.beta2, true);
  check_hyper("weight_decay", options.weight_decay);
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : Adam(one_group(std::move(params)), as_adam(options), true) {}

AdamW::AdamW(std::vector<ParamGroup> groups, const AdamWOptions& options)
    : Adam(std::move(groups), as_adam(options), true) {}

void Adam::update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) {
  const double beta1 = options_.beta1;
  const double beta2 = options_.beta2;
  const double t = static_cast<double>(state.step);
  const double step_size = group.lr / (1.0 - std::pow(beta1, t));
  const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2, t));
  const double decay = decoupled_ ? 1.0 - group.lr * group.weight_decay : 1.0;
  const double l2 = decoupled_ ? 0.0 : group.weight_decay;

  float* m = buffer(state, "exp_avg", param).data();
  float* v = buffer(state, "exp_avg_sq", param).data();
  float* v_max = options_.amsgrad ? buffer(state, "max_exp_avg_sq", param).data() : nullptr;
  float* p = param.data();
  const float* g = grad.data();
  for (int64_t i = 0; i < param.numel(); ++i) {
    const double pi = decay * p[i];
    const double gi = g[i] + l2 * pi;
    const double mi = beta1 * m[i] + (1.0 - beta1) * gi;
    double vi = beta2 * v[i] + (1.0 - beta2) * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    if (v_max) {
      vi = std::max<double>(v_max[i], vi);
      v_max[i] = static_cast<float>(vi);
    }
    const double denom = std::sqrt(vi) / bias_correction2_sqrt + options_.eps;
    p[i] = static_cast<float>(pi - step_size * mi / denom);
  }
}

}  // namespace recur::optim
