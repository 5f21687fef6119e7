// Internal: NumPy broadcasting for the elementwise ops. A BroadcastPlan aligns two shapes from
// the right, drops the dimensions where the result has size 1 and merges neighbouring dimensions
// that broadcast the same way, so the loops below run over few, long contiguous runs: the common
// cases ([B, H] + [H], [B, H] * [B, 1], equal shapes) become one or two plain loops.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur::ops_detail {

struct BroadcastPlan {
  Shape out_shape;
  int64_t out_numel = 0;
  // Merged dimensions of the result, outermost first, with each operand's stride along them
  // (0 where that operand is broadcast). The innermost one is the run handed to callbacks.
  std::vector<int64_t> sizes;
  std::vector<int64_t> stride_a;
  std::vector<int64_t> stride_b;
};

// ShapeError "<op>: shapes [2, 3] and [4] cannot be broadcast" when incompatible.
BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const char* op);

// Calls fn(out, a, b, n, step_a, step_b) for each contiguous run of n result elements: result
// element out + i comes from a[a + i * step_a] and b[b + i * step_b], i in [0, n).
template <class Fn>
void for_each_run(const BroadcastPlan& plan, Fn&& fn) {
  if (plan.out_numel == 0) return;
  const size_t rank = plan.sizes.size();
  if (rank == 0) {
    fn(int64_t{0}, int64_t{0}, int64_t{0}, int64_t{1}, int64_t{0}, int64_t{0});
    return;
  }
  const int64_t n = plan.sizes[rank - 1];
  const int64_t step_a = plan.stride_a[rank - 1];
  const int64_t step_b = plan.stride_b[rank - 1];
  std::vector<int64_t> counter(rank - 1, 0);
  int64_t a = 0;
  int64_t b = 0;
  for (int64_t out = 0; out < plan.out_numel; out += n) {
    fn(out, a, b, n, step_a, step_b);
    // Odometer increment over the outer dimensions.
    for (size_t d = rank - 1; d-- > 0;) {
      a += plan.stride_a[d];
      b += plan.stride_b[d];
      if (++counter[d] < plan.sizes[d]) break;
      a -= plan.stride_a[d] * plan.sizes[d];
      b -= plan.stride_b[d] * plan.sizes[d];
      counter[d] = 0;
    }
  }
}

// out[i] = f(a[...], b[...]) over the broadcast shape of a and b.
template <class F>
Tensor map_broadcast(const Tensor& a, const Tensor& b, const char* op, F f) {
  const BroadcastPlan plan = plan_broadcast(a.shape(), b.shape(), op);
  Tensor out = Tensor::empty(plan.out_shape);
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  for_each_run(plan, [&](int64_t o, int64_t ia, int64_t ib, int64_t n, int64_t sa, int64_t sb) {
    for (int64_t i = 0; i < n; ++i) po[o + i] = f(pa[ia + i * sa], pb[ib + i * sb]);
  });
  return out;
}

// Sums `grad` (shaped like a broadcast result) over the dimensions along which an operand of
// shape `shape` was broadcast; returns grad itself when the shapes already match.
Tensor reduce_to_shape(const Tensor& grad, const Shape& shape);

}  // namespace recur::ops_detail
