#include "recur/ops/softmax.h"

#include <algorithm>
#include <cmath>

#include "dims.h"
#include "op_node.h"

namespace recur {

namespace {

using ops_detail::AxisView;
using ops_detail::Grads;

// Calls fn(offset, n, stride) for every 1-d lane along the axis: elements offset + k * stride.
template <class Fn>
void for_each_lane(const AxisView& v, Fn&& fn) {
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t i = 0; i < v.inner; ++i) fn(o * v.size * v.inner + i, v.size, v.inner);
  }
}

// Writes (x - max) - log(sum(exp(x - max))) (log) or exp(x - max) / sum (not log) along the axis.
Tensor softmax_forward(const Tensor& x, const AxisView& v, bool log) {
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  for_each_lane(v, [&](int64_t off, int64_t n, int64_t stride) {
    float mx = -INFINITY;
    for (int64_t k = 0; k < n; ++k) mx = std::max(mx, px[off + k * stride]);
    double total = 0.0;
    for (int64_t k = 0; k < n; ++k) total += std::exp(px[off + k * stride] - mx);
    if (log) {
      // (x - max) - log(total), not x - (max + log(total)): the sum would round at max's scale.
      const float log_total = static_cast<float>(std::log(total));
      for (int64_t k = 0; k < n; ++k)
        py[off + k * stride] = (px[off + k * stride] - mx) - log_total;
    } else {
      const float inv = static_cast<float>(1.0 / total);
      for (int64_t k = 0; k < n; ++k) {
        py[off + k * stride] = std::exp(px[off + k * stride] - mx) * inv;
      }
    }
  });
  return y;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  const AxisView v =
      ops_detail::axis_view(x.shape(), ops_detail::normalize_dim(dim, x.dim(), "softmax"));
  Tensor y = softmax_forward(x, v, false);
  ops_detail::record("SoftmaxBackward", {x}, {&y},
                     [y = y.detach(), v](const Grads& g, const Node&) {
                       // dx = y * (g - sum(g * y)) along the axis.
                       Tensor dx = Tensor::empty(y.shape());
                       const float* py = y.data();
                       const float* pg = g[0].data();
                       float* pd = dx.data();
                       for_each_lane(v, [&](int64_t off, int64_t n, int64_t stride) {
                         double dot = 0.0;
                         for (int64_t k = 0; k < n; ++k)
                           dot += pg[off + k * stride] * py[off + k * stride];
                         const float d = static_cast<float>(dot);
                         for (int64_t k = 0; k < n; ++k) {
                           pd[off + k * stride] = py[off + k * stride] * (pg[off + k * stride] - d);
                         }
                       });
                       return Grads{dx};
                     });
  return y;
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  const AxisView v =
      ops_detail::axis_view(x.shape(), ops_detail::normalize_dim(dim, x.dim(), "log_softmax"));
  Tensor y = softmax_forward(x, v, true);
  ops_detail::record(
      "LogSoftmaxBackward", {x}, {&y}, [y = y.detach(), v](const Grads& g, const Node&) {
        // dx = g - softmax * sum(g) along the axis, with softmax = exp(y).
        Tensor dx = Tensor::empty(y.shape());
        const float* py = y.data();
        const float* pg = g[0].data();
        float* pd = dx.data();
        for_each_lane(v, [&](int64_t off, int64_t n, int64_t stride) {
          double total = 0.0;
          for (int64_t k = 0; k < n; ++k) total += pg[off + k * stride];
          const float t = static_cast<float>(total);
          for (int64_t k = 0; k < n; ++k) {
            pd[off + k * stride] = pg[off + k * stride] - std::exp(py[off + k * stride]) * t;
          }
        });
        return Grads{dx};
      });
  return y;
}

}  // namespace recur
