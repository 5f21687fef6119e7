// What the layer-normalised cells share: PyTorch's eps, and the row kernels they are made of
// (recur/kernels/layer_norm_rows.h: moments, normalisation, its backward, the gradients' column
// sums). Private to src/nn/cells.
#pragma once

#include "recur/kernels/layer_norm_rows.h"

namespace recur::nn::detail {

constexpr float kLayerNormEps = 1e-5f;

}  // namespace recur::nn::detail
