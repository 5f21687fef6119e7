// Compiled once per SIMD target (hwy/foreach_target.h re-includes this file); the public
// functions at the bottom pick the best target the CPU has, at run time. The sums over a row use
// Highway's vectors; the elementwise loops are plain `omp simd` loops, which inside the
// per-target block get each target's width (AVX-512: 16 floats) where the portable build's own
// code would get SSE2's 4.
#include "recur/kernels/layer_norm_rows.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/layer_norm_rows.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace recur::kernels::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// Sum over j < n of term(d, j), the terms of columns [j, j + lanes of d): full vectors into four
// independent accumulators (one would chain every add on the last), then the last n % lanes
// columns one lane at a time. (An `omp simd` reduction does neither: one accumulator, and GCC
// adds its lanes up one by one through the stack.)
template <class Term>
HWY_INLINE float sum_over_row(int64_t n, const Term& term) {
  const hn::ScalableTag<float> d;
  const hn::CappedTag<float, 1> d1;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  int64_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    a0 = hn::Add(a0, term(d, j));
    a1 = hn::Add(a1, term(d, j + L));
    a2 = hn::Add(a2, term(d, j + 2 * L));
    a3 = hn::Add(a3, term(d, j + 3 * L));
  }
  for (; j + L <= n; j += L) a0 = hn::Add(a0, term(d, j));
  float sum = hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3))));
  for (; j < n; ++j) sum += hn::GetLane(term(d1, j));
  return sum;
}

RowMoments row_moments_impl(const float* x, int64_t n, float eps) {
  const float mean = sum_over_row(n, [x](auto d, int64_t j) { return hn::LoadU(d, x + j); }) /
                     static_cast<float>(n);
  const float squares = sum_over_row(n, [x, mean](auto d, int64_t j) {
    const auto centred = hn::Sub(hn::LoadU(d, x + j), hn::Set(d, mean));
    return hn::Mul(centred, centred);
  });
  return {mean, 1.0f / std::sqrt(squares / static_cast<float>(n) + eps)};
}

// One loop per combination of the optional parts, so that none of them branches per element.
template <bool Add, bool KeepHat, bool Shift>
void normalise(const float* x, RowMoments m, const float* gain, const float* bias, float* x_hat,
               float* y, int64_t n) {
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) {
    const float xh = (x[j] - m.mean) * m.rstd;
    if constexpr (KeepHat) x_hat[j] = xh;
    float v = xh * gain[j];
    if constexpr (Shift) v += bias[j];
    if constexpr (Add) {
      y[j] += v;
    } else {
      y[j] = v;
    }
  }
}

template <bool Add>
void normalise_any(const float* x, RowMoments m, const float* gain, const float* bias, float* x_hat,
                   float* y, int64_t n) {
  if (x_hat != nullptr && bias != nullptr) {
    normalise<Add, true, true>(x, m, gain, bias, x_hat, y, n);
  } else if (x_hat != nullptr) {
    normalise<Add, true, false>(x, m, gain, bias, x_hat, y, n);
  } else if (bias != nullptr) {
    normalise<Add, false, true>(x, m, gain, bias, x_hat, y, n);
  } else {
    normalise<Add, false, false>(x, m, gain, bias, x_hat, y, n);
  }
}

void layer_norm_row_impl(const float* x, RowMoments m, const float* gain, const float* bias,
                         float* x_hat, float* y, int64_t n) {
  normalise_any<false>(x, m, gain, bias, x_hat, y, n);
}

void layer_norm_row_add_impl(const float* x, RowMoments m, const float* gain, const float* bias,
                             float* x_hat, float* y, int64_t n) {
  normalise_any<true>(x, m, gain, bias, x_hat, y, n);
}

void layer_norm_row_backward_add_impl(const float* dy, const float* gain, const float* x_hat,
                                      float rstd, float* dx, int64_t n) {
  const auto g = [dy, gain](auto d, int64_t j) {
    return hn::Mul(hn::LoadU(d, dy + j), hn::LoadU(d, gain + j));
  };
  const float sum_g = sum_over_row(n, g);
  const float sum_gx = sum_over_row(
      n, [g, x_hat](auto d, int64_t j) { return hn::Mul(g(d, j), hn::LoadU(d, x_hat + j)); });
  const float mean_g = sum_g / static_cast<float>(n), mean_gx = sum_gx / static_cast<float>(n);
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) dx[j] += rstd * (dy[j] * gain[j] - mean_g - x_hat[j] * mean_gx);
}

void sum_columns_impl(int64_t rows, const float* a, int64_t lda, const float* b, int64_t ldb,
                      const ColumnSum* sums, int64_t count) {
  for (int64_t k = 0; k < count; ++k) {
    if (sums[k].out != nullptr) std::fill(sums[k].out, sums[k].out + sums[k].width, 0.0f);
  }
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < count; ++k) {
      const ColumnSum& s = sums[k];
      if (s.out == nullptr) continue;
      float* out = s.out;
      const float* x = a + r * lda + s.a;
      if (s.b < 0) {
#pragma omp simd
        for (int64_t j = 0; j < s.width; ++j) out[j] += x[j];
      } else {
        const float* y = b + r * ldb + s.b;
#pragma omp simd
        for (int64_t j = 0; j < s.width; ++j) out[j] += x[j] * y[j];
      }
    }
  }
}

}  // namespace recur::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace recur::kernels {

HWY_EXPORT(row_moments_impl);
HWY_EXPORT(layer_norm_row_impl);
HWY_EXPORT(layer_norm_row_add_impl);
HWY_EXPORT(layer_norm_row_backward_add_impl);
HWY_EXPORT(sum_columns_impl);

RowMoments row_moments(const float* x, int64_t n, float eps) {
  return HWY_DYNAMIC_DISPATCH(row_moments_impl)(x, n, eps);
}

void layer_norm_row(const float* x, RowMoments m, const float* gain, const float* bias,
                    float* x_hat, float* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(layer_norm_row_impl)(x, m, gain, bias, x_hat, y, n);
}

void layer_norm_row_add(const float* x, RowMoments m, const float* gain, const float* bias,
                        float* x_hat, float* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(layer_norm_row_add_impl)(x, m, gain, bias, x_hat, y, n);
}

void layer_norm_row_backward_add(const float* dy, const float* gain, const float* x_hat, float rstd,
                                 float* dx, int64_t n) {
  HWY_DYNAMIC_DISPATCH(layer_norm_row_backward_add_impl)(dy, gain, x_hat, rstd, dx, n);
}

void sum_columns(int64_t rows, const float* a, int64_t lda, const float* b, int64_t ldb,
                 const ColumnSum* sums, int64_t count) {
  HWY_DYNAMIC_DISPATCH(sum_columns_impl)(rows, a, lda, b, ldb, sums, count);
}

}  // namespace recur::kernels
#endif  // HWY_ONCE
