// kernels::step_matmul_acc against a naive double-precision loop: every row count around the
// register blocks (1-13 rows, 30-33), widths that are and are not a multiple of the vector
// slab, K down to 1, leading dimensions wider than the matrices; y accumulates, and columns
// outside the product (padding) are never written.
#include "recur/kernels/step_matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace recur::kernels {
namespace {

std::vector<float> random_values(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

void check(int64_t B, int64_t K, int64_t N, int64_t pad) {
  SCOPED_TRACE("B=" + std::to_string(B) + " K=" + std::to_string(K) + " N=" + std::to_string(N) +
               " pad=" + std::to_string(pad));
  std::mt19937 rng(static_cast<unsigned>(B * 7919 + K * 131 + N));
  const int64_t ldv = K + pad, ldy = N + pad;
  const auto v = random_values(B * ldv, rng);
  const auto w = random_values(K * N, rng);
  auto y = random_values(B * ldy, rng);
  const auto y0 = y;
  step_matmul_acc(B, K, N, v.data(), ldv, w.data(), y.data(), ldy);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < ldy; ++j) {
      if (j >= N) {
        ASSERT_EQ(y[b * ldy + j], y0[b * ldy + j]) << "padding written at row " << b;
        continue;
      }
      double expected = y0[b * ldy + j];
      for (int64_t k = 0; k < K; ++k) expected += double(v[b * ldv + k]) * w[k * N + j];
      ASSERT_NEAR(y[b * ldy + j], expected, 1e-5 * (K + 1)) << "row " << b << " column " << j;
    }
  }
}

TEST(StepMatmul, MatchesNaiveProductOverBlockBoundaries) {
  for (int64_t B : {1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 30, 32, 33}) {
    for (int64_t N : {1, 7, 8, 16, 17, 40, 64, 100, 256}) {
      for (int64_t K : {1, 3, 64}) check(B, K, N, 0);
    }
  }
}

TEST(StepMatmul, RespectsLeadingDimensions) {
  for (int64_t B : {1, 5, 6, 9}) {
    for (int64_t N : {8, 19, 64}) check(B, 17, N, 5);
  }
}

TEST(StepMatmul, NoRowsOrColumnsIsANoOp) {
  std::vector<float> v(4, 1.0f), w(4, 1.0f), y(4, 2.0f);
  step_matmul_acc(0, 2, 2, v.data(), 2, w.data(), y.data(), 2);
  step_matmul_acc(2, 2, 0, v.data(), 2, w.data(), y.data(), 2);
  for (float x : y) EXPECT_EQ(x, 2.0f);
}

TEST(StepMatmul, TransposeAcrossTileEdges) {
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{1, 1}, {17, 5}, {64, 256}, {33, 40}}) {
    std::vector<float> w(rows * cols), wt(rows * cols);
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i);
    transpose(rows, cols, w.data(), wt.data());
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t k = 0; k < cols; ++k) ASSERT_EQ(wt[k * rows + r], w[r * cols + k]);
    }
  }
}

}  // namespace
}  // namespace recur::kernels
