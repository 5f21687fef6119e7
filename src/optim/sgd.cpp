#include "recur/optim/sgd.h"

namespace recur::optim {

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : SGD(std::vector<ParamGroup>{{std::move(params), {}, {}}}, options) {}

SGD::SGD(std::vector<ParamGroup> groups, const SGDOptions& options)
    : Optimizer(std::move(groups), options.lr, options.weight_decay), options_(options) {
  check_hyper("lr", options.lr);
  check_hyper("momentum", options.momentum);
  check_hyper("weight_decay", options.weight_decay);
  if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0)) {
    throw ValueError("SGD: Nesterov momentum requires a momentum and zero dampening");
  }
}

void SGD::update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) {
  const double momentum = options_.momentum;
  const double wd = group.weight_decay;
  const bool first = !state.buffers.contains("momentum_buffer");
  float* buf = momentum != 0.0 ? buffer(state, "momentum_buffer", param).data() : nullptr;
  float* p = param.data();
  const float* g = grad.data();
  for (int64_t i = 0; i < param.numel(); ++i) {
    double d = g[i] + wd * p[i];
    if (buf) {
      const double b = first ? d : momentum * buf[i] + (1.0 - options_.dampening) * d;
      buf[i] = static_cast<float>(b);
      d = options_.nesterov ? d + momentum * b : b;
    }
    p[i] = static_cast<float>(p[i] - group.lr * d);
  }
}

}  // namespace recur::optim
