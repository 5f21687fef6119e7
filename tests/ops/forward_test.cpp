// Forward values of the ops that have no PyTorch fixture (those are in parity_test.cpp), checked
// against small hand computations or naive loops.
#include <gtest/gtest.h>

#include "recur/ops/ops.h"

namespace recur {
namespace {

Tensor vec(const Shape& s, std::vector<float> v) { return Tensor::from_vector(s, std::move(v)); }

void expect_values(const Tensor& t, const Shape& shape, const std::vector<float>& values) {
  ASSERT_EQ(t.shape(), shape);
  ASSERT_EQ(t.numel(), static_cast<int64_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) EXPECT_FLOAT_EQ(t.data()[i], values[i]) << i;
}

TEST(OpsForward, BroadcastingFollowsNumpy) {
  const Tensor a = vec({2, 1}, {1, 2});
  const Tensor b = vec({3}, {10, 20, 30});
  expect_values(a + b, {2, 3}, {11, 21, 31, 12, 22, 32});
  expect_values(b - a, {2, 3}, {9, 19, 29, 8, 18, 28});
  expect_values(a * Tensor::scalar(3), {2, 1}, {3, 6});
  expect_values(b / a, {2, 3}, {10, 20, 30, 5, 10, 15});
  EXPECT_EQ(broadcast_shapes({4, 1, 3}, {2, 1}), (Shape{4, 2, 3}));
  EXPECT_EQ(broadcast_shapes({0, 3}, {1, 3}), (Shape{0, 3}));
  EXPECT_EQ((Tensor::zeros({0, 3}) + b).shape(), (Shape{0, 3}));
  expect_values(2.0f - a, {2, 1}, {1, 0});
  expect_values(6.0f / a, {2, 1}, {6, 3});
  expect_values(-a, {2, 1}, {-1, -2});
}

TEST(OpsForward, MatmulAndLinearMatchNaiveLoops) {
  Generator gen(3);
  const Tensor a = Tensor::uniform({2, 3, 4}, -1, 1, gen);
  const Tensor w = Tensor::uniform({5, 4}, -1, 1, gen);
  const Tensor bias = Tensor::uniform({5}, -1, 1, gen);
  const Tensor y = linear(a, w, bias);
  const Tensor m = matmul(a, transpose(w, 0, 1));
  ASSERT_EQ(y.shape(), (Shape{2, 3, 5}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t t = 0; t < 3; ++t) {
      for (int64_t o = 0; o < 5; ++o) {
        double acc = 0;
        for (int64_t k = 0; k < 4; ++k) acc += a.at({i, t, k}) * w.at({o, k});
        EXPECT_NEAR(m.at({i, t, o}), acc, 1e-5);
        EXPECT_NEAR(y.at({i, t, o}), acc + bias.at({o}), 1e-5);
      }
    }
  }
  const Tensor b = Tensor::uniform({2, 4, 3}, -1, 1, gen);
  const Tensor bm = matmul(a, b);
  for (int64_t i = 0; i < 2; ++i) {
    double acc = 0;
    for (int64_t k = 0; k < 4; ++k) acc += a.at({i, 1, k}) * b.at({i, k, 2});
    EXPECT_NEAR(bm.at({i, 1, 2}), acc, 1e-5);
  }
  // b read transposed in place equals the product with a transposed copy.
  const Tensor bt = Tensor::uniform({2, 6, 4}, -1, 1, gen);
  EXPECT_LE(max_abs_diff(matmul_transposed(a, bt), matmul(a, transpose(bt, 1, 2))), 1e-6f);
  EXPECT_THROW(matmul_transposed(a, Tensor::zeros({2, 6, 3})), ShapeError);
}

TEST(OpsForward, Reductions) {
  const Tensor x = vec({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(sum(x), {}, {21});
  expect_values(mean(x), {}, {3.5f});
  expect_values(sum(x, 0), {3}, {5, 7, 9});
  expect_values(sum(x, -1, true), {2, 1}, {6, 15});
  expect_values(mean(x, 1), {2}, {2, 5});
  EXPECT_TRUE(std::isnan(mean(Tensor::zeros({0})).item()));
  expect_values(sum(Tensor::zeros({0, 3}), 0), {3}, {0, 0, 0});
}

TEST(OpsForward, ShapeOps) {
  const Tensor x = vec({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(transpose(x, 0, 1), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect_values(reshape(x, {-1}), {6}, {1, 2, 3, 4, 5, 6});
  expect_values(cat({x, vec({1, 3}, {7, 8, 9})}, 0), {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  expect_values(cat({x, vec({2, 1}, {7, 8})}, 1), {2, 4}, {1, 2, 3, 7, 4, 5, 6, 8});
  const auto parts = split(x, {2, 1}, 1);
  expect_values(parts[0], {2, 2}, {1, 2, 4, 5});
  expect_values(parts[1], {2, 1}, {3, 6});
  expect_values(slice(x, 1, 1, 3), {2, 2}, {2, 3, 5, 6});
  expect_values(select(x, 1, -1), {2}, {3, 6});
  expect_values(index_select(x, 1, {2, 0, 2}), {2, 3}, {3, 1, 3, 6, 4, 6});
  expect_values(unsqueeze(x, 1), {2, 1, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(squeeze(unsqueeze(x, -1), 2), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(stack({x, x * 10.0f}, 1), {2, 2, 3}, {1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60});
  const Tensor t3 = reshape(Tensor::arange(24), {2, 3, 4});
  const Tensor tt = transpose(t3, 0, 2);
  ASSERT_EQ(tt.shape(), (Shape{4, 3, 2}));
  EXPECT_EQ(tt.at({3, 1, 0}), t3.at({0, 1, 3}));
  EXPECT_EQ(tt.at({2, 2, 1}), t3.at({1, 2, 2}));
}

TEST(OpsForward, DropoutScalesSurvivorsAndIsReproducible) {
  const Tensor x = Tensor::ones({100, 100});
  Generator g1(5), g2(5);
  const Tensor a = dropout(x, 0.3f, true, g1);
  const Tensor b = dropout(x, 0.3f, true, g2);
  int64_t zeros = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const float v = a.data()[i];
    if (v == 0.0f)
      ++zeros;
    else
      EXPECT_FLOAT_EQ(v, 1.0f / 0.7f);
    EXPECT_EQ(v, b.data()[i]);
  }
  EXPECT_NEAR(static_cast<double>(zeros) / a.numel(), 0.3, 0.02);  // 10^4 draws: sd ~0.005
  // Identity when not training or p == 0 (same storage: no copy, no node).
  EXPECT_TRUE(dropout(x, 0.3f, false).shares_storage_with(x));
  EXPECT_TRUE(dropout(x, 0.0f, true).shares_storage_with(x));
}

TEST(OpsForward, LayerNormNormalisesEachRow) {
  Generator gen(9);
  const Tensor x = Tensor::uniform({4, 6}, -3, 5, gen);
  const Tensor y = layer_norm(x, {6});
  for (int64_t r = 0; r < 4; ++r) {
    double m = 0, v = 0;
    for (int64_t j = 0; j < 6; ++j) m += y.at({r, j}) / 6.0;
    for (int64_t j = 0; j < 6; ++j) v += (y.at({r, j}) - m) * (y.at({r, j}) - m) / 6.0;
    EXPECT_NEAR(m, 0.0, 1e-6);
    EXPECT_NEAR(v, 1.0, 1e-3);  // eps = 1e-5 shrinks it a little
  }
  const Tensor w = Tensor::full({6}, 2.0f);
  const Tensor b = Tensor::full({6}, 1.0f);
  const Tensor z = layer_norm(x, {6}, w, b);
  for (int64_t i = 0; i < z.numel(); ++i) EXPECT_FLOAT_EQ(z.data()[i], 2 * y.data()[i] + 1);
}

TEST(OpsForward, EmbeddingLooksUpRows) {
  const Tensor w = vec({3, 2}, {0, 1, 10, 11, 20, 21});
  expect_values(embedding(w, {2, 0, 2}, {3}), {3, 2}, {20, 21, 0, 1, 20, 21});
  EXPECT_EQ(embedding(w, {1, 1, 0, 2}, {2, 2}).shape(), (Shape{2, 2, 2}));
}

TEST(OpsForward, SoftmaxIsStableForLargeLogits) {
  const Tensor x = vec({1, 3}, {1000, 1001, 1002});
  const Tensor p = softmax(x, 1);
  const Tensor lp = log_softmax(x, 1);
  EXPECT_NEAR(p.at({0, 2}), 0.66524096f, 1e-6f);
  EXPECT_NEAR(lp.at({0, 0}), -2.40760596f, 1e-5f);
  EXPECT_TRUE(std::isfinite(log_softmax(vec({2}, {0, -200}), 0).at({1})));
}

TEST(OpsForward, CrossEntropyMeanWithAllPositionsIgnoredIsNan) {
  const Tensor x = Tensor::zeros({2, 3});
  EXPECT_TRUE(std::isnan(cross_entropy(x, {-100, -100}).item()));
  CrossEntropyOptions sum_opts;
  sum_opts.reduction = Reduction::Sum;
  EXPECT_EQ(cross_entropy(x, {-100, -100}, sum_opts).item(), 0.0f);
}

}  // namespace
}  // namespace recur
