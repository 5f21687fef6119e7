// 16-bit packed weights (PackedMatrix16, fp16 and bf16): the rounding to nearest even against
// values worked out by hand, and step_matmul_acc over every register block and panel boundary
// against a double-precision product with the same rounded weights. The kernel widens each
// weight exactly and accumulates in fp32 as the fp32 kernel does, so the fp32 kernel's bound
// applies: 1e-5 (K + 1) absolute for values in [-1, 1].
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "recur/kernels/step_matmul.h"
#include "recur/tensor/error.h"

namespace recur::kernels {
namespace {

constexpr WeightPrecision kF16 = WeightPrecision::kFloat16;
constexpr WeightPrecision kBF16 = WeightPrecision::kBFloat16;

TEST(RoundWeight, Float16RoundsToNearestEven) {
  EXPECT_EQ(round_weight(1.0f, kF16), 1.0f);
  EXPECT_EQ(round_weight(-0.1f, kF16), -0.0999755859375f);  // 0x2e66 with the sign
  EXPECT_EQ(round_weight(1.0f / 3, kF16), 0.333251953125f);
  // Halfway between 1 and 1 + 2^-10 goes to the even 1; just above it goes up.
  EXPECT_EQ(round_weight(1.0f + 0x1p-11f, kF16), 1.0f);
  EXPECT_EQ(round_weight(1.0f + 0x1p-11f + 0x1p-20f, kF16), 1.0f + 0x1p-10f);
  EXPECT_EQ(round_weight(1.0f + 3 * 0x1p-11f, kF16), 1.0f + 0x1p-9f);  // tie to even, upward
  EXPECT_EQ(round_weight(65504.0f, kF16), 65504.0f);                   // the largest fp16
  EXPECT_EQ(round_weight(65519.0f, kF16), 65504.0f);
  EXPECT_TRUE(std::isinf(round_weight(65520.0f, kF16)));
  // Subnormals: multiples of 2^-24, half of one rounds to even (zero).
  EXPECT_EQ(round_weight(3 * 0x1p-24f, kF16), 3 * 0x1p-24f);
  EXPECT_EQ(round_weight(0x1p-25f, kF16), 0.0f);
  EXPECT_EQ(round_weight(0x1p-25f + 0x1p-30f, kF16), 0x1p-24f);
  // Halfway between the largest subnormal and the smallest normal: to the even one, 2^-14.
  EXPECT_EQ(round_weight(0x1.ffcp-15f, kF16), 0x1p-14f);
  EXPECT_TRUE(std::isnan(round_weight(std::numeric_limits<float>::quiet_NaN(), kF16)));
}

TEST(RoundWeight, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(round_weight(1.0f, kBF16), 1.0f);
  EXPECT_EQ(round_weight(1.0f / 3, kBF16), 0.333984375f);
  EXPECT_EQ(round_weight(1.0f + 0x1p-8f, kBF16), 1.0f);                // tie to even
  EXPECT_EQ(round_weight(1.0f + 3 * 0x1p-8f, kBF16), 1.0f + 0x1p-6f);  // tie to even, upward
  EXPECT_EQ(round_weight(1.0f + 0x1p-8f + 0x1p-20f, kBF16), 1.0f + 0x1p-7f);
  EXPECT_EQ(round_weight(1e30f, kBF16), 1.0002555517425873e30f);  // fp32's range
  EXPECT_EQ(round_weight(0.5f, WeightPrecision::kFloat32), 0.5f);
}

// The header's bounds: relative 2^-11 (fp16) and 2^-8 (bf16); fp16's subnormals (below 2^-14)
// are multiples of 2^-24, so there the error is at most 2^-25 absolute.
TEST(RoundWeight, ErrorWithinHalfAnUlp) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f);
  for (int i = 0; i < 100000; ++i) {
    const float w = std::ldexp(u(rng), -static_cast<int>(i % 20));
    EXPECT_LE(std::fabs(round_weight(w, kF16) - w), std::max(0x1p-11 * std::fabs(w), 0x1p-25)) << w;
    EXPECT_LE(std::fabs(round_weight(w, kBF16) - w), 0x1p-8 * std::fabs(w)) << w;
  }
}

std::vector<float> random_values(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

// y += v * w[k0:k0+K, :] with w [k_total, N] packed in 16 bits, rows or transposed.
void check(WeightPrecision p, int64_t B, int64_t K, int64_t N, int64_t pad, bool transposed,
           int64_t k0 = 0, int64_t k_total = -1) {
  if (k_total < 0) k_total = K;
  SCOPED_TRACE(std::string(weight_precision_name(p)) + " B=" + std::to_string(B) + " K=" +
               std::to_string(K) + " N=" + std::to_string(N) + " pad=" + std::to_string(pad) +
               " k0=" + std::to_string(k0) + (transposed ? " transposed" : " rows"));
  std::mt19937 rng(static_cast<unsigned>(B * 7919 + K * 131 + N));
  const int64_t ldv = K + pad, ldy = N + pad;
  const auto v = random_values(B * ldv, rng);
  const auto w = random_values(k_total * N, rng);
  std::vector<float> wt(w.size());
  for (int64_t k = 0; k < k_total; ++k) {
    for (int64_t j = 0; j < N; ++j) wt[j * k_total + k] = w[k * N + j];
  }
  const PackedMatrix16 packed = transposed
                                    ? PackedMatrix16::from_transposed(N, k_total, wt.data(), p)
                                    : PackedMatrix16::from_rows(k_total, N, w.data(), p);
  ASSERT_EQ(packed.rows(), k_total);
  ASSERT_EQ(packed.cols(), N);
  ASSERT_EQ(packed.precision(), p);
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
      for (int64_t k = 0; k < K; ++k) {
        expected += double(v[b * ldv + k]) * round_weight(w[(k0 + k) * N + j], p);
      }
      ASSERT_NEAR(y[b * ldy + j], expected, 1e-5 * (K + 1)) << "row " << b << " column " << j;
    }
  }
}

class StepMatmul16 : public testing::TestWithParam<WeightPrecision> {};

TEST_P(StepMatmul16, MatchesNaiveProductOfTheRoundedWeights) {
  for (int64_t B : {1, 2, 5, 6, 7, 12, 13, 33}) {
    for (int64_t N : {1, 7, 16, 17, 40, 100}) {
      for (int64_t K : {1, 3, 64}) check(GetParam(), B, K, N, 0, false);
    }
  }
  for (int64_t B : {1, 7}) check(GetParam(), B, 513, 40, 0, false);  // past the depth block
  check(GetParam(), 97, 20, 40, 3, false);                           // row chunks
}

TEST_P(StepMatmul16, TransposedPackingLeadingDimensionsAndRowSlices) {
  for (int64_t B : {1, 4, 6, 13}) {
    for (int64_t N : {5, 16, 33, 96}) check(GetParam(), B, 24, N, 2, true);
    check(GetParam(), B, 10, 24, 0, false, 20, 30);
    // bf16 stores rows in pairs: a slice starts at an even row; 7 rows from row 4 end with
    // half of the pair (10, 11), and row 11 must not count.
    check(GetParam(), B, 7, 17, 1, true, GetParam() == kBF16 ? 4 : 5, 12);
  }
}

TEST(PackedMatrix16, Bf16SliceStartsAtAnEvenRow) {
  const std::vector<float> w(6 * 3, 0.5f);
  const PackedMatrix16 m = PackedMatrix16::from_rows(6, 3, w.data(), kBF16);
  EXPECT_THROW(m.slice(1, 4), ValueError);
  EXPECT_EQ(m.slice(2, 5).rows, 3);
  EXPECT_EQ(PackedMatrix16::from_rows(6, 3, w.data(), kF16).slice(1, 4).rows, 3);
}

INSTANTIATE_TEST_SUITE_P(Precisions, StepMatmul16, testing::Values(kF16, kBF16),
                         [](const testing::TestParamInfo<WeightPrecision>& info) {
                           return std::string(weight_precision_name(info.param));
                         });

TEST(PackedMatrix16, RejectsFp32AndUnknownPrecisions) {
  const std::vector<float> w(6, 0.5f);
  EXPECT_THROW(PackedMatrix16::from_rows(2, 3, w.data(), WeightPrecision::kFloat32), ValueError);
  EXPECT_THROW(PackedMatrix16::from_rows(2, 3, w.data(), static_cast<WeightPrecision>(7)),
               ValueError);
  EXPECT_THROW(weight_precision_name(static_cast<WeightPrecision>(-1)), ValueError);
}

TEST(PackedMatrix16, Fp16RejectsAWeightOutsideItsRangeAndNamesIt) {
  std::vector<float> w(6, 0.5f);
  w[1 * 3 + 2] = 70000.0f;  // row 1, column 2 of [2, 3]
  try {
    PackedMatrix16::from_rows(2, 3, w.data(), kF16);
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("row 1, column 2"), std::string::npos) << e.what();
  }
  // bf16 has fp32's range.
  const PackedMatrix16 bf = PackedMatrix16::from_rows(2, 3, w.data(), kBF16);
  std::vector<float> v{0.0f, 1.0f}, y(3, 0.0f);
  step_matmul_acc(1, v.data(), 2, bf.all(), y.data(), 3);
  EXPECT_EQ(y[2], 70144.0f);  // 70000 to bf16's 8 bits
}

}  // namespace
}  // namespace recur::kernels
