// Internal: loops over equal-shaped tensors, used by the forward and backward passes of the
// elementwise ops (the lambdas inline, so there is no per-element indirect call).
#pragma once

#include <cstdint>

#include "recur/tensor/tensor.h"

namespace recur::ops_detail {

// out[i] = f(x[i])
template <class F>
Tensor map_unary(const Tensor& x, F f) {
  Tensor out = Tensor::empty(x.shape());
  const float* px = x.data();
  float* po = out.data();
  const int64_t n = x.numel();
  for (int64_t i = 0; i < n; ++i) po[i] = f(px[i]);
  return out;
}

// out[i] = f(a[i], b[i]) for tensors with the same number of elements.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F f) {
  Tensor out = Tensor::empty(a.shape());
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  const int64_t n = a.numel();
  for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
  return out;
}

// out[i] = f(a[i], b[i], c[i]).
template <class F>
Tensor zip3(const Tensor& a, const Tensor& b, const Tensor& c, F f) {
  Tensor out = Tensor::empty(a.shape());
  const float* pa = a.data();
  const float* pb = b.data();
  const float* pc = c.data();
  float* po = out.data();
  const int64_t n = a.numel();
  for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i], pc[i]);
  return out;
}

}  // namespace recur::ops_detail
