#include "recur/ops/reduction.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "dims.h"
#include "op_node.h"

namespace recur {

namespace {

using ops_detail::Grads;

// 1/n, or NaN for n == 0 so that the mean of nothing is NaN as in PyTorch.
float inverse_count(int64_t n) {
  return n == 0 ? std::numeric_limits<float>::quiet_NaN() : 1.0f / static_cast<float>(n);
}

// Sum (or mean) of all elements, as a rank-0 tensor.
Tensor total(const Tensor& x, bool mean) {
  double acc = 0.0;  // double so long sums do not drift
  const float* px = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) acc += px[i];
  if (mean) acc = x.numel() == 0 ? std::numeric_limits<double>::quiet_NaN() : acc / x.numel();
  Tensor y = Tensor::scalar(static_cast<float>(acc));
  const float scale = mean ? inverse_count(x.numel()) : 1.0f;
  ops_detail::record(mean ? "MeanBackward" : "SumBackward", {x}, {&y},
                     [shape = x.shape(), scale](const Grads& g, const Node&) {
                       return Grads{Tensor::full(shape, g[0].item() * scale)};
                     });
  return y;
}

// Sum (or mean) along one dimension.
Tensor scaled_sum_along(const Tensor& x, int64_t dim, bool keepdim, bool mean) {
  const int64_t axis = ops_detail::normalize_dim(dim, x.dim(), mean ? "mean" : "sum");
  const ops_detail::AxisView v = ops_detail::axis_view(x.shape(), axis);
  const float scale = mean ? inverse_count(v.size) : 1.0f;          // for backward
  const double divisor = mean ? static_cast<double>(v.size) : 1.0;  // 0/0 = NaN, as PyTorch
  Shape out_shape = x.shape();
  if (keepdim)
    out_shape[static_cast<size_t>(axis)] = 1;
  else
    out_shape.erase(out_shape.begin() + axis);
  Tensor y = Tensor::empty(out_shape);
  const float* px = x.data();
  float* py = y.data();
  std::vector<double> acc(static_cast<size_t>(v.inner));
  for (int64_t o = 0; o < v.outer; ++o) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t k = 0; k < v.size; ++k) {
      const float* row = px + (o * v.size + k) * v.inner;
      for (int64_t i = 0; i < v.inner; ++i) acc[static_cast<size_t>(i)] += row[i];
    }
    for (int64_t i = 0; i < v.inner; ++i) {
      py[o * v.inner + i] = static_cast<float>(acc[static_cast<size_t>(i)] / divisor);
    }
  }
  const char* name = mean ? "MeanDimBackward" : "SumDimBackward";
  ops_detail::record(name, {x}, {&y}, [shape = x.shape(), v, scale](const Grads& g, const Node&) {
    Tensor dx = Tensor::empty(shape);
    const float* pg = g[0].data();
    float* pd = dx.data();
    for (int64_t o = 0; o < v.outer; ++o) {
      for (int64_t k = 0; k < v.size; ++k) {
        float* row = pd + (o * v.size + k) * v.inner;
        for (int64_t i = 0; i < v.inner; ++i) row[i] = pg[o * v.inner + i] * scale;
      }
    }
    return Grads{dx};
  });
  return y;
}

}  // namespace

Tensor sum(const Tensor& x) { return total(x, false); }

Tensor sum(const Tensor& x, int64_t dim, bool keepdim) {
  return scaled_sum_along(x, dim, keepdim, false);
}

Tensor mean(const Tensor& x) { return total(x, true); }

Tensor mean(const Tensor& x, int64_t dim, bool keepdim) {
  return scaled_sum_along(x, dim, keepdim, true);
}

}  // namespace recur
