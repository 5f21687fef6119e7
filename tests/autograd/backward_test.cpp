// The engine is tested with two tiny operations defined here (the real ops live in recur/ops and
// have their own tests): scale (y = k*x) and split_pair (one input, two outputs).
#include "recur/autograd/backward.h"

#include <gtest/gtest.h>

#include "recur/autograd/grad_mode.h"
#include "recur/autograd/node.h"

namespace recur {
namespace {

class ScaleBackward : public Node {
 public:
  explicit ScaleBackward(float k) : k_(k) {}
  std::vector<Tensor> backward(const std::vector<Tensor>& g) override {
    Tensor out = Tensor::empty(g[0].shape());
    for (int64_t i = 0; i < out.numel(); ++i) out.data()[i] = k_ * g[0].data()[i];
    return {out};
  }
  std::string name() const override { return "ScaleBackward"; }

 private:
  float k_;
};

Tensor scale(const Tensor& x, float k) {
  Tensor y = Tensor::empty(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) y.data()[i] = k * x.data()[i];
  if (needs_grad({x})) connect(std::make_shared<ScaleBackward>(k), {x}, {&y});
  return y;
}

// y0 = 2*x, y1 = 3*x: a node with two outputs.
class PairBackward : public Node {
 public:
  std::vector<Tensor> backward(const std::vector<Tensor>& g) override {
    Tensor out = Tensor::empty(g[0].shape());
    for (int64_t i = 0; i < out.numel(); ++i)
      out.data()[i] = 2 * g[0].data()[i] + 3 * g[1].data()[i];
    return {out};
  }
  std::string name() const override { return "PairBackward"; }
};

std::pair<Tensor, Tensor> pair(const Tensor& x) {
  Tensor a = Tensor::empty(x.shape()), b = Tensor::empty(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) {
    a.data()[i] = 2 * x.data()[i];
    b.data()[i] = 3 * x.data()[i];
  }
  if (needs_grad({x})) connect(std::make_shared<PairBackward>(), {x}, {&a, &b});
  return {a, b};
}

Tensor leaf(float v) { return Tensor::full({1}, v).set_requires_grad(true); }

TEST(Backward, ChainMultipliesFactors) {
  Tensor x = leaf(1.0f);
  scale(scale(x, 2.0f), 5.0f).backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 10.0f);
}

TEST(Backward, GradientsAccumulateAcrossCallsAndZeroGradClears) {
  Tensor x = leaf(1.0f);
  scale(x, 3.0f).backward();
  scale(x, 3.0f).backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 6.0f);
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Backward, MultiOutputNodeReceivesBothGradientsAndMissingOnesAreZero) {
  Tensor x = leaf(1.0f);
  auto [a, b] = pair(x);
  // d/dx (5a + 7b) = 5*2 + 7*3
  Tensor s = scale(a, 5.0f);
  Tensor t = scale(b, 7.0f);
  // Join the two branches through a second pair-like sum using the engine's accumulation:
  s.backward();
  t.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 31.0f);
  x.zero_grad();
  auto [c, d] = pair(x);
  scale(c, 1.0f).backward();  // no gradient flows into d: treated as zero
  EXPECT_FLOAT_EQ(x.grad().item(), 2.0f);
}

TEST(Backward, DiamondRunsEachNodeOnceWithSummedGradient) {
  Tensor x = leaf(1.0f);
  Tensor h = scale(x, 2.0f);
  // Both branches of h meet in one node that has h twice as input.
  class SumBackward : public Node {
   public:
    std::vector<Tensor> backward(const std::vector<Tensor>& g) override { return {g[0], g[0]}; }
    std::string name() const override { return "SumBackward"; }
  };
  Tensor y = Tensor::full({1}, h.item() * 2);
  connect(std::make_shared<SumBackward>(), {scale(h, 1.0f), scale(h, 4.0f)}, {&y});
  y.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 2.0f * (1.0f + 4.0f));
}

TEST(Backward, NoGradGuardAndDetachRecordNothing) {
  Tensor x = leaf(1.0f);
  {
    NoGradGuard guard;
    Tensor y = scale(x, 2.0f);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
  }
  EXPECT_TRUE(GradMode::is_enabled());
  Tensor d = scale(x, 2.0f).detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_THROW(d.backward(), Error);
}

TEST(Backward, NonScalarRootNeedsAnExplicitGradient) {
  Tensor x = Tensor::ones({3}).set_requires_grad(true);
  Tensor y = scale(x, 2.0f);
  EXPECT_THROW(y.backward(), ShapeError);
  EXPECT_THROW(y.backward(Tensor::ones({2})), ShapeError);
  y.backward(Tensor::from_vector({3}, {1, 2, 3}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 4, 6}));
}

TEST(Backward, GradFunctionLeavesDotGradUntouched) {
  Tensor x = leaf(1.0f);
  Tensor h = scale(x, 2.0f);
  Tensor y = scale(h, 3.0f);
  auto g = grad(y, {x, h});
  EXPECT_FLOAT_EQ(g[0].item(), 6.0f);
  EXPECT_FLOAT_EQ(g[1].item(), 3.0f);
  EXPECT_FALSE(x.grad().defined());
  Tensor unrelated = leaf(5.0f);
  EXPECT_FLOAT_EQ(grad(y, {unrelated})[0].item(), 0.0f);
}

TEST(Backward, OnlyLeavesCanBeMarked) {
  Tensor x = leaf(1.0f);
  Tensor y = scale(x, 2.0f);
  EXPECT_THROW(y.set_requires_grad(true), Error);
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(y.is_leaf());
}

TEST(Backward, NodeReturningWrongShapeIsReported) {
  class BadBackward : public Node {
   public:
    std::vector<Tensor> backward(const std::vector<Tensor>&) override {
      return {Tensor::zeros({5})};
    }
    std::string name() const override { return "BadBackward"; }
  };
  Tensor x = leaf(1.0f);
  Tensor y = Tensor::zeros({1});
  connect(std::make_shared<BadBackward>(), {x}, {&y});
  try {
    y.backward();
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("BadBackward"), std::string::npos);
  }
}

}  // namespace
}  // namespace recur
