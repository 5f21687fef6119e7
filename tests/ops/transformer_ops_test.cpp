// add_layer_norm against layer_norm of the sum (outputs and gradients), finite differences, and
// hashed_dropout's distribution, reproducibility, gradient and errors
// (recur/ops/transformer_ops.h).
#include "recur/ops/transformer_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/autograd/backward.h"
#include "recur/autograd/grad_mode.h"
#include "recur/ops/activation.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/matmul.h"
#include "recur/ops/normalization.h"
#include "recur/ops/reduction.h"

namespace recur {
namespace {

using testing::error_message;

TEST(AddLayerNorm, MatchesLayerNormOfTheSumWithGradients) {
  Generator gen(1);
  for (int64_t n : {5, 16, 37}) {  // below, at and past the 16 lanes
    const Tensor x = Tensor::normal({3, 2, n}, 1, 2, gen).set_requires_grad(true);
    const Tensor r = Tensor::normal({3, 2, n}, 0, 1, gen).set_requires_grad(true);
    const Tensor w = Tensor::normal({n}, 1, 0.5, gen).set_requires_grad(true);
    const Tensor b = Tensor::normal({n}, 0, 0.5, gen).set_requires_grad(true);
    const Tensor gout = Tensor::normal({3, 2, n}, 0, 1, gen);
    for (bool with_residual : {true, false}) {
      const Tensor want = layer_norm(with_residual ? x + r : x, {n}, w, b, 1e-5f);
      const Tensor got = add_layer_norm(x, with_residual ? r : Tensor(), w, b, 1e-5f);
      EXPECT_LT(max_abs_diff(got, want), 2e-6f) << n;
      const auto gw = grad(sum(want * gout), {x, w, b});
      const auto gg = grad(sum(got * gout), {x, w, b});
      for (size_t i = 0; i < 3; ++i) EXPECT_LT(max_abs_diff(gg[i], gw[i]), 1e-5f) << n << " " << i;
      if (with_residual) {
        EXPECT_EQ(max_abs_diff(grad(sum(got * gout), {r})[0], gg[0]), 0.0f);
      }
    }
    NoGradGuard no_grad;  // the inference path writes y without the saved x_hat
    EXPECT_LT(max_abs_diff(add_layer_norm(x, r, w, b), layer_norm(x + r, {n}, w, b)), 2e-6f);
  }
}

TEST(AddLayerNorm, GradientsMatchFiniteDifferences) {
  Generator gen(2);
  std::vector<Tensor> in = {Tensor::normal({2, 19}, 0, 1, gen), Tensor::normal({2, 19}, 0, 1, gen),
                            Tensor::normal({19}, 1, 0.5, gen), Tensor::normal({19}, 0, 1, gen)};
  for (Tensor& t : in) t.set_requires_grad(true);
  auto result = testing::gradcheck(
      [](const std::vector<Tensor>& t) { return add_layer_norm(t[0], t[1], t[2], t[3]); }, in);
  EXPECT_TRUE(result) << result.message;
  EXPECT_EQ(error_message<ShapeError>([&] {
              add_layer_norm(in[0], Tensor::zeros({2, 18}), in[2], in[3]);
            }),
            "add_layer_norm residual: expected [2, 19], got [2, 18]");
  EXPECT_EQ(error_message<ShapeError>(
                [&] { add_layer_norm(in[0], in[1], in[3].detach(), Tensor::zeros({3})); }),
            "add_layer_norm bias: expected [19], got [3]");
}

TEST(LinearActivation, MatchesTheActivationOfLinearWithGradients) {
  Generator gen(4);
  const Tensor x = Tensor::normal({2, 3, 7}, 0, 1, gen).set_requires_grad(true);
  const Tensor w = Tensor::normal({5, 7}, 0, 0.5, gen).set_requires_grad(true);
  const Tensor b = Tensor::normal({5}, 0, 0.5, gen).set_requires_grad(true);
  const Tensor gout = Tensor::normal({2, 3, 5}, 0, 1, gen);
  for (auto act : {FeedForwardActivation::Relu, FeedForwardActivation::Gelu}) {
    const bool is_gelu = act == FeedForwardActivation::Gelu;
    const Tensor want = is_gelu ? gelu(linear(x, w, b)) : relu(linear(x, w, b));
    const Tensor got = linear_activation(x, w, b, act);
    EXPECT_LT(max_abs_diff(got, want), 1e-6f);
    const auto gw = grad(sum(want * gout), {x, w, b});
    const auto gg = grad(sum(got * gout), {x, w, b});
    for (size_t i = 0; i < 3; ++i) EXPECT_LT(max_abs_diff(gg[i], gw[i]), 1e-5f) << i;
    std::vector<Tensor> in = {x, w, b};
    auto result = testing::gradcheck(
        [&](const std::vector<Tensor>& t) { return linear_activation(t[0], t[1], t[2], act); }, in);
    EXPECT_TRUE(result) << (is_gelu ? "gelu: " : "relu: ") << result.message;
  }
  EXPECT_LT(max_abs_diff(linear_activation(x, w, Tensor(), FeedForwardActivation::Relu),
                         relu(linear(x, w))),
            1e-6f);
  EXPECT_EQ(error_message<ShapeError>([&] {
              linear_activation(Tensor::zeros({2, 6}), w, b, FeedForwardActivation::Relu);
            }),
            "linear_activation: input [2, 6] does not match weight [5, 7] (expected [..., 7])");
}

TEST(HashedDropout, DropsAboutPAndScalesTheRestReproducibly) {
  Generator gen(3);
  const Tensor x = Tensor::ones({200, 500}).set_requires_grad(true);
  for (float p : {0.1f, 0.5f}) {
    gen.seed(11);
    const Tensor y = hashed_dropout(x, p, true, gen);
    int64_t zeros = 0;
    for (float v : y.span()) {
      if (v == 0.0f) {
        ++zeros;
      } else {
        EXPECT_FLOAT_EQ(v, 1.0f / (1.0f - p));
      }
    }
    // 100,000 draws: the dropped fraction is within 5 standard deviations of p.
    const double frac = static_cast<double>(zeros) / static_cast<double>(x.numel());
    EXPECT_NEAR(frac, p, 5 * std::sqrt(p * (1 - p) / static_cast<double>(x.numel())));
    gen.seed(11);
    EXPECT_EQ(max_abs_diff(hashed_dropout(x, p, true, gen), y), 0.0f);
    EXPECT_GT(max_abs_diff(hashed_dropout(x, p, true, gen), y), 0.0f);  // the next call differs
    // The gradient is the mask itself.
    EXPECT_EQ(max_abs_diff(grad(sum(y), {x})[0], y.detach()), 0.0f);
  }
  EXPECT_EQ(hashed_dropout(x, 0.5f, false, gen).impl_ptr(), x.impl_ptr());
  EXPECT_EQ(error_message<ValueError>([&] { hashed_dropout(x, 1.0f, true, gen); }),
            "hashed_dropout: probability p must be in [0, 1), got 1.000000");
}

}  // namespace
}  // namespace recur
