// LayerNorm over the trailing normalized_shape dimensions, as torch.nn.LayerNorm: biased
// variance, eps inside the square root, and (when elementwise_affine) a weight initialised to ones
// and a bias to zeros.
#pragma once

#include "recur/nn/module.h"

namespace recur::nn {

class LayerNorm : public Module {
 public:
  explicit LayerNorm(Shape normalized_shape, float eps = 1e-5f, bool elementwise_affine = true);

  std::string type_name() const override { return "LayerNorm"; }
  // x [..., normalized_shape] -> same shape; ShapeError naming the layer otherwise.
  Tensor forward(const Tensor& x) const;

  const Shape& normalized_shape() const { return normalized_shape_; }
  float eps() const { return eps_; }

  Tensor weight;  // normalized_shape, undefined without elementwise_affine
  Tensor bias;

 private:
  Shape normalized_shape_;
  float eps_;
};

}  // namespace recur::nn
