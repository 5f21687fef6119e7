// What the layer-normalised cells share besides the row kernels of
// recur/kernels/layer_norm_rows.h: PyTorch's eps, and the column sums their parameter gradients
// are made of. Private to src/nn/cells.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "recur/kernels/layer_norm_rows.h"

namespace recur::nn::detail {

constexpr float kLayerNormEps = 1e-5f;

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
      if (s.b < 0) {
        kernels::add_row(ar + s.a, s.out, s.width);
      } else {
        kernels::add_row_product(ar + s.a, br + s.b, s.out, s.width);
      }
    }
  }
}

}  // namespace recur::nn::detail
