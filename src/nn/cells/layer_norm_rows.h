// Layer normalisation over the units of one row, as the layer-normalised cells use it (Ba et
// al. 2016): x_hat = (x - mean) / sqrt(var + eps) with the biased variance and PyTorch's
// eps, its backward, and the column sums their parameter gradients are made of. Private to
// src/nn/cells.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace recur::nn::detail {

constexpr float kLayerNormEps = 1e-5f;

// Mean and 1 / sqrt(var + eps) of x[0:n].
struct RowMoments {
  float mean, rstd;
};

inline RowMoments row_moments(const float* x, int64_t n) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < n; ++j) sum += x[j];
  const float mean = sum / static_cast<float>(n);
  float squares = 0.0f;
#pragma omp simd reduction(+ : squares)
  for (int64_t j = 0; j < n; ++j) squares += (x[j] - mean) * (x[j] - mean);
  return {mean, 1.0f / std::sqrt(squares / static_cast<float>(n) + kLayerNormEps)};
}

// dx[0:n] += d(x_hat)/dx applied to dy * gain: rstd * (g - mean(g) - x_hat * mean(g * x_hat))
// with g = dy * gain.
inline void add_row_norm_backward(const float* dy, const float* gain, const float* x_hat,
                                  float rstd, int64_t n, float* dx) {
  float sum_g = 0.0f, sum_gx = 0.0f;
#pragma omp simd reduction(+ : sum_g, sum_gx)
  for (int64_t j = 0; j < n; ++j) {
    const float g = dy[j] * gain[j];
    sum_g += g;
    sum_gx += g * x_hat[j];
  }
  const float mean_g = sum_g / static_cast<float>(n), mean_gx = sum_gx / static_cast<float>(n);
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) dx[j] += rstd * (dy[j] * gain[j] - mean_g - x_hat[j] * mean_gx);
}

// Column sums over `rows` rows, all in one pass over the rows (the parameter gradients of a
// normalised cell read the same rows several times): sums[k][j] = sum_r a_k[r, j] (* b_k[r, j]
// when b_k is given). Each a_k, b_k is a column offset into rows of lda / ldb floats; a null
// output is skipped.
struct ColumnSum {
  int64_t a, b;  // offsets into the rows of a and b (b < 0: no factor)
  int64_t width;
  float* out;
};

template <size_t K>
void sum_columns(int64_t rows, const float* a, int64_t lda, const float* b, int64_t ldb,
                 const std::array<ColumnSum, K>& sums) {
  for (const ColumnSum& s : sums) {
    if (s.out != nullptr) std::fill(s.out, s.out + s.width, 0.0f);
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float* ar = a + r * lda;
    const float* br = b + r * ldb;
    for (const ColumnSum& s : sums) {
      if (s.out == nullptr) continue;
      float* out = s.out;
      const float* x = ar + s.a;
      if (s.b < 0) {
#pragma omp simd
        for (int64_t j = 0; j < s.width; ++j) out[j] += x[j];
      } else {
        const float* y = br + s.b;
#pragma omp simd
        for (int64_t j = 0; j < s.width; ++j) out[j] += x[j] * y[j];
      }
    }
  }
}

}  // namespace recur::nn::detail
