// TransformerEncoderLayer, TransformerEncoder and the positional encodings against PyTorch
// (tools/fixtures/make_transformer_fixtures.py): outputs and the gradients of the input and
// every parameter for relu/gelu, post-/pre-norm, both layouts, padding and causal masks, two
// layers with a final norm, and PyTorch's eval fast path; finite-difference gradient checks;
// dropout; shape and configuration errors.
#include "recur/nn/transformer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/io/safetensors.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/reduction.h"
#include "recur/ops/shape.h"
#include "test_support.h"

namespace recur::nn {
namespace {

using testing::Contains;
using testing::error_message;

TensorMap with_prefix(const TensorMap& all, const std::string& prefix) {
  TensorMap out;
  for (const auto& [key, t] : all) {
    if (key.starts_with(prefix)) out[key.substr(prefix.size())] = t;
  }
  return out;
}

// Within `rel` of PyTorch's float64 answer, relative to the tensor's largest entry or 1: a
// float32 sum rounds at the size of its terms, however small the sum.
void expect_close(const Tensor& got, const Tensor& want, const std::string& what,
                  float rel = 1e-5f) {
  ASSERT_TRUE(got.defined()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  float scale = 1;
  for (float w : want.span()) scale = std::max(scale, std::abs(w));
  EXPECT_TRUE(allclose(got, want, 0.0f, rel * scale))
      << what << ": max abs diff " << max_abs_diff(got, want) << " at scale " << scale;
}

struct Case {
  const char* name;
  TransformerActivation activation;
  bool norm_first;
  bool batch_first;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

TransformerEncoderLayerOptions fixture_options(const std::string& file, const Case& c,
                                               float dropout = 0.0f) {
  const auto meta = io::read_safetensors(file).metadata;
  return {.d_model = std::stoll(meta.at("D")),
          .nhead = std::stoll(meta.at("H")),
          .dim_feedforward = std::stoll(meta.at("FFN")),
          .dropout = dropout,
          .activation = c.activation,
          .batch_first = c.batch_first,
          .norm_first = c.norm_first};
}

AttentionMask padding_mask(const TensorMap& fx, const std::string& key) {
  if (!fx.contains(key)) return {};
  return AttentionMask::masked(IndexTensor::from_float(fx.at(key)));
}

AttentionMask src_mask(const TensorMap& fx, const std::string& key) {
  return fx.contains(key) ? AttentionMask::additive(fx.at(key)) : AttentionMask();
}

// Runs `forward` on the case's src and checks the output and every gradient.
template <class M>
void expect_case_matches(M& module, const TensorMap& fx, const std::string& c) {
  module.load_state_dict(with_prefix(fx, c + "param."));  // strict: PyTorch's names and shapes
  module.zero_grad();
  Tensor src = fx.at(c + "src").clone().set_requires_grad(true);
  const Tensor out =
      module.forward(src, src_mask(fx, c + "src_mask"), padding_mask(fx, c + "key_padding_mask"));
  expect_close(out, fx.at(c + "output"), "output");
  sum(out * fx.at(c + "gout")).backward();
  expect_close(src.grad(), fx.at(c + "grad.src"), "grad src");
  for (const auto& [name, p] : module.named_parameters()) {
    expect_close(p.grad(), fx.at(c + "grad.param." + name), "grad " + name);
  }
}

class LayerParity : public ::testing::TestWithParam<Case> {};

TEST_P(LayerParity, MatchesTorchTransformerEncoderLayer) {
  const Case& tc = GetParam();
  const std::string file = testing::fixture_path("nn/transformer/layers.safetensors");
  Generator gen(0);
  TransformerEncoderLayer layer(fixture_options(file, tc), gen);
  expect_case_matches(layer, io::load_safetensors(file), std::string(tc.name) + ".");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LayerParity,
    ::testing::Values(
        Case{"relu_post_seq_first", TransformerActivation::Relu, false, false},
        Case{"gelu_post_batch_first_padded", TransformerActivation::Gelu, false, true},
        Case{"relu_pre_batch_first_padded", TransformerActivation::Relu, true, true},
        Case{"gelu_pre_seq_first_causal_padded", TransformerActivation::Gelu, true, false}),
    [](const auto& info) { return std::string(info.param.name); });

class EncoderParity : public ::testing::TestWithParam<Case> {};

TEST_P(EncoderParity, MatchesTorchTransformerEncoderWithFinalNorm) {
  const Case& tc = GetParam();
  const std::string file = testing::fixture_path("nn/transformer/encoders.safetensors");
  Generator gen(0);
  const auto options = fixture_options(file, tc);
  TransformerEncoder encoder(TransformerEncoderLayer(options, gen), 2,
                             std::make_shared<LayerNorm>(Shape{options.d_model}), gen);
  expect_case_matches(encoder, io::load_safetensors(file), std::string(tc.name) + ".");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EncoderParity,
    ::testing::Values(Case{"relu_post_seq_first_padded", TransformerActivation::Relu, false, false},
                      Case{"gelu_pre_batch_first_causal", TransformerActivation::Gelu, true, true}),
    [](const auto& info) { return std::string(info.param.name); });

// PyTorch's inference fast path (eval mode, no grad, float32): the same maths, so recur in eval
// mode (dropout 0.1 switched off) agrees to float32 rounding of two different orders of sums.
TEST(TransformerEncoder, MatchesPyTorchsEvalFastPath) {
  const std::string file = testing::fixture_path("nn/transformer/eval.safetensors");
  const TensorMap fx = io::load_safetensors(file);
  Generator gen(0);
  TransformerEncoderLayer layer(
      fixture_options(file, {"layer", TransformerActivation::Gelu, false, true}, 0.1f), gen);
  layer.load_state_dict(with_prefix(fx, "layer.param."));
  layer.eval();
  expect_close(layer.forward(fx.at("layer.src")), fx.at("layer.output"), "layer output", 1e-5f);

  TransformerEncoder encoder(
      TransformerEncoderLayer(
          fixture_options(file, {"encoder", TransformerActivation::Relu, false, true}, 0.1f), gen),
      2, nullptr, gen);
  encoder.load_state_dict(with_prefix(fx, "encoder.param."));
  encoder.eval();
  const Tensor out =
      encoder.forward(fx.at("encoder.src"), {}, padding_mask(fx, "encoder.key_padding_mask"));
  // PyTorch's nested tensors leave zeros at padded positions; compare the valid ones.
  const Tensor want = fx.at("encoder.output");
  const Tensor pad = fx.at("encoder.key_padding_mask");
  const int64_t B = out.size(0), T = out.size(1), D = out.size(2);
  int64_t compared = 0;
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < T; ++t) {
      if (pad.at({b, t}) != 0.0f) continue;
      ++compared;
      for (int64_t d = 0; d < D; ++d) {
        EXPECT_NEAR(out.at({b, t, d}), want.at({b, t, d}), 2e-5f) << b << "," << t << "," << d;
      }
    }
  }
  EXPECT_EQ(compared, 5 + 2 + 4);
}

TEST(TransformerEncoderLayer, ParametersHavePyTorchNamesInPyTorchsOrder) {
  Generator gen(1);
  TransformerEncoderLayer layer({.d_model = 8, .nhead = 2, .dim_feedforward = 16}, gen);
  std::vector<std::string> names;
  for (const auto& [name, p] : layer.named_parameters())
    names.push_back(name + shape_str(p.shape()));
  EXPECT_EQ(names, (std::vector<std::string>{
                       "self_attn.in_proj_weight[24, 8]", "self_attn.in_proj_bias[24]",
                       "self_attn.out_proj.weight[8, 8]", "self_attn.out_proj.bias[8]",
                       "linear1.weight[16, 8]", "linear1.bias[16]", "linear2.weight[8, 16]",
                       "linear2.bias[8]", "norm1.weight[8]", "norm1.bias[8]", "norm2.weight[8]",
                       "norm2.bias[8]"}));
  EXPECT_EQ(layer.options().dropout, 0.1f);  // PyTorch's defaults
  EXPECT_EQ(layer.options().layer_norm_eps, 1e-5f);
}

TEST(TransformerEncoder, LayersStartAsCopiesAndTrainApart) {
  Generator gen(2);
  TransformerEncoderLayer proto({.d_model = 4, .nhead = 2, .dim_feedforward = 6}, gen);
  TransformerEncoder encoder(proto, 3, std::make_shared<LayerNorm>(Shape{4}), gen);
  EXPECT_EQ(encoder.num_layers(), 3);
  const TensorMap state = encoder.state_dict();
  EXPECT_TRUE(state.contains("layers.2.linear2.bias"));
  EXPECT_TRUE(state.contains("norm.weight"));
  for (const auto& [name, p] : proto.named_parameters()) {
    EXPECT_EQ(max_abs_diff(state.at("layers.0." + name), p), 0.0f) << name;
    EXPECT_EQ(max_abs_diff(state.at("layers.2." + name), p), 0.0f) << name;
  }
  // Copies, not aliases: changing one layer leaves the others.
  encoder.layers[1]->linear1->weight.data()[0] += 1.0f;
  EXPECT_EQ(max_abs_diff(encoder.layers[0]->linear1->weight, proto.linear1->weight), 0.0f);
  EXPECT_EQ(encoder.layers[0]->linear1->weight.data()[0] + 1.0f,
            encoder.layers[1]->linear1->weight.data()[0]);
}

// Finite differences through tiny layers: the input and every parameter, both norms, both
// activations, with a padding mask and a causal mask.
TEST(TransformerEncoderLayer, GradientsMatchFiniteDifferences) {
  Generator gen(3);
  const AttentionMask pad = AttentionMask::lengths({3, 2}, 3);
  const AttentionMask causal = AttentionMask::causal(3);
  for (bool norm_first : {false, true}) {
    for (auto act : {TransformerActivation::Relu, TransformerActivation::Gelu}) {
      TransformerEncoderLayer layer({.d_model = 4,
                                     .nhead = 2,
                                     .dim_feedforward = 6,
                                     .dropout = 0.0f,
                                     .activation = act,
                                     .batch_first = true,
                                     .norm_first = norm_first},
                                    gen);
      std::vector<Tensor> inputs = {Tensor::normal({2, 3, 4}, 0, 1, gen).set_requires_grad(true)};
      for (const Tensor& p : layer.parameters()) inputs.push_back(p);
      auto fn = [&](const std::vector<Tensor>& in) { return layer.forward(in[0], causal, pad); };
      auto result = testing::gradcheck(fn, inputs);
      EXPECT_TRUE(result) << (norm_first ? "pre-norm " : "post-norm ")
                          << transformer_activation_name(act) << ": " << result.message;
    }
  }
}

TEST(TransformerEncoder, GradientsMatchFiniteDifferences) {
  Generator gen(4);
  TransformerEncoder encoder(
      TransformerEncoderLayer({.d_model = 4, .nhead = 2, .dim_feedforward = 5, .dropout = 0.0f},
                              gen),
      2, std::make_shared<LayerNorm>(Shape{4}), gen);
  std::vector<Tensor> inputs = {Tensor::normal({3, 2, 4}, 0, 1, gen).set_requires_grad(true)};
  for (const Tensor& p : encoder.parameters()) inputs.push_back(p);
  const AttentionMask pad = AttentionMask::lengths({3, 1}, 3);
  auto fn = [&](const std::vector<Tensor>& in) { return encoder.forward(in[0], {}, pad); };
  auto result = testing::gradcheck(fn, inputs);
  EXPECT_TRUE(result) << result.message;
}

TEST(TransformerEncoderLayer, DropoutIsActiveOnlyWhileTrainingAndSeeded) {
  Generator gen(5), drop_gen(6);
  TransformerEncoderLayer layer(
      {.d_model = 8, .nhead = 2, .dim_feedforward = 16, .dropout = 0.3f, .batch_first = true},
      drop_gen);
  const Tensor x = Tensor::normal({2, 5, 8}, 0, 1, gen);
  layer.eval();
  const Tensor clean = layer.forward(x);
  EXPECT_EQ(max_abs_diff(layer.forward(x), clean), 0.0f);
  layer.train();
  drop_gen.seed(9);
  const Tensor noisy = layer.forward(x);
  EXPECT_GT(max_abs_diff(noisy, clean), 1e-2f);
  drop_gen.seed(9);
  EXPECT_EQ(max_abs_diff(layer.forward(x), noisy), 0.0f);
}

TEST(TransformerEncoderLayer, LayoutsGiveTheSameNumbersTransposed) {
  Generator gen(6);
  TransformerEncoderLayerOptions options{
      .d_model = 8, .nhead = 4, .dim_feedforward = 12, .dropout = 0.0f};
  TransformerEncoderLayer seq_first(options, gen);
  options.batch_first = true;
  TransformerEncoderLayer batch_first(options, gen);
  batch_first.load_state_dict(seq_first.state_dict());
  const Tensor x = Tensor::normal({5, 3, 8}, 0, 1, gen);
  const AttentionMask pad = AttentionMask::lengths({5, 3, 1}, 5);
  EXPECT_LT(max_abs_diff(transpose(batch_first.forward(transpose(x, 0, 1), {}, pad), 0, 1),
                         seq_first.forward(x, {}, pad)),
            1e-6f);
}

TEST(TransformerEncoderLayer, FullyMaskedSequenceIsAValueError) {
  Generator gen(7);
  TransformerEncoderLayer layer({.d_model = 4, .nhead = 2, .dim_feedforward = 6}, gen);
  const Tensor x = Tensor::normal({3, 2, 4}, 0, 1, gen);
  EXPECT_EQ(error_message<ValueError>([&] {
              layer.forward(x, {}, AttentionMask::lengths({3, 0}, 3));
            }),
            "MultiheadAttention: every key is masked for batch row 1, head 0, query 0 (its "
            "softmax would be NaN)");
}

TEST(TransformerEncoderLayer, BadShapesAreShapeErrorsNamingTheTensor) {
  Generator gen(8);
  TransformerEncoderLayer layer({.d_model = 4, .nhead = 2, .dim_feedforward = 6}, gen);
  auto message = [&](const Tensor& src, const AttentionMask& mask = {},
                     const AttentionMask& pad = {}) {
    return error_message<ShapeError>([&] { layer.forward(src, mask, pad); });
  };
  const Tensor x = Tensor::zeros({3, 2, 4});
  EXPECT_EQ(message(Tensor::zeros({3, 4})),
            "TransformerEncoderLayer src: expected [T, B, 4], got [3, 4]");
  EXPECT_EQ(message(Tensor::zeros({3, 2, 5})),
            "TransformerEncoderLayer src: expected [T, B, 4], got [3, 2, 5]");
  EXPECT_EQ(message(Tensor::zeros({0, 2, 4})),
            "TransformerEncoderLayer src: expected at least one step, got T = 0");
  EXPECT_EQ(message(x, {}, AttentionMask::lengths({3, 3, 3}, 3)),
            "TransformerEncoderLayer src_key_padding_mask: expected [2, 3] ([B, T]), got [3, 3]");
  EXPECT_EQ(message(x, AttentionMask::causal(4)),
            "TransformerEncoderLayer src_mask: expected [3, 3] ([T, T] or [B * nhead, T, T]), got "
            "[4, 4]");
  EXPECT_EQ(message(x, AttentionMask::additive(Tensor::zeros({2, 3, 3}))),
            "TransformerEncoderLayer src_mask: expected [4, 3, 3] ([B * nhead, T, T]), got "
            "[2, 3, 3]");
  TransformerEncoder encoder(layer, 2, nullptr, gen);
  EXPECT_EQ(error_message<ShapeError>([&] {
              encoder.forward(Tensor::zeros({3, 2, 3}));
            }),
            "TransformerEncoder src: expected [T, B, 4], got [3, 2, 3]");
  TransformerEncoderLayer bf({.d_model = 4, .nhead = 2, .batch_first = true}, gen);
  EXPECT_EQ(error_message<ShapeError>([&] {
              bf.forward(Tensor::zeros({2, 3}));
            }),
            "TransformerEncoderLayer src: expected [B, T, 4], got [2, 3]");
}

TEST(TransformerEncoderLayer, RejectsBadConfigurations) {
  auto message = [](const TransformerEncoderLayerOptions& o) {
    return error_message<ValueError>([&] { TransformerEncoderLayer layer(o); });
  };
  EXPECT_EQ(message({.d_model = 6, .nhead = 4}),
            "TransformerEncoderLayer: d_model (6) must be a positive multiple of nhead (4)");
  EXPECT_TRUE(Contains(message({.d_model = 4, .nhead = 0}), "nhead (0)"));
  EXPECT_TRUE(Contains(message({.d_model = 4, .nhead = 2, .dim_feedforward = 0}),
                       "dim_feedforward must be > 0, got 0"));
  EXPECT_TRUE(Contains(message({.d_model = 4, .nhead = 2, .dropout = 1.0f}),
                       "dropout must be in [0, 1), got 1"));
  EXPECT_TRUE(Contains(message({.d_model = 4, .nhead = 2, .layer_norm_eps = 0.0f}),
                       "layer_norm_eps must be > 0"));
  EXPECT_EQ(error_message<ValueError>([] { transformer_activation_from_name("tanh"); }),
            "Transformer activation 'tanh': expected relu or gelu");
  EXPECT_EQ(transformer_activation_from_name("gelu"), TransformerActivation::Gelu);
  Generator gen(9);
  TransformerEncoderLayer layer({.d_model = 4, .nhead = 2}, gen);
  EXPECT_EQ(error_message<ValueError>([&] { TransformerEncoder(layer, 0); }),
            "TransformerEncoder: num_layers must be >= 1, got 0");
}

TEST(PositionalEncoding, MatchesTheTutorialsTable) {
  const std::string file = testing::fixture_path("nn/transformer/positional.safetensors");
  const TensorMap fx = io::load_safetensors(file);
  const auto meta = io::read_safetensors(file).metadata;
  PositionalEncoding pos(std::stoll(meta.at("d_model")), 0.1f, std::stoll(meta.at("max_len")));
  expect_close(pos.pe, fx.at("pe"), "pe", 1e-6f);
  pos.eval();
  expect_close(pos.forward(fx.at("x")), fx.at("output"), "output", 1e-6f);
  EXPECT_TRUE(pos.named_parameters().empty());
  EXPECT_TRUE(pos.state_dict().contains("pe"));  // a buffer, as the tutorial registers it
}

TEST(PositionalEncoding, BatchFirstAddsTheSameRowsAndDropoutActsWhileTraining) {
  Generator gen(10), drop_gen(11);
  PositionalEncoding seq_first(6, 0.5f, 20, false, drop_gen);
  PositionalEncoding batch_first(6, 0.5f, 20, true, drop_gen);
  seq_first.eval();
  batch_first.eval();
  const Tensor x = Tensor::normal({4, 2, 6}, 0, 1, gen);
  EXPECT_EQ(
      max_abs_diff(transpose(batch_first.forward(transpose(x, 0, 1)), 0, 1), seq_first.forward(x)),
      0.0f);
  // Position 0 is sin(0) = 0, cos(0) = 1 alternately.
  EXPECT_EQ(seq_first.pe.at({0, 0, 0}), 0.0f);
  EXPECT_EQ(seq_first.pe.at({0, 0, 1}), 1.0f);
  seq_first.train();
  const Tensor dropped = seq_first.forward(x);
  int64_t zeros = 0;
  for (float v : dropped.span()) zeros += v == 0.0f;
  EXPECT_GT(zeros, 0);
  EXPECT_EQ(error_message<ValueError>([&] {
              seq_first.forward(Tensor::zeros({21, 1, 6}));
            }),
            "PositionalEncoding: the input has 21 steps, more than max_len = 20");
  EXPECT_EQ(error_message<ShapeError>([&] {
              seq_first.forward(Tensor::zeros({2, 1, 5}));
            }),
            "PositionalEncoding x: expected [T, B, 6], got [2, 1, 5]");
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { PositionalEncoding(5); }), "d_model must be even"));
}

TEST(LearnedPositionalEncoding, AddsOneLearnedRowPerPositionWithGradients) {
  Generator gen(12);
  LearnedPositionalEncoding pos(4, 0.0f, 10, true, gen);
  EXPECT_EQ(pos.embedding->weight.shape(), (Shape{10, 4}));
  EXPECT_TRUE(pos.state_dict().contains("embedding.weight"));
  const Tensor x = Tensor::normal({2, 3, 4}, 0, 1, gen);
  const Tensor out = pos.forward(x);
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t t = 0; t < 3; ++t) {
      for (int64_t d = 0; d < 4; ++d) {
        EXPECT_EQ(out.at({b, t, d}), x.at({b, t, d}) + pos.embedding->weight.at({t, d}));
      }
    }
  }
  sum(out).backward();
  const Tensor g = pos.embedding->weight.grad();
  EXPECT_EQ(g.at({0, 0}), 2.0f);  // summed over the batch
  EXPECT_EQ(g.at({3, 0}), 0.0f);  // positions past T get nothing
  LearnedPositionalEncoding seq_first(4, 0.0f, 10, false, gen);
  seq_first.load_state_dict(pos.state_dict());
  EXPECT_EQ(max_abs_diff(transpose(seq_first.forward(transpose(x, 0, 1)), 0, 1), out), 0.0f);
  EXPECT_EQ(error_message<ValueError>([&] {
              pos.forward(Tensor::zeros({1, 11, 4}));
            }),
            "LearnedPositionalEncoding: the input has 11 steps, more than max_len = 10");
}

}  // namespace
}  // namespace recur::nn
