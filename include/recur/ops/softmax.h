// softmax and log_softmax along one dimension, computed stably (the maximum is subtracted
// first, and log_softmax never takes the log of a rounded-to-zero probability).
#pragma once

#include <cstdint>

#include "recur/tensor/tensor.h"

namespace recur {

Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

}  // namespace recur
