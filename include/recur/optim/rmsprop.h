// RMSprop, exactly torch.optim.RMSprop (1.13):
//   g = grad + weight_decay * p
//   sq = alpha sq + (1 - alpha) g^2
//   centered: ga = alpha ga + (1 - alpha) g;  avg = sqrt(sq - ga^2) + eps
//   otherwise: avg = sqrt(sq) + eps
//   momentum > 0: buf = momentum buf + g / avg;  p -= lr buf
//   otherwise:    p -= lr g / avg
#pragma once

#include "recur/optim/optimizer.h"

namespace recur::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = {});
  RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& options = {});

  std::string type_name() const override { return "RMSprop"; }
  const RMSpropOptions& options() const { return options_; }

 private:
  void update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) override;

  RMSpropOptions options_;
};

}  // namespace recur::optim
