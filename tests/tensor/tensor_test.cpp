#include "recur/tensor/tensor.h"

#include <gtest/gtest.h>

#include <cmath>

namespace recur {
namespace {

TEST(Tensor, FactoriesFillAndShape) {
  Tensor z = Tensor::zeros({2, 3});
  EXPECT_EQ(z.shape(), (Shape{2, 3}));
  EXPECT_EQ(z.numel(), 6);
  for (float v : z.span()) EXPECT_EQ(v, 0.0f);
  Tensor f = Tensor::full({4}, 2.5f);
  for (float v : f.span()) EXPECT_EQ(v, 2.5f);
  EXPECT_EQ(Tensor::scalar(3.0f).dim(), 0);
  EXPECT_EQ(Tensor::scalar(3.0f).item(), 3.0f);
  EXPECT_EQ(Tensor::zeros({0, 5}).numel(), 0);
}

TEST(Tensor, FromVectorChecksCount) {
  EXPECT_THROW(Tensor::from_vector({2, 2}, {1, 2, 3}), ShapeError);
  Tensor t = Tensor::from_vector({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(t.at({1, 0}), 3.0f);
  EXPECT_THROW(t.at({2, 0}), ShapeError);
  EXPECT_THROW(t.at({0}), ShapeError);
}

TEST(Tensor, CopiesShareStorageAndCloneDoesNot) {
  Tensor a = Tensor::zeros({3});
  Tensor b = a;
  b.data()[1] = 7.0f;
  EXPECT_EQ(a.data()[1], 7.0f);
  Tensor c = a.clone();
  c.data()[1] = 1.0f;
  EXPECT_EQ(a.data()[1], 7.0f);
  EXPECT_FALSE(c.shares_storage_with(a));
}

TEST(Tensor, RowViewsAliasTheParent) {
  Tensor t = Tensor::arange(12).view({3, 4});
  Tensor mid = t.rows(1, 3);
  EXPECT_EQ(mid.shape(), (Shape{2, 4}));
  EXPECT_EQ(mid.data()[0], 4.0f);
  Tensor r = t.row(2);
  EXPECT_EQ(r.shape(), (Shape{4}));
  r.data()[0] = -1.0f;
  EXPECT_EQ(t.at({2, 0}), -1.0f);
  EXPECT_THROW(t.rows(2, 5), ShapeError);
  EXPECT_THROW(t.row(3), ShapeError);
  EXPECT_EQ(t.rows(3, 3).numel(), 0);
}

TEST(Tensor, ViewInfersOneDimensionAndRejectsBadSizes) {
  Tensor t = Tensor::arange(12);
  EXPECT_EQ(t.view({-1, 3}).shape(), (Shape{4, 3}));
  EXPECT_THROW(t.view({5, -1}), ShapeError);
  EXPECT_THROW(t.view({-1, -1}), ShapeError);
  EXPECT_THROW(t.view({2, 2}), ShapeError);
}

TEST(Tensor, CheckShapeMessageNamesTensorAndBothShapes) {
  Tensor x = Tensor::zeros({3, 4});
  try {
    check_shape(x, {-1, -1, 3}, "lstm input", "[T, B, 3]");
    FAIL() << "no throw";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "lstm input: expected [T, B, 3], got [3, 4]");
  }
  EXPECT_NO_THROW(check_shape(x, {3, -1}, "x"));
  EXPECT_THROW(check_rank(x, 3, "x"), ShapeError);
}

TEST(Tensor, SameSeedSameNumbers) {
  Generator g1(42), g2(42), g3(43);
  Tensor a = Tensor::normal({100}, 0.0f, 1.0f, g1);
  Tensor b = Tensor::normal({100}, 0.0f, 1.0f, g2);
  Tensor c = Tensor::normal({100}, 0.0f, 1.0f, g3);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_NE(a.to_vector(), c.to_vector());
}

TEST(Tensor, RandomDistributionsHaveTheirMoments) {
  Generator gen(7);
  const int n = 200000;
  Tensor u = Tensor::uniform({n}, -1.0f, 3.0f, gen);
  Tensor z = Tensor::normal({n}, 2.0f, 0.5f, gen);
  Tensor b = Tensor::bernoulli({n}, 0.3f, gen);
  double su = 0, sz = 0, szz = 0, sb = 0;
  for (int i = 0; i < n; ++i) {
    EXPECT_GE(u.data()[i], -1.0f);
    EXPECT_LT(u.data()[i], 3.0f);
    su += u.data()[i];
    sz += z.data()[i];
    szz += (z.data()[i] - 2.0) * (z.data()[i] - 2.0);
    sb += b.data()[i];
  }
  EXPECT_NEAR(su / n, 1.0, 0.02);
  EXPECT_NEAR(sz / n, 2.0, 0.01);
  EXPECT_NEAR(std::sqrt(szz / n), 0.5, 0.01);
  EXPECT_NEAR(sb / n, 0.3, 0.01);
  EXPECT_THROW(Tensor::bernoulli({2}, 1.5f, gen), ValueError);
}

TEST(Tensor, PrintsLikePyTorch) {
  Tensor t = Tensor::from_vector({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(to_string(t), "tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]])");
  EXPECT_EQ(to_string(Tensor::scalar(0.5f)), "tensor(0.5000)");
  const std::string big = to_string(Tensor::zeros({2000}));
  EXPECT_NE(big.find("..."), std::string::npos);
  EXPECT_NE(big.find("shape=[2000]"), std::string::npos);
}

TEST(Tensor, NegativeShapeIsRejected) {
  EXPECT_THROW(Tensor::zeros({2, -1}), ValueError);
  EXPECT_THROW(Tensor::zeros({int64_t{1} << 40, int64_t{1} << 40}), ValueError);
}

}  // namespace
}  // namespace recur

namespace recur {
namespace {

TEST(Generator, StateRoundTripResumesTheSameStream) {
  Generator g(5);
  g.normal();  // leaves a spare normal pending
  const std::string saved = g.state();
  const float a = g.normal(), b = g.uniform01();
  Generator h(99);
  h.set_state(saved);
  EXPECT_EQ(h.normal(), a);
  EXPECT_EQ(h.uniform01(), b);
  EXPECT_THROW(h.set_state("not a state"), ValueError);
}

}  // namespace
}  // namespace recur
