// Loss functions with PyTorch's semantics and reductions. Prediction and target shapes must be
// equal (no silent broadcasting: ShapeError naming both shapes). Reduction::Mean over zero
// elements is NaN, as in PyTorch. Targets are differentiable for the regression losses and for
// binary_cross_entropy_with_logits; class weights, pos_weight and masks are constants.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/index_tensor.h"
#include "recur/tensor/tensor.h"

namespace recur {

enum class Reduction { None, Mean, Sum };

Tensor mse_loss(const Tensor& pred, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& pred, const Tensor& target, Reduction reduction = Reduction::Mean);
// 0.5 d^2 where |d| < delta, else delta * (|d| - 0.5 delta); delta > 0.
Tensor huber_loss(const Tensor& pred, const Tensor& target, float delta = 1.0f,
                  Reduction reduction = Reduction::Mean);
// Stable -[pw * t * log(sigmoid(x)) + (1 - t) * log(1 - sigmoid(x))]; pos_weight (optional)
// broadcasts against logits, typically [C] for logits [..., C].
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        Reduction reduction = Reduction::Mean,
                                        const Tensor& pos_weight = Tensor());

struct CrossEntropyOptions {
  int64_t ignore_index = -100;  // targets equal to this contribute nothing
  Reduction reduction = Reduction::Mean;
  Tensor weight;              // [C] class weights, optional
  float label_smoothing = 0;  // in [0, 1]
  Tensor mask;                // [N] of 0/1, optional: 0 ignores the position like ignore_index
};

// logits [N, C] (or [..., C], flattened to N rows) and N class indices in [0, C). Mean divides
// by the number of kept positions, or by the sum of their targets' class weights when weight
// is given (as PyTorch). Reduction::None returns the per-position loss, shape logits[:-1], with
// 0 at ignored positions.
Tensor cross_entropy(const Tensor& logits, const std::vector<int64_t>& targets,
                     const CrossEntropyOptions& options = {});
// The same with targets shaped like logits without the class dim ([N] for [N, C], [T, B] for
// [T, B, C]): any other shape is a ShapeError naming both.
Tensor cross_entropy(const Tensor& logits, const IndexTensor& targets,
                     const CrossEntropyOptions& options = {});

}  // namespace recur
