// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_. Both work in place on
// the .grad of the given tensors and ignore tensors without a gradient.
#pragma once

#include <limits>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur::optim {

// Scales all gradients by min(1, max_norm / (total_norm + 1e-6)), where total_norm is the
// norm_type-norm of all gradients together (norm_type = infinity: the largest magnitude), and
// returns total_norm (0 when no tensor has a gradient). With error_if_nonfinite, a NaN or
// infinite total norm throws ValueError before anything is scaled.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

constexpr double kInfNorm = std::numeric_limits<double>::infinity();

}  // namespace recur::optim
