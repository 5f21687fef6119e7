// Adam and AdamW, exactly torch.optim.Adam / AdamW (1.13), including AMSGrad:
//   Adam:  g = grad + weight_decay * p            (L2 penalty folded into the gradient)
//   AdamW: p *= 1 - lr * weight_decay             (decoupled decay, before the moments)
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2                (amsgrad: v = v_max = max(v_max, v))
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
#pragma once

#include "recur/optim/optimizer.h"

namespace recur::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
};

// The same options with PyTorch's AdamW default decay.
struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});
  Adam(std::vector<ParamGroup> groups, const AdamOptions& options = {});

  std::string type_name() const override { return decoupled_ ? "AdamW" : "Adam"; }
  const AdamOptions& options() const { return options_; }

 protected:
  // For AdamW: weight decay applied to the parameter instead of the gradient.
  Adam(std::vector<ParamGroup> groups, const AdamOptions& options, bool decoupled_weight_decay);

 private:
  void update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) override;

  AdamOptions options_;
  bool decoupled_;
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = {});
  AdamW(std::vector<ParamGroup> groups, const AdamWOptions& options = {});
};

}  // namespace recur::optim
