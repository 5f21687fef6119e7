// Internal: dimension bookkeeping shared by the ops that work along one axis. Any contiguous
// tensor viewed around axis d is a 3-d block [outer, size(d), inner], which is all that
// reductions, softmax, slicing and joining need.
#pragma once

#include <cstdint>
#include <string>

#include "recur/tensor/tensor.h"

namespace recur::ops_detail {

// Resolves a possibly negative dim against `rank`; ShapeError naming `op` when out of range.
int64_t normalize_dim(int64_t dim, int64_t rank, const char* op);

struct AxisView {
  int64_t outer = 1;
  int64_t size = 1;
  int64_t inner = 1;
};
AxisView axis_view(const Shape& shape, int64_t axis);  // axis already normalised

}  // namespace recur::ops_detail
