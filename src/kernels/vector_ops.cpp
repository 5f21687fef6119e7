#include "recur/kernels/vector_ops.h"

// Plain loops on purpose: they are memory-bound, and at -O2 and above GCC and Clang vectorise
// them (with a runtime overlap check), so hand-written SIMD would add code without speed.
namespace recur::kernels {

void axpy(int64_t n, float a, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void axpby(int64_t n, float a, const float* x, float b, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = a * x[i] + b * y[i];
}

void mul_inplace(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] *= x[i];
}

void scale(int64_t n, float a, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] *= a;
}

void add_bias_rows(int64_t rows, int64_t cols, const float* bias, float* Y, int64_t ldy) {
  for (int64_t r = 0; r < rows; ++r) axpy(cols, 1.0f, bias, Y + r * ldy);
}

void sum_rows(int64_t rows, int64_t cols, const float* Y, int64_t ldy, float* out) {
  for (int64_t r = 0; r < rows; ++r) axpy(cols, 1.0f, Y + r * ldy, out);
}

}  // namespace recur::kernels
