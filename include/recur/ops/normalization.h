// Layer normalisation over the trailing dimensions given by normalized_shape, as
// torch.nn.functional.layer_norm: (x - mean) / sqrt(var + eps) * weight + bias, with the biased
// variance. weight and bias have shape normalized_shape and may be undefined.
#pragma once

#include "recur/tensor/tensor.h"

namespace recur {

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), float eps = 1e-5f);

}  // namespace recur
