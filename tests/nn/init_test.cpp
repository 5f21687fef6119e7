// Initialisers: bounds, moments, orthogonality and seeding.
#include "recur/nn/init.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "recur/nn/embedding.h"
#include "recur/nn/layer_norm.h"
#include "recur/nn/linear.h"

namespace recur::nn {
namespace {

struct Moments {
  double mean, stddev, min, max;
};

Moments moments(const Tensor& t) {
  double sum = 0, sq = 0;
  for (float v : t.span()) sum += v;
  const double mean = sum / static_cast<double>(t.numel());
  for (float v : t.span()) sq += (v - mean) * (v - mean);
  auto [lo, hi] = std::minmax_element(t.span().begin(), t.span().end());
  return {mean, std::sqrt(sq / static_cast<double>(t.numel())), *lo, *hi};
}

// A uniform(-b, b) sample of this size has std b / sqrt(3) and nearly reaches both ends.
void expect_uniform(const Tensor& t, double bound) {
  const Moments m = moments(t);
  EXPECT_GE(m.min, -bound);
  EXPECT_LT(m.max, bound);
  EXPECT_LT(m.min, -0.95 * bound);
  EXPECT_GT(m.max, 0.95 * bound);
  EXPECT_NEAR(m.stddev, bound / std::sqrt(3.0), 0.03 * bound);
  EXPECT_NEAR(m.mean, 0.0, 0.05 * bound);
}

TEST(Init, FansAndGains) {
  const auto fans = init::calculate_fan_in_and_fan_out(Tensor::zeros({8, 3, 5}));
  EXPECT_EQ(fans.fan_in, 15);
  EXPECT_EQ(fans.fan_out, 40);
  EXPECT_THROW(init::calculate_fan_in_and_fan_out(Tensor::zeros({4})), ValueError);
  EXPECT_FLOAT_EQ(init::calculate_gain("tanh"), 5.0f / 3.0f);
  EXPECT_FLOAT_EQ(init::calculate_gain("relu"), std::sqrt(2.0f));
  EXPECT_FLOAT_EQ(init::calculate_gain("leaky_relu", std::sqrt(5.0f)), std::sqrt(1.0f / 3.0f));
  EXPECT_FLOAT_EQ(init::calculate_gain("sigmoid"), 1.0f);
  EXPECT_THROW(init::calculate_gain("swish"), ValueError);
}

TEST(Init, UniformAndNormal) {
  Generator gen(0);
  Tensor t = Tensor::empty({100, 100});
  init::uniform_(t, gen, -2.0f, 2.0f);
  expect_uniform(t, 2.0);
  init::normal_(t, gen, 1.0f, 0.5f);
  const Moments m = moments(t);
  EXPECT_NEAR(m.mean, 1.0, 0.02);
  EXPECT_NEAR(m.stddev, 0.5, 0.02);
  EXPECT_THROW(init::uniform_(t, gen, 1.0f, 0.0f), ValueError);
}

TEST(Init, KaimingAndXavierBounds) {
  Generator gen(0);
  Tensor w = Tensor::empty({200, 50});
  init::kaiming_uniform_(w, gen, std::sqrt(5.0f));  // Linear's default: 1/sqrt(fan_in)
  expect_uniform(w, 1.0 / std::sqrt(50.0));
  init::kaiming_uniform_(w, gen, 0.0f, init::FanMode::FanOut, "relu");
  expect_uniform(w, std::sqrt(2.0) * std::sqrt(3.0 / 200.0));
  init::xavier_uniform_(w, gen, 2.0f);
  expect_uniform(w, 2.0 * std::sqrt(6.0 / 250.0));
  init::xavier_normal_(w, gen);
  EXPECT_NEAR(moments(w).stddev, std::sqrt(2.0 / 250.0), 0.003);
  init::kaiming_normal_(w, gen, 0.0f, init::FanMode::FanIn, "relu");
  EXPECT_NEAR(moments(w).stddev, std::sqrt(2.0 / 50.0), 0.005);
}

// Q^T Q = I over the shorter side.
void expect_orthonormal(const Tensor& q, float gain) {
  const int64_t rows = q.size(0), cols = q.size(1);
  const bool by_rows = rows <= cols;
  const int64_t n = by_rows ? rows : cols, len = by_rows ? cols : rows;
  auto at = [&](int64_t vec, int64_t k) {
    return by_rows ? q.data()[vec * cols + k] : q.data()[k * cols + vec];
  };
  for (int64_t a = 0; a < n; ++a) {
    for (int64_t b = 0; b < n; ++b) {
      double dot = 0;
      for (int64_t k = 0; k < len; ++k) dot += static_cast<double>(at(a, k)) * at(b, k);
      EXPECT_NEAR(dot, a == b ? gain * gain : 0.0, 1e-5) << a << "," << b;
    }
  }
}

TEST(Init, OrthogonalTallWideAndSquare) {
  Generator gen(0);
  for (Shape shape : {Shape{12, 5}, Shape{5, 12}, Shape{8, 8}}) {
    Tensor w = Tensor::empty(shape);
    init::orthogonal_(w, gen, 1.5f);
    expect_orthonormal(w, 1.5f);
  }
  Tensor t = Tensor::empty({4});
  EXPECT_THROW(init::orthogonal_(t, gen), ValueError);
}

TEST(Init, SameSeedSameWeights) {
  Generator a(42), b(42), c(43);
  Linear la(5, 3, true, a), lb(5, 3, true, b), lc(5, 3, true, c);
  EXPECT_EQ(max_abs_diff(la.weight, lb.weight), 0.0f);
  EXPECT_EQ(max_abs_diff(la.bias, lb.bias), 0.0f);
  EXPECT_GT(max_abs_diff(la.weight, lc.weight), 0.0f);
}

TEST(Init, LayerDefaultsFollowPyTorch) {
  Generator gen(0);
  Linear fc(64, 300, true, gen);
  expect_uniform(fc.weight, 1.0 / 8.0);
  expect_uniform(fc.bias, 1.0 / 8.0);

  Embedding emb(500, 40, /*padding_idx=*/-2, gen);
  EXPECT_EQ(emb.padding_idx(), 498);
  const Moments m = moments(emb.weight);
  EXPECT_NEAR(m.mean, 0.0, 0.02);
  EXPECT_NEAR(m.stddev, 1.0, 0.02);
  for (float v : emb.weight.row(498).span()) EXPECT_EQ(v, 0.0f);
  EXPECT_THROW(Embedding(5, 2, 5, gen), ValueError);

  LayerNorm ln({3, 4});
  for (float v : ln.weight.span()) EXPECT_EQ(v, 1.0f);
  for (float v : ln.bias.span()) EXPECT_EQ(v, 0.0f);
  LayerNorm plain({3}, 1e-5f, /*elementwise_affine=*/false);
  EXPECT_TRUE(plain.parameters().empty());
}

}  // namespace
}  // namespace recur::nn
