// The kernels under every SIMD target this build compiled and this CPU supports (Highway's
// dynamic dispatch, docs/KERNELS.md): each target is forced in turn, the dispatcher must report
// it, and every dispatched kernel must agree with a double-precision reference.
//
// Tolerances: the activations within the ulp bounds of activations_test.cpp (exp, sigmoid 3 ulp;
// tanh 5 ulp; gelu 6 ulp of max(|gelu(x)|, |x|/2)) on targets with FMA (AVX2, AVX-512); without
// FMA (SSSE3, SSE4, scalar) every multiply-add rounds twice, and tanh and gelu measure 6.4 and
// 6.3 ulp over 2 million points, so they get 7 there. The fused gate passes, which chain a few
// activations and FMAs, within 2e-6 absolute on values of order 1; step_matmul_acc within
// 1e-5 (K + 1) absolute, as in step_matmul_test.cpp (16-bit weights: against the rounded
// weights, the same bound). Targets differ only in rounding (FMA or not, lane order of nothing:
// no reductions across lanes), so agreement to these bounds is what "the same results on every
// CPU" means here.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "every_target.h"
#include "recur/kernels/activations.h"
#include "recur/kernels/rnn_gates.h"
#include "recur/kernels/step_matmul.h"

namespace recur::kernels {
namespace {

double sigmoid_ref(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double gelu_ref(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

double ulp_at(double r) {
  const float f = static_cast<float>(std::min(std::fabs(r), double{FLT_MAX}));
  return double{std::nextafter(f, HUGE_VALF)} - double{f};
}

// Values spread over the range the recurrent gates see, plus a length that leaves a tail.
std::vector<float> random_values(int64_t n, float limit, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-limit, limit);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

class DispatchTest : public recur::testing::EveryTargetTest {};

TEST_P(DispatchTest, DispatcherRunsTheForcedTarget) {
  EXPECT_STREQ(simd_target(), hwy::TargetName(GetParam()));
}

using ArrayFn = void (*)(const float*, float*, int64_t);

void expect_within_ulp(ArrayFn f, double (*ref)(double), float limit, double ulps, bool gelu) {
  const auto x = random_values(100003, limit, 7);
  std::vector<float> y(x.size());
  f(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = ref(x[i]);
    const double scale = gelu ? std::max(std::fabs(r), std::fabs(double{x[i]}) / 2) : r;
    ASSERT_LE(std::fabs(y[i] - r), ulps * ulp_at(scale)) << "x = " << x[i];
  }
}

bool has_fma(int64_t target) {
  return target == HWY_AVX2 || target == HWY_AVX3 || target == HWY_AVX3_DL;
}

TEST_P(DispatchTest, ActivationsWithinTheirUlpBounds) {
  const bool fma = has_fma(GetParam());
  expect_within_ulp(
      exp, [](double x) { return std::exp(x); }, 80.0f, 3, false);
  expect_within_ulp(sigmoid, sigmoid_ref, 30.0f, 3, false);
  expect_within_ulp(
      tanh, [](double x) { return std::tanh(x); }, 10.0f, fma ? 5 : 7, false);
  expect_within_ulp(gelu, gelu_ref, 8.0f, fma ? 6 : 7, true);
  expect_within_ulp(
      relu, [](double x) { return std::max(x, 0.0); }, 8.0f, 0, false);
}

TEST_P(DispatchTest, LstmForwardAndBackwardMatchTheEquations) {
  const int64_t B = 3, H = 37;  // 37: full vectors and a scalar tail on every target
  auto gates = random_values(B * 4 * H, 4.0f, 1);
  auto c = random_values(B * H, 2.0f, 2);
  const auto g0 = gates, c0 = c;
  std::vector<float> h(B * H), c_prev(B * H);
  lstm_forward(B, H, gates.data(), c.data(), h.data(), H, c_prev.data());
  const auto dh = random_values(B * H, 1.0f, 3);
  auto dc = random_values(B * H, 1.0f, 4);
  const auto dc0 = dc;
  std::vector<float> tanh_c(B * H), dgates(B * 4 * H);
  for (int64_t i = 0; i < B * H; ++i) tanh_c[i] = std::tanh(c[i]);
  lstm_backward(B, H, gates.data(), c_prev.data(), tanh_c.data(), dh.data(), dc.data(),
                dgates.data());
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < H; ++j) {
      const float* g = g0.data() + b * 4 * H;
      const double i = sigmoid_ref(g[j]), f = sigmoid_ref(g[H + j]), gg = std::tanh(g[2 * H + j]),
                   o = sigmoid_ref(g[3 * H + j]);
      const int64_t k = b * H + j;
      const double cn = f * c0[k] + i * gg;
      ASSERT_NEAR(c[k], cn, 2e-6) << "c at " << b << "," << j;
      ASSERT_NEAR(h[k], o * std::tanh(cn), 2e-6) << "h at " << b << "," << j;
      ASSERT_EQ(c_prev[k], c0[k]);
      // Backward from the kernel's own saved activations, so only its arithmetic is checked.
      const float* a = gates.data() + b * 4 * H;
      const double t = tanh_c[k];
      const double dcn = dc0[k] + dh[k] * a[3 * H + j] * (1 - t * t);
      ASSERT_NEAR(dgates[b * 4 * H + j], dcn * a[2 * H + j] * a[j] * (1 - a[j]), 2e-6);
      ASSERT_NEAR(dgates[b * 4 * H + 3 * H + j], dh[k] * t * a[3 * H + j] * (1 - a[3 * H + j]),
                  2e-6);
      ASSERT_NEAR(dc[k], dcn * a[H + j], 2e-6);
    }
  }
}

// The halves split at c' (for cells that transform c' before its tanh), with the identity as the
// transform, are the whole LSTM step: forward to the bit (the same arithmetic), backward within
// rounding (dL/dc' is summed outside the kernels there).
TEST_P(DispatchTest, LstmSplitAtCMatchesTheWholeStep) {
  const int64_t H = 37;
  const auto g0 = random_values(4 * H, 4.0f, 21);
  const auto c0 = random_values(H, 2.0f, 22);
  auto whole_g = g0, whole_c = c0, split_g = g0, split_c = c0;
  std::vector<float> whole_h(H), split_c_prev(H), whole_c_prev(H);
  lstm_forward(1, H, whole_g.data(), whole_c.data(), whole_h.data(), H, whole_c_prev.data());
  lstm_state_forward(H, split_g.data(), split_c.data(), split_c_prev.data());
  std::vector<float> split_h = split_c;  // y = c'
  lstm_output_forward(H, split_g.data() + 3 * H, split_h.data());
  EXPECT_EQ(split_g, whole_g);
  EXPECT_EQ(split_c, whole_c);
  EXPECT_EQ(split_c_prev, c0);
  EXPECT_EQ(split_h, whole_h);

  const auto dh = random_values(H, 1.0f, 23);
  const auto dc0 = random_values(H, 1.0f, 24);
  std::vector<float> tanh_c(H), whole_dg(4 * H), split_dg(4 * H);
  for (int64_t j = 0; j < H; ++j) tanh_c[j] = std::tanh(whole_c[j]);
  auto whole_dc = dc0;
  lstm_backward(1, H, whole_g.data(), c0.data(), tanh_c.data(), dh.data(), whole_dc.data(),
                whole_dg.data());
  auto dy = tanh_c;
  lstm_output_backward(H, whole_g.data() + 3 * H, dh.data(), dy.data(), split_dg.data() + 3 * H);
  std::vector<float> split_dc(H);
  for (int64_t j = 0; j < H; ++j) split_dc[j] = dc0[j] + dy[j];
  lstm_state_backward(H, whole_g.data(), c0.data(), split_dc.data(), split_dg.data());
  for (int64_t j = 0; j < 4 * H; ++j) ASSERT_NEAR(split_dg[j], whole_dg[j], 1e-6) << "dgates " << j;
  for (int64_t j = 0; j < H; ++j) ASSERT_NEAR(split_dc[j], whole_dc[j], 1e-6) << "dc " << j;
}

TEST_P(DispatchTest, GruForwardMatchesTheEquations) {
  const int64_t B = 2, H = 37;
  auto gx = random_values(B * 3 * H, 4.0f, 5);
  const auto gh = random_values(B * 3 * H, 4.0f, 6);
  const auto b_hn = random_values(H, 1.0f, 7);
  auto h = random_values(B * H, 1.0f, 8);
  const auto gx0 = gx, h0 = h;
  std::vector<float> save_hn(B * H);
  gru_forward(B, H, gx.data(), gh.data(), b_hn.data(), h.data(), save_hn.data());
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < H; ++j) {
      const float* x = gx0.data() + b * 3 * H;
      const float* hh = gh.data() + b * 3 * H;
      const double r = sigmoid_ref(double{x[j]} + hh[j]);
      const double z = sigmoid_ref(double{x[H + j]} + hh[H + j]);
      const double hn = double{hh[2 * H + j]} + b_hn[j];
      const double n = std::tanh(x[2 * H + j] + r * hn);
      ASSERT_NEAR(h[b * H + j], (1 - z) * n + z * h0[b * H + j], 2e-6) << b << "," << j;
      ASSERT_NEAR(save_hn[b * H + j], hn, 1e-6);
    }
  }
}

TEST_P(DispatchTest, StepMatmulMatchesANaiveProduct) {
  // 13 rows: two 6-row register blocks (one 12-row block on AVX-512) and a leftover row;
  // 37 columns: two panels and a part.
  const int64_t B = 13, K = 300, N = 37;
  const auto v = random_values(B * K, 1.0f, 9);
  const auto w = random_values(K * N, 1.0f, 10);
  auto y = random_values(B * N, 1.0f, 11);
  const auto y0 = y;
  step_matmul_acc(B, v.data(), K, PackedMatrix::from_rows(K, N, w.data()).all(), y.data(), N);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < N; ++j) {
      double expected = y0[b * N + j];
      for (int64_t k = 0; k < K; ++k) expected += double{v[b * K + k]} * w[k * N + j];
      ASSERT_NEAR(y[b * N + j], expected, 1e-5 * (K + 1)) << b << "," << j;
    }
  }
}

// fp16 and bf16 weights, widened in registers (F16C on AVX2/AVX-512, integer code below), or
// for bf16 at one row on a CPU with AVX512_BF16, vdpbf16ps on v split into two bf16 parts (error
// <= 2^-17 |v|, inside the bound): the same bound against a product of the rounded weights. One
// row and 13; K odd (bf16's last pair half empty); 100 columns: a group of 4 panels, 2 more and a
// part.
TEST_P(DispatchTest, StepMatmul16MatchesANaiveProductOfTheRoundedWeights) {
  const int64_t K = 301, N = 100;
  const auto w = random_values(K * N, 1.0f, 13);
  // With the dot product off, one row takes the widening kernel, as on AVX-512 CPUs without
  // AVX512_BF16.
  for (bool dot : {true, false}) {
    set_bf16_dot_product(dot);
    for (int64_t B : {1, 13}) {
      const auto v = random_values(B * K, 1.0f, 12);
      for (WeightPrecision p : {WeightPrecision::kFloat16, WeightPrecision::kBFloat16}) {
        auto y = random_values(B * N, 1.0f, 14);
        const auto y0 = y;
        const PackedMatrix16 packed = PackedMatrix16::from_rows(K, N, w.data(), p);
        step_matmul_acc(B, v.data(), K, packed.all(), y.data(), N);
        for (int64_t b = 0; b < B; ++b) {
          for (int64_t j = 0; j < N; ++j) {
            double expected = y0[b * N + j];
            for (int64_t k = 0; k < K; ++k) {
              expected += double{v[b * K + k]} * round_weight(w[k * N + j], p);
            }
            ASSERT_NEAR(y[b * N + j], expected, 1e-5 * (K + 1))
                << weight_precision_name(p) << " B=" << B << " dot " << dot << " at " << b << ","
                << j;
          }
        }
      }
    }
  }
  set_bf16_dot_product(true);
}

RECUR_INSTANTIATE_EVERY_TARGET(DispatchTest);

}  // namespace
}  // namespace recur::kernels
