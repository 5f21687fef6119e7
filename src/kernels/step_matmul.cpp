#include "recur/kernels/step_matmul.h"

#include <algorithm>

#include "vec_math.h"

namespace recur::kernels {

namespace {

namespace hn = simd::hn;
using simd::D;
using simd::V;

// The main register block: kRows x 2 vectors of accumulators (12 of the 16 AVX2 registers,
// leaving room for the two loaded vectors of w and the broadcast), the BLIS layout for AVX2.
constexpr int64_t kRows = 6;
constexpr int64_t kVecs = 2;

// y[0:rows, 0:vecs lanes] += v[0:rows, 0:K] w[0:K, 0:vecs lanes], accumulated in registers.
template <int64_t rows, int64_t vecs>
HWY_INLINE void block(int64_t K, const float* v, int64_t ldv, const float* w, int64_t ldw, float* y,
                      int64_t ldy) {
  const D d;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  V acc[rows][vecs];
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < vecs; ++c) acc[r][c] = hn::LoadU(d, y + r * ldy + c * L);
  }
  for (int64_t k = 0; k < K; ++k) {
    V wk[vecs];
    for (int64_t c = 0; c < vecs; ++c) wk[c] = hn::LoadU(d, w + k * ldw + c * L);
    for (int64_t r = 0; r < rows; ++r) {
      const V s = hn::Set(d, v[r * ldv + k]);
      for (int64_t c = 0; c < vecs; ++c) acc[r][c] = hn::MulAdd(s, wk[c], acc[r][c]);
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < vecs; ++c) hn::StoreU(acc[r][c], d, y + r * ldy + c * L);
  }
}

// `rows` (< kRows) rows over all N columns. Few rows give few accumulators per block, and an
// FMA chain must wait for its previous result, so these blocks are wider: about 8-12
// independent accumulators each (one row: 8 vectors), then single vectors, then scalars.
template <int64_t rows>
void few_rows(int64_t K, int64_t N, const float* v, int64_t ldv, const float* w, int64_t ldw,
              float* y, int64_t ldy) {
  constexpr int64_t vecs = rows == 1 ? 8 : rows <= 3 ? 4 : rows == 4 ? 3 : 2;
  const int64_t L = static_cast<int64_t>(hn::Lanes(D()));
  int64_t j = 0;
  for (; j + vecs * L <= N; j += vecs * L) block<rows, vecs>(K, v, ldv, w + j, ldw, y + j, ldy);
  for (; j + L <= N; j += L) block<rows, 1>(K, v, ldv, w + j, ldw, y + j, ldy);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < K; ++k) {
      const float s = v[r * ldv + k];
      for (int64_t jj = j; jj < N; ++jj) y[r * ldy + jj] += s * w[k * ldw + jj];
    }
  }
}

void leftover_rows(int64_t rows, int64_t K, int64_t N, const float* v, int64_t ldv, const float* w,
                   int64_t ldw, float* y, int64_t ldy) {
  switch (rows) {
    case 1:
      return few_rows<1>(K, N, v, ldv, w, ldw, y, ldy);
    case 2:
      return few_rows<2>(K, N, v, ldv, w, ldw, y, ldy);
    case 3:
      return few_rows<3>(K, N, v, ldv, w, ldw, y, ldy);
    case 4:
      return few_rows<4>(K, N, v, ldv, w, ldw, y, ldy);
    case 5:
      return few_rows<5>(K, N, v, ldv, w, ldw, y, ldy);
    default:
      return;
  }
}

}  // namespace

void step_matmul_acc(int64_t B, int64_t K, int64_t N, const float* v, int64_t ldv, const float* w,
                     float* y, int64_t ldy) {
  const int64_t slab = kVecs * static_cast<int64_t>(hn::Lanes(D()));
  const int64_t full_rows = B / kRows * kRows;
  // Column slab outermost: its K x slab part of w stays in L1 while every row block uses it.
  int64_t j = 0;
  for (; j + slab <= N; j += slab) {
    for (int64_t b = 0; b < full_rows; b += kRows) {
      block<kRows, kVecs>(K, v + b * ldv, ldv, w + j, N, y + b * ldy + j, ldy);
    }
  }
  // The columns past the last slab, for the full row blocks, then the leftover rows.
  for (int64_t b = 0; b < full_rows; b += kRows) {
    few_rows<kRows>(K, N - j, v + b * ldv, ldv, w + j, N, y + b * ldy + j, ldy);
  }
  leftover_rows(B - full_rows, K, N, v + full_rows * ldv, ldv, w, N, y + full_rows * ldy, ldy);
}

// In 16 x 16 tiles, so that reads and writes both stay within a few cache lines.
void transpose(int64_t rows, int64_t cols, const float* w, float* wt) {
  constexpr int64_t kTile = 16;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    for (int64_t k0 = 0; k0 < cols; k0 += kTile) {
      for (int64_t r = r0; r < std::min(rows, r0 + kTile); ++r) {
        for (int64_t k = k0; k < std::min(cols, k0 + kTile); ++k)
          wt[k * rows + r] = w[r * cols + k];
      }
    }
  }
}

}  // namespace recur::kernels
