#include "recur/nn/sequential.h"

namespace recur::nn {

Tensor Sequential::forward(const Tensor& x) const {
  Tensor y = x;
  for (const auto& step : steps_) y = step(y);
  return y;
}

size_t Sequential::checked_index(size_t i) const {
  if (i >= steps_.size()) {
    throw ValueError("Sequential: index " + std::to_string(i) + " out of range for " +
                     std::to_string(steps_.size()) + " modules");
  }
  return i;
}

}  // namespace recur::nn
