// Embedding lookup: rows of weight [V, D] picked by integer indices. Only weight is
// differentiable; repeated indices add their gradients. A padding_idx >= 0 names a row that
// receives no gradient (as PyTorch's padding_idx); a negative padding_idx means none.
//
//   Tensor e = embedding(table, tokens, {T, B});   // -> [T, B, D]
//   Tensor e = embedding(table, ids);              // ids: IndexTensor [T, B] -> [T, B, D]
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/index_tensor.h"
#include "recur/tensor/tensor.h"

namespace recur {

// indices holds shape_numel(index_shape) entries in [0, V); out-of-range -> ValueError naming
// the index and its position.
Tensor embedding(const Tensor& weight, const std::vector<int64_t>& indices,
                 const Shape& index_shape, int64_t padding_idx = -1);
// The same with the indices' shape taken from the IndexTensor: [*I] -> [*I, D].
Tensor embedding(const Tensor& weight, const IndexTensor& indices, int64_t padding_idx = -1);

}  // namespace recur
