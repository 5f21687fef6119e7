#include "recur/nn/layer_norm.h"

#include <utility>

#include "recur/ops/normalization.h"

namespace recur::nn {

LayerNorm::LayerNorm(Shape normalized_shape, float eps, bool elementwise_affine)
    : normalized_shape_(std::move(normalized_shape)), eps_(eps) {
  if (normalized_shape_.empty()) throw ValueError("LayerNorm: normalized_shape must not be empty");
  if (!(eps > 0.0f)) throw ValueError("LayerNorm: eps must be > 0, got " + std::to_string(eps));
  if (elementwise_affine) {
    weight = register_parameter("weight", Tensor::ones(normalized_shape_));
    bias = register_parameter("bias", Tensor::zeros(normalized_shape_));
  }
}

Tensor LayerNorm::forward(const Tensor& x) const {
  const int64_t k = static_cast<int64_t>(normalized_shape_.size());
  bool ok = x.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i) ok = x.size(x.dim() - k + i) == normalized_shape_[i];
  if (!ok) {
    std::string want = shape_str(normalized_shape_);
    throw ShapeError("LayerNorm input: expected [..., " + want.substr(1) + ", got " +
                     shape_str(x.shape()));
  }
  return layer_norm(x, normalized_shape_, weight, bias, eps_);
}

}  // namespace recur::nn
