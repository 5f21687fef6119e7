// How the ops interact with the autograd engine: graph recording switches, detach, gradient
// accumulation, fan-out, one node per op, and the gradient checker's own ability to fail.
#include <gtest/gtest.h>

#include "gradcheck.h"
#include "recur/autograd/backward.h"
#include "recur/autograd/grad_mode.h"
#include "recur/autograd/node.h"
#include "recur/ops/ops.h"

namespace recur {
namespace {

Tensor param(const Shape& shape, uint64_t seed = 1) {
  Generator gen(seed);
  return Tensor::uniform(shape, -1.0f, 1.0f, gen).set_requires_grad(true);
}

TEST(OpsAutograd, NoGradGuardRecordsNoGraph) {
  Tensor x = param({2, 3});
  Tensor w = param({4, 3}, 2);
  NoGradGuard guard;
  const std::vector<Tensor> outs = {x + x,
                                    x * 2.0f,
                                    tanh(x),
                                    linear(x, w),
                                    sum(x),
                                    mean(x, 1),
                                    softmax(x, -1),
                                    log_softmax(x, 0),
                                    reshape(x, {3, 2}),
                                    transpose(x, 0, 1),
                                    cat({x, x}, 0),
                                    split(x, {1, 2}, 1)[0],
                                    select(x, 0, 1),
                                    stack({x, x}, 0),
                                    layer_norm(x, {3}),
                                    dropout(x, 0.5f, true),
                                    embedding(w, {0, 1}, {2}),
                                    mse_loss(x, x.detach()),
                                    cross_entropy(x, {0, 2})};
  for (const Tensor& y : outs) {
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
  }
}

TEST(OpsAutograd, DetachCutsTheGraph) {
  Tensor x = param({3});
  Tensor y = tanh(x);
  Tensor z = sum(y.detach() * x);  // d z / d x = tanh(x), no path through y
  z.backward();
  for (int64_t i = 0; i < 3; ++i) EXPECT_FLOAT_EQ(x.grad().data()[i], std::tanh(x.data()[i]));
  EXPECT_FALSE(y.detach().requires_grad());
  EXPECT_TRUE(y.detach().shares_storage_with(y));
}

TEST(OpsAutograd, GradientsAccumulateOverTwoBackwardPasses) {
  Tensor x = param({2, 2});
  Tensor w = param({3, 2}, 3);
  sum(linear(x, w)).backward();
  const Tensor first = x.grad().clone();
  sum(linear(x, w)).backward();
  for (int64_t i = 0; i < x.numel(); ++i) {
    EXPECT_FLOAT_EQ(x.grad().data()[i], 2.0f * first.data()[i]);
  }
}

TEST(OpsAutograd, TensorUsedTwiceGetsTheSumOfBothGradients) {
  Tensor x = param({4});
  Tensor y = sum(x * x + exp(x));  // dy/dx = 2x + exp(x), through three uses of x
  y.backward();
  for (int64_t i = 0; i < 4; ++i) {
    const float v = x.data()[i];
    EXPECT_NEAR(x.grad().data()[i], 2.0f * v + std::exp(v), 1e-6f);
  }
}

TEST(OpsAutograd, IntermediateUsedTwiceGetsTheSumOfBothGradients) {
  Tensor x = param({3});
  Tensor h = sigmoid(x);
  sum(h * 3.0f + h * h).backward();  // d/dh = 3 + 2h, times h(1-h)
  for (int64_t i = 0; i < 3; ++i) {
    const float s = 1.0f / (1.0f + std::exp(-x.data()[i]));
    EXPECT_NEAR(x.grad().data()[i], (3.0f + 2.0f * s) * s * (1.0f - s), 1e-6f);
  }
}

// Every op leaves exactly one node, whose inputs are the op's inputs.
TEST(OpsAutograd, EachOpRecordsOneNode) {
  Tensor x = param({2, 3});
  Tensor w = param({4, 3}, 2);
  Tensor b = param({4}, 3);
  const Tensor y = linear(x, w, b);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "LinearBackward");
  ASSERT_EQ(y.grad_fn()->inputs().size(), 3u);
  for (const Edge& e : y.grad_fn()->inputs()) {
    EXPECT_EQ(e.node, nullptr);  // straight to the leaves: no hidden intermediate nodes
    EXPECT_NE(e.leaf, nullptr);
  }
  const Tensor l = cross_entropy(y, {0, 3});
  ASSERT_EQ(l.grad_fn()->inputs().size(), 1u);
  EXPECT_EQ(l.grad_fn()->inputs()[0].node, y.grad_fn());
  const std::vector<Tensor> parts = split(y, {1, 3}, 1);
  EXPECT_EQ(parts[0].grad_fn(), parts[1].grad_fn());  // one node, two outputs
}

TEST(OpsAutograd, NoGradientForInputsThatDoNotNeedIt) {
  Tensor x = Tensor::ones({2, 3});  // constant
  Tensor w = param({4, 3});
  sum(linear(x, w)).backward();
  EXPECT_FALSE(x.grad().defined());
  ASSERT_TRUE(w.grad().defined());
  for (float g : w.grad().span()) EXPECT_FLOAT_EQ(g, 2.0f);  // two rows of ones
}

// An op with a deliberately wrong backward: the checker must notice and name the element.
Tensor wrong_square(const Tensor& x) {
  struct WrongSquare : Node {
    Tensor x;
    std::vector<Tensor> backward(const std::vector<Tensor>& g) override {
      Tensor dx = x.clone();
      for (int64_t i = 0; i < dx.numel(); ++i) {
        dx.data()[i] = g[0].data()[i] * 2.0f * x.data()[i] * (i == 4 ? 1.1f : 1.0f);
      }
      return {dx};
    }
    std::string name() const override { return "WrongSquare"; }
  };
  Tensor y = Tensor::empty(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) y.data()[i] = x.data()[i] * x.data()[i];
  if (needs_grad({x})) {
    auto node = std::make_shared<WrongSquare>();
    node->x = x.detach();
    connect(node, {x}, {&y});
  }
  return y;
}

TEST(Gradcheck, CatchesAWrongGradientAndNamesTheElement) {
  Tensor x = Tensor::full({2, 3}, 1.5f).set_requires_grad(true);
  auto fn = [](const std::vector<Tensor>& in) { return wrong_square(in[0]); };
  const testing::GradcheckResult r = testing::gradcheck(fn, {x});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.worst_input, 0u);
  EXPECT_EQ(r.worst_index, 4);
  EXPECT_NE(r.message.find("[1, 1]"), std::string::npos) << r.message;
  EXPECT_FALSE(x.grad().defined());  // the checker works on copies
}

TEST(Gradcheck, FailsWhenNoGraphWasRecorded) {
  Tensor x = Tensor::ones({2}).set_requires_grad(true);
  auto fn = [](const std::vector<Tensor>& in) { return in[0].detach(); };
  EXPECT_FALSE(testing::gradcheck(fn, {x}).ok);
}

TEST(OpsAutograd, EmbeddingPaddingRowGetsNoGradient) {
  Tensor w = param({5, 3});
  const Tensor y = embedding(w, {1, 4, 1, 0, 1}, {5}, /*padding_idx=*/1);
  sum(y * 2.0f).backward();
  const Tensor g = w.grad();
  for (int64_t j = 0; j < 3; ++j) {
    EXPECT_EQ(g.at({1, j}), 0.0f);  // padding row: no gradient although it was looked up
    EXPECT_EQ(g.at({0, j}), 2.0f);
    EXPECT_EQ(g.at({4, j}), 2.0f);
    EXPECT_EQ(g.at({2, j}), 0.0f);  // never looked up
  }
  // The padding row is still looked up in the forward pass.
  EXPECT_EQ(y.at({0, 0}), w.at({1, 0}));
}

}  // namespace
}  // namespace recur
