// Small fused BLAS-1 style loops the layers need between GEMMs: scaled accumulation, blends,
// elementwise products and bias broadcasting. They run on contiguous float arrays, are
// vectorised by the compiler, never allocate and never spawn threads.
#pragma once

#include <cstdint>

namespace recur::kernels {

// y += a * x
void axpy(int64_t n, float a, const float* x, float* y);
// y = a * x + b * y
void axpby(int64_t n, float a, const float* x, float b, float* y);
// y = x * y (elementwise)
void mul_inplace(int64_t n, const float* x, float* y);
// y *= a
void scale(int64_t n, float a, float* y);
// Y[r, c] += bias[c] for a row-major [rows, cols] matrix with leading dimension ldy >= cols.
void add_bias_rows(int64_t rows, int64_t cols, const float* bias, float* Y, int64_t ldy);
// out[c] += sum over r of Y[r, c]: the bias gradient of add_bias_rows.
void sum_rows(int64_t rows, int64_t cols, const float* Y, int64_t ldy, float* out);

}  // namespace recur::kernels
