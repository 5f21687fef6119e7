// Linear: y = x W^T + b over the last dimension, as torch.nn.Linear (weight [out, in], bias
// [out]; both initialised U(-1/sqrt(in), 1/sqrt(in)), PyTorch's default).
//
//   auto fc = std::make_shared<nn::Linear>(128, 10, /*bias=*/true, gen);
//   Tensor logits = fc->forward(x);  // x [..., 128] -> [..., 10]
#pragma once

#include "recur/nn/module.h"

namespace recur::nn {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true,
         Generator& gen = default_generator());

  std::string type_name() const override { return "Linear"; }
  // x [..., in_features] -> [..., out_features]; ShapeError naming the layer otherwise.
  Tensor forward(const Tensor& x) const;
  // Re-draws the weights with PyTorch's default initialisation.
  void reset_parameters(Generator& gen);

  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }

  Tensor weight;  // [out_features, in_features]
  Tensor bias;    // [out_features], undefined without bias

 private:
  int64_t in_features_;
  int64_t out_features_;
};

}  // namespace recur::nn
