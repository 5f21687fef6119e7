#include "recur/optim/clip_grad.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace recur::optim {

namespace {

std::vector<Tensor> grads_of(const std::vector<Tensor>& params) {
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  }
  return grads;
}

// The norm_type-norm of all elements of all tensors, accumulated in double.
double total_norm(const std::vector<Tensor>& tensors, double norm_type) {
  const bool inf = std::isinf(norm_type);
  double acc = 0.0;
  for (const Tensor& t : tensors) {
    for (float v : t.span()) {
      const double a = std::abs(static_cast<double>(v));
      if (inf) {
        // max() would drop a NaN; PyTorch's max propagates it.
        acc = (std::isnan(a) || std::isnan(acc)) ? NAN : std::max(acc, a);
      } else if (norm_type == 2.0) {
        acc += a * a;
      } else {
        acc += std::pow(a, norm_type);
      }
    }
  }
  if (inf) return acc;
  return norm_type == 2.0 ? std::sqrt(acc) : std::pow(acc, 1.0 / norm_type);
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  if (!(norm_type > 0.0)) {
    throw ValueError("clip_grad_norm_: norm_type must be > 0, got " + std::to_string(norm_type));
  }
  const std::vector<Tensor> grads = grads_of(params);
  if (grads.empty()) return 0.0;
  const double norm = total_norm(grads, norm_type);
  if (error_if_nonfinite && !std::isfinite(norm)) {
    throw ValueError("clip_grad_norm_: the total norm of order " + std::to_string(norm_type) +
                     " of the gradients is non-finite, so it cannot be clipped");
  }
  // As PyTorch: always multiply, even by 1, so a NaN norm (which std::min keeps, being its first
  // argument) poisons the gradients rather than passing silently.
  const float scale = static_cast<float>(std::min(max_norm / (norm + 1e-6), 1.0));
  for (Tensor g : grads) {
    for (float& v : g.span()) v *= scale;
  }
  return norm;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  if (!(clip_value >= 0.0)) {
    throw ValueError("clip_grad_value_: clip_value must be >= 0, got " +
                     std::to_string(clip_value));
  }
  const float c = static_cast<float>(clip_value);
  for (Tensor g : grads_of(params)) {
    for (float& v : g.span()) v = std::clamp(v, -c, c);
  }
}

}  // namespace recur::optim
