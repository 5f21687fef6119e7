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

// Element-wise in float, in the order of PyTorch's single-tensor Adam (mul_, add_, addcmul_,
// sqrt, div, add_, addcdiv_), with the per-step scalars computed in double as Python does.
void Adam::update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) {
  const double t = static_cast<double>(state.step);
  const float beta1 = static_cast<float>(options_.beta1);
  const float beta2 = static_cast<float>(options_.beta2);
  const float one_minus_beta1 = static_cast<float>(1.0 - options_.beta1);
  const float one_minus_beta2 = static_cast<float>(1.0 - options_.beta2);
  const float step_size = static_cast<float>(group.lr / (1.0 - std::pow(options_.beta1, t)));
  const float bias_correction2_sqrt =
      static_cast<float>(std::sqrt(1.0 - std::pow(options_.beta2, t)));
  const float decay = static_cast<float>(decoupled_ ? 1.0 - group.lr * group.weight_decay : 1.0);
  const float l2 = static_cast<float>(decoupled_ ? 0.0 : group.weight_decay);
  const float eps = static_cast<float>(options_.eps);

  float* m = buffer(state, "exp_avg", param).data();
  float* v = buffer(state, "exp_avg_sq", param).data();
  float* v_max = options_.amsgrad ? buffer(state, "max_exp_avg_sq", param).data() : nullptr;
  float* p = param.data();
  const float* g = grad.data();
  const int64_t n = param.numel();
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float pi = p[i] * decay;
    const float gi = g[i] + l2 * pi;
    m[i] = m[i] * beta1 + one_minus_beta1 * gi;
    v[i] = v[i] * beta2 + one_minus_beta2 * gi * gi;
  }
  const float* second = v;
  if (v_max != nullptr) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) v_max[i] = std::max(v_max[i], v[i]);
    second = v_max;
  }
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float denom = std::sqrt(second[i]) / bias_correction2_sqrt + eps;
    p[i] = p[i] * decay - step_size * (m[i] / denom);
  }
}

}  // namespace recur::optim
