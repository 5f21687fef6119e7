// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
// exactly torch.optim.SGD (1.13):
//   g = grad + weight_decay * p
//   buf = g on the first step, else momentum * buf + (1 - dampening) * g
//   g = nesterov ? g + momentum * buf : buf          (when momentum != 0)
//   p -= lr * g
#pragma once

#include "recur/optim/optimizer.h"

namespace recur::optim {

struct SGDOptions {
  double lr = 1e-3;  // PyTorch's SGD has no default lr
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;  // needs momentum > 0 and dampening == 0
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  SGD(std::vector<ParamGroup> groups, const SGDOptions& options);

  std::string type_name() const override { return "SGD"; }
  const SGDOptions& options() const { return options_; }

 private:
  void update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) override;

  SGDOptions options_;
};

}  // namespace recur::optim
