#include "recur/kernels/vector_ops.h"

#include <gtest/gtest.h>

#include <vector>

namespace recur::kernels {
namespace {

std::vector<float> iota(int64_t n, float start, float step) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = start + step * static_cast<float>(i);
  return v;
}

TEST(VectorOps, AxpyAndAxpby) {
  for (int64_t n : {0, 1, 7, 8, 9, 33}) {
    const auto x = iota(n, 1.0f, 0.5f);
    auto y = iota(n, -2.0f, 0.25f);
    const auto y0 = y;
    axpy(n, 3.0f, x.data(), y.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], y0[i] + 3.0f * x[i]);
    y = y0;
    axpby(n, 2.0f, x.data(), -0.5f, y.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], 2.0f * x[i] - 0.5f * y0[i]);
    y = y0;
    mul_inplace(n, x.data(), y.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], x[i] * y0[i]);
    y = y0;
    scale(n, -4.0f, y.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], -4.0f * y0[i]);
  }
}

// Bias add and its gradient on a matrix whose leading dimension is wider than its width: the
// padding columns must stay untouched.
TEST(VectorOps, BiasRowsRespectLeadingDimension) {
  const int64_t rows = 3, cols = 5, ld = 7;
  const auto bias = iota(cols, 10.0f, 1.0f);
  auto Y = iota(rows * ld, 0.0f, 1.0f);
  const auto Y0 = Y;
  add_bias_rows(rows, cols, bias.data(), Y.data(), ld);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < ld; ++c) {
      const float want = Y0[r * ld + c] + (c < cols ? bias[c] : 0.0f);
      ASSERT_FLOAT_EQ(Y[r * ld + c], want) << r << "," << c;
    }
  }
  std::vector<float> out(cols, 1.0f);
  sum_rows(rows, cols, Y0.data(), ld, out.data());
  for (int64_t c = 0; c < cols; ++c) {
    ASSERT_FLOAT_EQ(out[c], 1.0f + Y0[c] + Y0[ld + c] + Y0[2 * ld + c]);
  }
}

}  // namespace
}  // namespace recur::kernels
