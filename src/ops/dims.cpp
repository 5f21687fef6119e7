#include "dims.h"

namespace recur::ops_detail {

int64_t normalize_dim(int64_t dim, int64_t rank, const char* op) {
  const int64_t axis = dim < 0 ? dim + rank : dim;
  if (axis < 0 || axis >= rank) {
    throw ShapeError(std::string(op) + ": dim " + std::to_string(dim) +
                     " out of range for a tensor of rank " + std::to_string(rank));
  }
  return axis;
}

AxisView axis_view(const Shape& shape, int64_t axis) {
  AxisView v;
  for (int64_t i = 0; i < static_cast<int64_t>(shape.size()); ++i) {
    if (i < axis)
      v.outer *= shape[i];
    else if (i == axis)
      v.size = shape[i];
    else
      v.inner *= shape[i];
  }
  return v;
}

}  // namespace recur::ops_detail
