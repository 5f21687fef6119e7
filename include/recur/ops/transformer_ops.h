// Fused pieces of the Transformer encoder's step, each one autograd node, for what the layer
// does millions of times per batch:
//
//   add_layer_norm   layer_norm(x + residual) over the last dimension (PyTorch's post-norm
//                    "norm1(x + sa(x))"), one pass per row in float with vectorised loops; the
//                    sum is never stored, and its gradient reaches both inputs.
//   hashed_dropout   inverted dropout (as recur::dropout: zero with probability p, survivors
//                    scaled by 1/(1-p)) whose mask is a counter-based hash (splitmix64) of one
//                    64-bit key drawn from the Generator and the element's index, instead of one
//                    Mersenne Twister draw per element: the same distribution (24-bit uniforms
//                    against p), reproducible from the seed, about ten times cheaper to draw and
//                    vectorised. A Transformer step draws millions of these (the attention
//                    weights alone are B * H * T * T), where the per-element draws cost more
//                    than the layer's elementwise maths. The masks differ from recur::dropout's
//                    for the same seed.
//   linear_activation  relu or gelu of x W^T + b (the feed-forward block's first half): the bias
//                    and the activation in one pass over the GEMM's output, row by row while it
//                    is in cache, and one node whose backward takes the activation's derivative
//                    straight into the two GEMMs.
#pragma once

#include <cstdint>

#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur {

// layer_norm(x + residual) over the last dimension with weight and bias [N] (either may be
// undefined); residual undefined means plain layer_norm(x). Biased variance, eps inside the
// square root, as torch.nn.LayerNorm. ShapeError naming the tensor for mismatched shapes.
Tensor add_layer_norm(const Tensor& x, const Tensor& residual, const Tensor& weight,
                      const Tensor& bias, float eps = 1e-5f);

enum class FeedForwardActivation { Relu, Gelu };

// act(x W^T + b): x [..., in], weight [out, in], bias [out] (may be undefined) -> [..., out].
// ShapeError naming the tensor otherwise.
Tensor linear_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                         FeedForwardActivation activation);

// Fills mask[0, n) with 0 (probability p) or 1/(1-p), from one key drawn from gen.
void hashed_dropout_mask(float* mask, int64_t n, float p, Generator& gen);

// x * mask while training with p > 0 (mask from hashed_dropout_mask); x itself otherwise.
// p in [0, 1), ValueError otherwise.
Tensor hashed_dropout(const Tensor& x, float p, bool training, Generator& gen);

}  // namespace recur
