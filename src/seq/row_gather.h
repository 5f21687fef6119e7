// Internal: the one differentiable operation behind padding and packing. Every output row (a
// slice over the trailing "feature" dimensions) is either a copy of one row of one source tensor
// or padding. Backward sends each output row's gradient back to the row it came from.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur::seq_detail {

// Where an output row comes from: row `row` (counted in feature rows) of sources[source], or
// padding when source < 0.
struct RowRef {
  int64_t source = -1;
  int64_t row = 0;
};
inline constexpr RowRef kPaddingRow{-1, 0};

// Builds a tensor of out_shape whose numel is rows.size() * row_size from the listed rows.
// Each source row may appear at most once (padding and packing are injective), which keeps the
// backward a plain scatter. `name` names the autograd node.
Tensor gather_rows(const char* name, const std::vector<Tensor>& sources, int64_t row_size,
                   const std::vector<RowRef>& rows, const Shape& out_shape, float padding_value);

}  // namespace recur::seq_detail
