// Linear, Embedding, LayerNorm, Dropout and Sequential against PyTorch fixtures
// (tools/fixtures/make_nn_optim_fixtures.py) and their own contracts.
#include <gtest/gtest.h>

#include <cmath>

#include "recur/io/safetensors.h"
#include "recur/nn/dropout.h"
#include "recur/nn/embedding.h"
#include "recur/nn/layer_norm.h"
#include "recur/nn/linear.h"
#include "recur/nn/sequential.h"
#include "recur/ops/activation.h"
#include "test_support.h"

namespace recur::nn {
namespace {

// The entries of `all` whose key starts with `prefix`, with the prefix removed.
TensorMap with_prefix(const TensorMap& all, const std::string& prefix) {
  TensorMap out;
  for (const auto& [key, t] : all) {
    if (key.starts_with(prefix)) out[key.substr(prefix.size())] = t;
  }
  return out;
}

void expect_close(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  EXPECT_TRUE(allclose(got, want, 1e-5f, 1e-5f))
      << what << ": max abs diff " << max_abs_diff(got, want);
}

// Loads a fixture case's parameters into `module`, runs `forward` on its input, back-propagates
// its output gradient and compares the output and every gradient.
template <class Forward>
void check_against_fixture(Module& module, const TensorMap& fx, const std::string& prefix,
                           const Forward& forward) {
  module.load_state_dict(with_prefix(fx, prefix + "param."));
  Tensor x = fx.at(prefix + "input").clone().set_requires_grad(true);
  Tensor y = forward(x);
  expect_close(y, fx.at(prefix + "output"), prefix + "output");
  y.backward(fx.at(prefix + "gout"));
  expect_close(x.grad(), fx.at(prefix + "grad.input"), prefix + "grad.input");
  for (const auto& [name, p] : module.named_parameters()) {
    expect_close(p.grad(), fx.at(prefix + "grad.param." + name), prefix + "grad " + name);
  }
}

TEST(Linear, MatchesPyTorchForwardAndGradients) {
  const TensorMap fx = io::load_safetensors(testing::fixture_path("nn/linear.safetensors"));
  Generator gen(0);
  Linear fc(4, 3, true, gen);
  check_against_fixture(fc, fx, "", [&](const Tensor& x) { return fc.forward(x); });
}

TEST(Linear, RejectsWrongInputWidth) {
  Generator gen(0);
  Linear fc(4, 3, false, gen);
  EXPECT_FALSE(fc.bias.defined());
  EXPECT_EQ(fc.parameters().size(), 1u);
  try {
    fc.forward(Tensor::zeros({2, 5}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "Linear input: expected [..., 4], got [2, 5]");
  }
}

TEST(LayerNorm, MatchesPyTorchForwardAndGradients) {
  const TensorMap fx = io::load_safetensors(testing::fixture_path("nn/layer_norm.safetensors"));
  LayerNorm a({5}, 1e-5f);
  check_against_fixture(a, fx, "a.", [&](const Tensor& x) { return a.forward(x); });
  LayerNorm b({4, 5}, 1e-3f);
  check_against_fixture(b, fx, "b.", [&](const Tensor& x) { return b.forward(x); });
  EXPECT_THROW(b.forward(Tensor::zeros({2, 5, 4})), ShapeError);
}

TEST(Embedding, MatchesPyTorchWithPaddingIdx) {
  const TensorMap fx = io::load_safetensors(testing::fixture_path("nn/embedding.safetensors"));
  Generator gen(0);
  Embedding emb(6, 3, /*padding_idx=*/1, gen);
  emb.load_state_dict(with_prefix(fx, "param."));
  Tensor y = emb.forward(fx.at("indices"));
  expect_close(y, fx.at("output"), "output");
  y.backward(fx.at("gout"));
  expect_close(emb.weight.grad(), fx.at("grad.param.weight"), "grad.weight");
  for (float g : emb.weight.grad().row(1).span()) EXPECT_EQ(g, 0.0f);  // padding row
}

TEST(Embedding, RejectsNonIntegerAndOutOfRangeIndices) {
  Generator gen(0);
  Embedding emb(4, 2, std::nullopt, gen);
  EXPECT_THROW(emb.forward(Tensor::from_vector({2}, {0.0f, 1.5f})), ValueError);
  EXPECT_THROW(emb.forward(std::vector<int64_t>{0, 4}, {2}), ValueError);
  EXPECT_EQ(emb.forward(std::vector<int64_t>{3, 0, 1}, {3}).shape(), (Shape{3, 2}));
}

TEST(Dropout, ScalesSurvivorsInTrainingAndIsIdentityInEval) {
  Generator gen(7);
  Dropout drop(0.25f, gen);
  const Tensor x = Tensor::ones({10000});
  const Tensor y = drop.forward(x);
  int64_t zeros = 0;
  for (float v : y.span()) {
    if (v == 0.0f) {
      ++zeros;
    } else {
      EXPECT_FLOAT_EQ(v, 1.0f / 0.75f);
    }
  }
  EXPECT_NEAR(static_cast<double>(zeros) / 10000.0, 0.25, 0.02);
  drop.eval();
  EXPECT_EQ(max_abs_diff(drop.forward(x), x), 0.0f);
  EXPECT_THROW(Dropout(1.0f), ValueError);
  EXPECT_THROW(Dropout(-0.1f), ValueError);
}

TEST(Sequential, ComposesStepsInOrderAndNamesThemByIndex) {
  Generator gen(3);
  Sequential net(std::make_shared<Linear>(3, 5, true, gen));
  net.push_back([](const Tensor& x) { return tanh(x); }, "Tanh");
  auto last = net.push_back(std::make_shared<Linear>(5, 2, true, gen));
  EXPECT_EQ(net.size(), 3u);
  EXPECT_EQ(net.named_parameters().back().first, "2.bias");

  const Tensor x = Tensor::uniform({4, 3}, -1.0f, 1.0f, gen);
  const auto first = net.at<Linear>(0);
  const Tensor want = last->forward(tanh(first->forward(x)));
  EXPECT_EQ(max_abs_diff(net.forward(x), want), 0.0f);
}

}  // namespace
}  // namespace recur::nn
