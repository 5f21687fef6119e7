#include "recur/nn/dropout.h"

#include "recur/ops/dropout.h"

namespace recur::nn {

Dropout::Dropout(float p, Generator& gen) : p_(p), gen_(&gen) {
  if (!(p >= 0.0f && p < 1.0f)) {
    throw ValueError("Dropout: p must be in [0, 1), got " + std::to_string(p));
  }
}

Tensor Dropout::forward(const Tensor& x) const { return dropout(x, p_, is_training(), *gen_); }

}  // namespace recur::nn
