#include "broadcast.h"

#include <algorithm>
#include <string>

namespace recur::ops_detail {

BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const char* op) {
  const size_t rank = std::max(a.size(), b.size());
  auto size_at = [rank](const Shape& s, size_t d) {  // d indexes the right-aligned result
    const size_t pad = rank - s.size();
    return d < pad ? int64_t{1} : s[d - pad];
  };
  BroadcastPlan plan;
  plan.out_shape.resize(rank);
  struct Merged {
    int64_t size;
    bool bcast_a, bcast_b;
  };
  std::vector<Merged> merged;
  for (size_t d = 0; d < rank; ++d) {
    const int64_t sa = size_at(a, d);
    const int64_t sb = size_at(b, d);
    if (sa != sb && sa != 1 && sb != 1) {
      throw ShapeError(std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                       " cannot be broadcast");
    }
    const int64_t so = sa == 1 ? sb : sa;
    plan.out_shape[d] = so;
    if (so == 1) continue;  // contributes nothing to any index
    const bool ba = sa == 1;
    const bool bb = sb == 1;
    if (!merged.empty() && merged.back().bcast_a == ba && merged.back().bcast_b == bb) {
      merged.back().size *= so;
    } else {
      merged.push_back({so, ba, bb});
    }
  }
  plan.out_numel = shape_numel(plan.out_shape);
  const size_t m = merged.size();
  plan.sizes.resize(m);
  plan.stride_a.resize(m);
  plan.stride_b.resize(m);
  int64_t next_a = 1;
  int64_t next_b = 1;
  for (size_t d = m; d-- > 0;) {
    plan.sizes[d] = merged[d].size;
    plan.stride_a[d] = merged[d].bcast_a ? 0 : next_a;
    plan.stride_b[d] = merged[d].bcast_b ? 0 : next_b;
    if (!merged[d].bcast_a) next_a *= merged[d].size;
    if (!merged[d].bcast_b) next_b *= merged[d].size;
  }
  return plan;
}

Tensor reduce_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const BroadcastPlan plan = plan_broadcast(shape, grad.shape(), "reduce_to_shape");
  if (plan.out_shape != grad.shape()) {
    throw ShapeError("reduce_to_shape: " + shape_str(shape) + " does not broadcast to " +
                     shape_str(grad.shape()));
  }
  Tensor out = Tensor::zeros(shape);
  float* po = out.data();
  const float* pg = grad.data();
  for_each_run(plan, [&](int64_t o, int64_t ia, int64_t, int64_t n, int64_t sa, int64_t) {
    if (sa == 0) {
      // Whole run folds into one element: accumulate in double for long broadcast runs.
      double acc = 0.0;
      for (int64_t i = 0; i < n; ++i) acc += pg[o + i];
      po[ia] += static_cast<float>(acc);
    } else {
      for (int64_t i = 0; i < n; ++i) po[ia + i] += pg[o + i];
    }
  });
  return out;
}

}  // namespace recur::ops_detail
