// Dropout: during training zeroes each element with probability p and scales the survivors by
// 1/(1-p) (inverted dropout, as torch.nn.Dropout); the identity in eval mode. Masks are drawn
// from the Generator given at construction, which must outlive the module.
#pragma once

#include "recur/nn/module.h"

namespace recur::nn {

class Dropout : public Module {
 public:
  // p in [0, 1), ValueError otherwise.
  explicit Dropout(float p = 0.5f, Generator& gen = default_generator());

  std::string type_name() const override { return "Dropout"; }
  Tensor forward(const Tensor& x) const;
  float p() const { return p_; }

 private:
  float p_;
  Generator* gen_;
};

}  // namespace recur::nn
