// Differentiable reshaping, slicing and joining. Negative dims count from the end (for
// unsqueeze and stack, from the end of the result). reshape and unsqueeze/squeeze share storage
// with their input (tensors are always contiguous, so no copy is needed); the others copy.
//
//   auto gates = split(z, {H, H, H, H}, -1);     // LSTM gate pre-activations
//   Tensor last = select(outputs, 0, T - 1);     // [T, B, H] -> [B, H]
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur {

Tensor reshape(const Tensor& x, const Shape& shape);  // one -1 allowed
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
// Joins tensors whose shapes agree except along `dim`.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim);
// Pieces of the given sizes along `dim`; the sizes must add up to x.size(dim).
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim);
// [begin, end) along `dim`.
Tensor slice(const Tensor& x, int64_t dim, int64_t begin, int64_t end);
// Index `index` along `dim`, which is removed.
Tensor select(const Tensor& x, int64_t dim, int64_t index);
// The given entries along `dim` (repeats allowed; their gradients add up).
Tensor index_select(const Tensor& x, int64_t dim, const std::vector<int64_t>& indices);
Tensor unsqueeze(const Tensor& x, int64_t dim);
// Removes `dim`, which must have size 1.
Tensor squeeze(const Tensor& x, int64_t dim);
// Joins equal-shaped tensors along a new dimension `dim`.
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim);

}  // namespace recur
