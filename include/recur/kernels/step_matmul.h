// The per-step recurrent product for small problems: y[b, 0:N] += sum_k v[b, k] * w[k, 0:N]
// for b < B, with w row-major [K, N] (the transposed weight for h W_hh^T; W_hh itself for
// dgates W_hh). A time step of a small recurrent layer (the stock-forecasting LSTM: 32 x 64 x
// 256) is too small for a BLAS call to pay for its setup and threading, and OpenBLAS has no
// path for such shapes that beats a register-blocked kernel (docs/KERNELS.md has the numbers).
// Always single-threaded, so it can run inside a parallel region or next to one.
#pragma once

#include <cstdint>

namespace recur::kernels {

void step_matmul_acc(int64_t B, int64_t K, int64_t N, const float* v, int64_t ldv, const float* w,
                     float* y, int64_t ldy);

// wt [cols, rows] = w^T for a row-major w [rows, cols]: turns a PyTorch weight [N, K] into the
// [K, N] layout step_matmul_acc reads.
void transpose(int64_t rows, int64_t cols, const float* w, float* wt);

}  // namespace recur::kernels
