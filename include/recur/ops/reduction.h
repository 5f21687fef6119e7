// Sums and means over all elements or one dimension (negative dims count from the end).
// Over all elements the result is a rank-0 tensor; the mean of no elements is NaN, as in
// PyTorch.
#pragma once

#include <cstdint>

#include "recur/tensor/tensor.h"

namespace recur {

Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int64_t dim, bool keepdim = false);

}  // namespace recur
