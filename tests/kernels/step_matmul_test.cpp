// kernels::step_matmul_acc against a naive double-precision loop: every row count around the
// register blocks (1-20 rows, 30-40, 64) and the row chunks (95-200), widths that are and are not a
// multiple of the panel, K down to 1 and past the depth block (512), leading dimensions wider than
// the matrices, both packings and row slices; y accumulates, and columns outside the product are
// never written.
#include "recur/kernels/step_matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace recur::kernels {
namespace {

std::vector<float> random_values(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

enum class Packing { Rows, Transposed };

// y += v * w[k0:k0+K, :] for w [k_total, N] held as a PackedMatrix built one way or the other.
void check(int64_t B, int64_t K, int64_t N, int64_t pad, Packing packing = Packing::Rows,
           int64_t k0 = 0, int64_t k_total = -1) {
  if (k_total < 0) k_total = K;
  SCOPED_TRACE("B=" + std::to_string(B) + " K=" + std::to_string(K) + " N=" + std::to_string(N) +
               " pad=" + std::to_string(pad) + " k0=" + std::to_string(k0) +
               (packing == Packing::Rows ? " rows" : " transposed"));
  std::mt19937 rng(static_cast<unsigned>(B * 7919 + K * 131 + N));
  const int64_t ldv = K + pad, ldy = N + pad;
  const auto v = random_values(B * ldv, rng);
  const auto w = random_values(k_total * N, rng);  // w[k, j]
  std::vector<float> wt(w.size());                 // W = w^T, [N, k_total]
  for (int64_t k = 0; k < k_total; ++k) {
    for (int64_t j = 0; j < N; ++j) wt[j * k_total + k] = w[k * N + j];
  }
  const PackedMatrix packed = packing == Packing::Rows
                                  ? PackedMatrix::from_rows(k_total, N, w.data())
                                  : PackedMatrix::from_transposed(N, k_total, wt.data());
  ASSERT_EQ(packed.rows(), k_total);
  ASSERT_EQ(packed.cols(), N);
  auto y = random_values(B * ldy, rng);
  const auto y0 = y;
  step_matmul_acc(B, v.data(), ldv, packed.slice(k0, k0 + K), y.data(), ldy);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < ldy; ++j) {
      if (j >= N) {
        ASSERT_EQ(y[b * ldy + j], y0[b * ldy + j]) << "padding written at row " << b;
        continue;
      }
      double expected = y0[b * ldy + j];
      for (int64_t k = 0; k < K; ++k) expected += double(v[b * ldv + k]) * w[(k0 + k) * N + j];
      ASSERT_NEAR(y[b * ldy + j], expected, 1e-5 * (K + 1)) << "row " << b << " column " << j;
    }
  }
}

TEST(StepMatmul, MatchesNaiveProductOverBlockBoundaries) {
  // 13-19, 30, 40 and 64 end in fewer than 8 rows after a full 12-row block: those two become two
  // smaller passes.
  for (int64_t B : {1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 16, 19, 20, 30, 32, 33, 40, 64}) {
    for (int64_t N : {1, 7, 8, 16, 17, 40, 64, 100, 256}) {
      for (int64_t K : {1, 3, 64}) check(B, K, N, 0);
    }
  }
}

// However the rows are blocked, each row's sums are the same: a batch gives the bits of its rows
// multiplied one at a time (the recurrent engine's thread invariance rests on this).
TEST(StepMatmul, ABatchGivesTheBitsOfItsRowsOneAtATime) {
  std::mt19937 rng(11);
  const int64_t K = 300, N = 72;  // K past one depth block, N past a whole panel
  const auto w = random_values(K * N, rng);
  const PackedMatrix packed = PackedMatrix::from_rows(K, N, w.data());
  for (int64_t B : {13, 16, 19, 40, 64, 97}) {
    const auto v = random_values(B * K, rng);
    const auto y0 = random_values(B * N, rng);
    auto batch = y0;
    step_matmul_acc(B, v.data(), K, packed.all(), batch.data(), N);
    for (int64_t b = 0; b < B; ++b) {
      std::vector<float> row(y0.begin() + b * N, y0.begin() + (b + 1) * N);
      step_matmul_acc(1, v.data() + b * K, K, packed.all(), row.data(), N);
      for (int64_t j = 0; j < N; ++j) {
        ASSERT_EQ(batch[b * N + j], row[j]) << "B=" << B << " row " << b << " column " << j;
      }
    }
  }
}

TEST(StepMatmul, DepthPastOneBlock) {
  for (int64_t B : {1, 6, 7}) {
    for (int64_t K : {511, 512, 513, 1100}) check(B, K, 40, 0);
  }
}

TEST(StepMatmul, ManyRowsGoChunkByChunk) {
  // A whole input projection: rows past the 96-row chunk, with and without leftover rows.
  for (int64_t B : {95, 96, 97, 192, 200}) check(B, 20, 40, 3);
}

TEST(StepMatmul, RespectsLeadingDimensions) {
  for (int64_t B : {1, 5, 6, 9}) {
    for (int64_t N : {8, 19, 64}) check(B, 17, N, 5);
  }
}

TEST(StepMatmul, TransposedPackingMultipliesByTheTranspose) {
  for (int64_t B : {1, 4, 6, 13}) {
    for (int64_t N : {5, 16, 33, 96}) check(B, 24, N, 2, Packing::Transposed);
  }
}

TEST(StepMatmul, RowSliceUsesOnlyThoseRows) {
  // GRU's backward multiplies by rows [0, 2H) and [2H, 3H) of one packed W_hh.
  for (int64_t B : {1, 3, 6, 8}) {
    check(B, 10, 24, 0, Packing::Rows, 0, 30);
    check(B, 10, 24, 0, Packing::Rows, 20, 30);
    check(B, 7, 17, 1, Packing::Transposed, 5, 12);
  }
}

TEST(StepMatmul, NoRowsOrColumnsIsANoOp) {
  std::vector<float> v(4, 1.0f), w(4, 1.0f), y(4, 2.0f);
  const PackedMatrix two = PackedMatrix::from_rows(2, 2, w.data());
  const PackedMatrix none = PackedMatrix::from_rows(2, 0, w.data());
  step_matmul_acc(0, v.data(), 2, two.all(), y.data(), 2);
  step_matmul_acc(2, v.data(), 2, none.all(), y.data(), 2);
  for (float x : y) EXPECT_EQ(x, 2.0f);
}

}  // namespace
}  // namespace recur::kernels
