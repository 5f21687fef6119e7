// Internal: the reductions shared by the losses. Forward turns per-element losses into the
// requested result; LossGrad gives, in backward, the upstream gradient that reached element i.
#pragma once

#include <cstdint>
#include <limits>

#include "recur/ops/loss.h"

namespace recur::ops_detail {

// None: the per-element tensor itself. Sum/Mean: a rank-0 tensor (sum in double; Mean
// divides by `divisor`, by default the element count; NaN for a zero divisor, as PyTorch).
inline Tensor reduce_loss(const Tensor& per, Reduction reduction, double divisor = -1.0) {
  if (reduction == Reduction::None) return per;
  double total = 0.0;
  for (float v : per.span()) total += v;
  if (reduction == Reduction::Mean) {
    const double n = divisor < 0.0 ? static_cast<double>(per.numel()) : divisor;
    total = n == 0.0 ? std::numeric_limits<double>::quiet_NaN() : total / n;
  }
  return Tensor::scalar(static_cast<float>(total));
}

class LossGrad {
 public:
  LossGrad(const Tensor& grad_output, Reduction reduction, int64_t count, double divisor = -1.0)
      : per_element_(reduction == Reduction::None), per_(grad_output.data()) {
    if (!per_element_) {
      const double n = divisor < 0.0 ? static_cast<double>(count) : divisor;
      const double g = grad_output.item();
      all_ = static_cast<float>(reduction == Reduction::Sum ? g
                                : n == 0.0 ? std::numeric_limits<double>::quiet_NaN()
                                           : g / n);
    }
  }
  float at(int64_t i) const { return per_element_ ? per_[i] : all_; }

 private:
  bool per_element_;
  const float* per_;
  float all_ = 0.0f;
};

}  // namespace recur::ops_detail
