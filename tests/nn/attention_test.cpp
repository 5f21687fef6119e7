// Additive (Bahdanau) and multiplicative (Luong) attention, scaled dot-product attention and
// MultiheadAttention against PyTorch references (tools/fixtures/make_attention_fixtures.py),
// finite-difference gradient checks, masks, the fully-masked-row rule and shape errors.
#include "recur/nn/attention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/io/safetensors.h"
#include "recur/nn/multihead_attention.h"
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

// Within 1e-5 of PyTorch's float64 answer, relative to the tensor's largest entry or to 1,
// whichever is larger: a gradient entry is a float32 sum of many terms of that size (inputs and
// parameters are O(1)) and rounds at that scale however small the sum, down to the exact zero
// of Va.bias's gradient (a shift of every score, which the softmax ignores).
void expect_close(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  float scale = 1;
  for (float w : want.span()) scale = std::max(scale, std::abs(w));
  EXPECT_TRUE(allclose(got, want, 0.0f, 1e-5f * scale))
      << what << ": max abs diff " << max_abs_diff(got, want) << " at scale " << scale;
}

std::shared_ptr<Attention> make_attention(const std::string& kind, int64_t dq, int64_t dk,
                                          int64_t a, Generator& gen) {
  if (kind == "additive") return std::make_shared<AdditiveAttention>(dq, dk, a, gen);
  const std::string method = kind.substr(std::string("luong_").size());
  return std::make_shared<LuongAttention>(luong_score_from_name(method), dq, dk, a, gen);
}

int64_t meta_int(const std::string& file, const std::string& key) {
  return std::stoll(io::read_safetensors(file).metadata.at(key));
}

// The mask a fixture case was made with (see the fixture script's docstring).
AttentionMask case_mask(const TensorMap& fx, const std::string& c, int64_t num_keys) {
  if (c == "lengths") {
    const IndexTensor lengths = IndexTensor::from_float(fx.at(c + ".lengths"));
    return AttentionMask::lengths(lengths.to_vector(), num_keys);
  }
  if (c == "masked") return AttentionMask::masked(IndexTensor::from_float(fx.at(c + ".mask")));
  if (c == "additive") return AttentionMask::additive(fx.at(c + ".mask"));
  return {};
}

class AttentionParity : public ::testing::TestWithParam<std::string> {};

TEST_P(AttentionParity, MatchesPyTorchOutputsAndGradients) {
  const std::string kind = GetParam();
  const std::string file = testing::fixture_path("nn/attention/" + kind + ".safetensors");
  const TensorMap fx = io::load_safetensors(file);
  Generator gen(0);
  auto attn =
      make_attention(kind, meta_int(file, "Dq"), meta_int(file, "Dk"), meta_int(file, "A"), gen);
  for (const std::string c : {"step", "lengths", "masked", "additive"}) {
    SCOPED_TRACE(kind + " case " + c);
    attn->load_state_dict(with_prefix(fx, c + ".param."));
    attn->zero_grad();
    Tensor q = fx.at(c + ".query").clone().set_requires_grad(true);
    Tensor k = fx.at(c + ".keys").clone().set_requires_grad(true);
    Tensor v = fx.at(c + ".values").clone().set_requires_grad(true);
    auto [context, weights] = attn->forward(q, k, v, case_mask(fx, c, k.size(1)));
    expect_close(context, fx.at(c + ".context"), "context");
    expect_close(weights, fx.at(c + ".weights"), "weights");
    Tensor loss =
        sum(context * fx.at(c + ".gout.context")) + sum(weights * fx.at(c + ".gout.weights"));
    loss.backward();
    expect_close(q.grad(), fx.at(c + ".grad.query"), "grad query");
    expect_close(k.grad(), fx.at(c + ".grad.keys"), "grad keys");
    expect_close(v.grad(), fx.at(c + ".grad.values"), "grad values");
    for (const auto& [name, p] : attn->named_parameters()) {
      expect_close(p.grad(), fx.at(c + ".grad.param." + name), "grad " + name);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, AttentionParity,
                         ::testing::Values("additive", "luong_dot", "luong_general",
                                           "luong_concat"));

TEST(Attention, ParameterNamesFollowTheTutorials) {
  Generator gen(1);
  auto names = [](const Module& m) {
    std::vector<std::string> out;
    for (const auto& [name, p] : m.named_parameters()) out.push_back(name + shape_str(p.shape()));
    return out;
  };
  EXPECT_EQ(names(AdditiveAttention(6, 7, 8, gen)),
            (std::vector<std::string>{"Wa.weight[8, 6]", "Wa.bias[8]", "Ua.weight[8, 7]",
                                      "Ua.bias[8]", "Va.weight[1, 8]", "Va.bias[1]"}));
  EXPECT_TRUE(names(LuongAttention(LuongScore::Dot, 6, 6)).empty());
  EXPECT_EQ(names(LuongAttention(LuongScore::General, 6, 7, 0, gen)),
            (std::vector<std::string>{"attn.weight[6, 7]", "attn.bias[6]"}));
  EXPECT_EQ(names(LuongAttention(LuongScore::Concat, 6, 7, 8, gen)),
            (std::vector<std::string>{"v[8]", "attn.weight[8, 13]", "attn.bias[8]"}));
}

// Finite differences through a small attention: the query (one step when tq == 0), keys,
// values and every parameter, with the context and then the weights as the result.
void expect_gradcheck(Attention& attn, const AttentionMask& mask, int64_t tq) {
  Generator gen(7);
  const int64_t B = 2, Tk = 3;
  const Shape q_shape = tq == 0 ? Shape{B, attn.query_dim()} : Shape{B, tq, attn.query_dim()};
  std::vector<Tensor> inputs = {Tensor::normal(q_shape, 0, 1, gen),
                                Tensor::normal({B, Tk, attn.key_dim()}, 0, 1, gen),
                                Tensor::normal({B, Tk, 2}, 0, 1, gen)};
  for (Tensor& t : inputs) t.set_requires_grad(true);
  // The module's own parameter tensors are inputs too: gradcheck perturbs them in place.
  for (const Tensor& p : attn.parameters()) inputs.push_back(p);
  for (bool weights : {false, true}) {
    auto fn = [&](const std::vector<Tensor>& in) {
      AttentionOutput out = attn.forward(in[0], in[1], in[2], mask);
      return weights ? out.weights : out.context;
    };
    auto result = testing::gradcheck(fn, inputs);
    EXPECT_TRUE(result) << attn.type_name() << (weights ? " weights: " : " context: ")
                        << result.message;
  }
}

TEST(Attention, GradientsMatchFiniteDifferences) {
  Generator gen(3);
  const AttentionMask lengths = AttentionMask::lengths({3, 2}, 3);
  const AttentionMask additive =
      AttentionMask::additive(Tensor::from_vector({2, 3}, {0.5f, -INFINITY, 0, 0, 1, -2}));
  AdditiveAttention additive_attn(3, 4, 5, gen);
  expect_gradcheck(additive_attn, lengths, 0);
  expect_gradcheck(additive_attn, additive, 2);
  for (LuongScore method : {LuongScore::Dot, LuongScore::General, LuongScore::Concat}) {
    LuongAttention luong(method, 3, method == LuongScore::Dot ? 3 : 4, 5, gen);
    expect_gradcheck(luong, lengths, 2);
    expect_gradcheck(luong, additive, 0);
  }
}

TEST(ScaledDotProductAttention, GradientsMatchFiniteDifferences) {
  Generator gen(4);
  std::vector<Tensor> inputs = {Tensor::normal({2, 2, 3, 4}, 0, 1, gen),
                                Tensor::normal({2, 2, 5, 4}, 0, 1, gen),
                                Tensor::normal({2, 2, 5, 3}, 0, 1, gen)};
  for (Tensor& t : inputs) t.set_requires_grad(true);
  // [2, 1, 1, 5]: key padding broadcast over heads and queries.
  const AttentionMask mask =
      AttentionMask::masked(IndexTensor::from_vector({2, 1, 1, 5}, {0, 0, 0, 1, 1, 0, 1, 0, 0, 0}));
  for (bool weights : {false, true}) {
    auto fn = [&](const std::vector<Tensor>& in) {
      AttentionOutput out = scaled_dot_product_attention(in[0], in[1], in[2], mask);
      return weights ? out.weights : out.context;
    };
    auto result = testing::gradcheck(fn, inputs);
    EXPECT_TRUE(result) << (weights ? "weights: " : "context: ") << result.message;
  }
}

TEST(ScaledDotProductAttention, IsSoftmaxOfScaledScoresTimesValues) {
  // q k^T / sqrt(4) = [[2, 0], [0, 2]] for q = k = 2 * I: weights softmax([2, 0]) per row.
  Tensor q = Tensor::from_vector({2, 4}, {2, 0, 0, 0, 0, 2, 0, 0});
  Tensor v = Tensor::from_vector({2, 1}, {1, 3});
  auto [context, weights] = scaled_dot_product_attention(q, q, v);
  const float w = 1.0f / (1.0f + std::exp(-2.0f));
  EXPECT_NEAR(weights.at({0, 0}), w, 1e-6);
  EXPECT_NEAR(weights.at({0, 1}), 1 - w, 1e-6);
  EXPECT_NEAR(context.at({0, 0}), w * 1 + (1 - w) * 3, 1e-5);
  EXPECT_NEAR(context.at({1, 0}), (1 - w) * 1 + w * 3, 1e-5);
  // The causal mask hides key 1 from query 0 only.
  auto causal = scaled_dot_product_attention(q, q, v, AttentionMask::causal(2));
  EXPECT_EQ(causal.weights.at({0, 0}), 1.0f);
  EXPECT_EQ(causal.weights.at({0, 1}), 0.0f);
  EXPECT_NEAR(causal.weights.at({1, 1}), w, 1e-6);
}

TEST(AttentionMask, ConventionsAgree) {
  Generator gen(5);
  AdditiveAttention attn(3, 3, 4, gen);
  const Tensor q = Tensor::normal({2, 3}, 0, 1, gen);
  const Tensor k = Tensor::normal({2, 4, 3}, 0, 1, gen);
  const IndexTensor padding = IndexTensor::from_vector({2, 4}, {0, 0, 1, 1, 0, 0, 0, 1});
  IndexTensor real = padding;
  for (int64_t& x : real.span()) x = 1 - x;
  Tensor minus_inf = Tensor::zeros({2, 4});
  for (int64_t i = 0; i < 8; ++i) {
    if (padding.data()[i] == 1) minus_inf.data()[i] = -INFINITY;
  }
  const Tensor want = attn.forward(q, k, k, AttentionMask::lengths({2, 3}, 4)).weights;
  for (const AttentionMask& m : {AttentionMask::masked(padding), AttentionMask::allowed(real),
                                 AttentionMask::additive(minus_inf)}) {
    EXPECT_EQ(max_abs_diff(attn.forward(q, k, k, m).weights, want), 0.0f);
  }
  EXPECT_EQ(want.at({0, 2}), 0.0f);
  EXPECT_EQ(want.at({1, 3}), 0.0f);
  EXPECT_NEAR(sum(want).item(), 2.0f, 1e-6);
}

TEST(AttentionMask, MaskedKeysGetExactlyZeroWeightAndGradient) {
  Generator gen(6);
  LuongAttention attn(LuongScore::General, 3, 3, 0, gen);
  Tensor q = Tensor::normal({2, 3}, 0, 1, gen).set_requires_grad(true);
  Tensor k = Tensor::normal({2, 3, 3}, 0, 1, gen);
  k.at({0, 2, 0}) = 1e30f;  // huge padding must not leak into the softmax or the context
  k.set_requires_grad(true);
  Tensor v = Tensor::normal({2, 3, 2}, 0, 1, gen).set_requires_grad(true);
  auto out = attn.forward(q, k, v, AttentionMask::lengths({2, 3}, 3));
  EXPECT_EQ(out.weights.at({0, 2}), 0.0f);
  for (float x : out.context.span()) EXPECT_TRUE(std::isfinite(x));
  (sum(out.context) + sum(out.weights * out.weights)).backward();
  for (int64_t d = 0; d < 3; ++d) EXPECT_EQ(k.grad().at({0, 2, d}), 0.0f);
  for (int64_t d = 0; d < 2; ++d) EXPECT_EQ(v.grad().at({0, 2, d}), 0.0f);
  EXPECT_NE(k.grad().at({1, 2, 0}), 0.0f);  // row 1's third key is real
}

TEST(AttentionMask, RejectsBadValuesAndLengths) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         AttentionMask::masked(IndexTensor::from_vector({1, 2}, {0, 2}));
                       }),
                       "attention mask (1 = masked)"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         AttentionMask::lengths({3, 6}, 5);
                       }),
                       "attention mask lengths: row 1 has length 6, outside [0, 5] keys"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] { AttentionMask::lengths({-1}, 5); }),
                       "row 0 has length -1"));
  EXPECT_THROW(AttentionMask().shape(), ShapeError);
}

// PyTorch gives NaN weights for a query whose every key is masked; recur stops, naming it.
TEST(AttentionMask, FullyMaskedRowIsAValueErrorNamingTheRow) {
  Generator gen(8);
  LuongAttention attn(LuongScore::Dot, 2, 2);
  const Tensor q = Tensor::normal({3, 4, 2}, 0, 1, gen);
  const Tensor k = Tensor::normal({3, 5, 2}, 0, 1, gen);
  EXPECT_EQ(error_message<ValueError>([&] {
              attn.forward(q, k, k, AttentionMask::lengths({5, 0, 2}, 5));
            }),
            "LuongAttention: every key is masked for batch row 1 (query step 0) (its softmax "
            "would be NaN)");
  Tensor additive = Tensor::zeros({3, 5});
  for (int64_t t = 0; t < 5; ++t) additive.at({2, t}) = -INFINITY;
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         attn.forward(select(q, 1, 0), k, k, AttentionMask::additive(additive));
                       }),
                       "every key is masked for batch row 2"));
  // One real key is enough: its weight is 1.
  auto out = attn.forward(q, k, k, AttentionMask::lengths({5, 1, 2}, 5));
  EXPECT_EQ(out.weights.at({1, 3, 0}), 1.0f);
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         scaled_dot_product_attention(
                             q, k, k, AttentionMask::masked(IndexTensor::full({5}, 1)));
                       }),
                       "scaled_dot_product_attention: every key is masked for the scores row "
                       "[0, 0]"));
}

TEST(Attention, BadShapesAreShapeErrorsNamingTheTensor) {
  Generator gen(9);
  AdditiveAttention attn(3, 4, 5, gen);
  const Tensor q = Tensor::zeros({2, 3}), k = Tensor::zeros({2, 6, 4}),
               v = Tensor::zeros({2, 6, 1});
  auto message = [&](const Tensor& qq, const Tensor& kk, const Tensor& vv,
                     const AttentionMask& m = {}) {
    return error_message<ShapeError>([&] { attn.forward(qq, kk, vv, m); });
  };
  EXPECT_EQ(message(Tensor::zeros({2, 4}), k, v),
            "AdditiveAttention query: expected [B, 3] or [B, Tq, 3], got [2, 4]");
  EXPECT_EQ(message(Tensor::zeros({3}), k, v),
            "AdditiveAttention query: expected [B, 3] or [B, Tq, 3], got [3]");
  EXPECT_EQ(message(q, Tensor::zeros({3, 6, 4}), v),
            "AdditiveAttention keys: expected [2, Tk, 4], got [3, 6, 4]");
  EXPECT_EQ(message(q, Tensor::zeros({2, 6, 3}), v),
            "AdditiveAttention keys: expected [2, Tk, 4], got [2, 6, 3]");
  EXPECT_EQ(message(q, Tensor::zeros({2, 0, 4}), Tensor::zeros({2, 0, 1})),
            "AdditiveAttention keys: expected at least one key, got Tk = 0");
  EXPECT_EQ(message(q, k, Tensor::zeros({2, 5, 1})),
            "AdditiveAttention values: expected [2, 6, Dv], got [2, 5, 1]");
  EXPECT_EQ(message(q, k, v, AttentionMask::lengths({1, 2}, 5)),
            "AdditiveAttention mask: expected [2, 6] ([B, Tk]), got [2, 5]");
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         scaled_dot_product_attention(q, Tensor::zeros({6, 4}), v);
                       }),
                       "scaled_dot_product_attention k: expected [..., Tk, D]"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         scaled_dot_product_attention(q, Tensor::zeros({6, 3}), v);
                       }),
                       "scaled_dot_product_attention v: expected [..., Tk, Dv]"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         scaled_dot_product_attention(q, Tensor::zeros({6, 3}),
                                                      Tensor::zeros({6, 1}),
                                                      AttentionMask::causal(3));
                       }),
                       "scaled_dot_product_attention attn_mask: shape [3, 3] does not broadcast "
                       "to the scores [2, 6]"));
}

TEST(Attention, RejectsBadConfigurations) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] { luong_score_from_name("cosine"); }),
                       "Luong attention score 'cosine': expected dot, general or concat"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] { LuongAttention(LuongScore::Dot, 3, 4); }),
                       "query_dim (3) must equal key_dim (4)"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { LuongAttention(LuongScore::Concat, 3, 4, 0); }),
               "attention_dim must be > 0"));
  EXPECT_EQ(luong_score_name(luong_score_from_name("general")), "general");
}

// --- scaled_dot_product_attention and MultiheadAttention ----------------------------------

TEST(ScaledDotProductAttention, MatchesPyTorchOutputsAndGradients) {
  const TensorMap fx = io::load_safetensors(testing::fixture_path("nn/attention/sdpa.safetensors"));
  for (const std::string c : {"masked", "additive"}) {
    SCOPED_TRACE("case " + c);
    Tensor q = fx.at(c + ".q").clone().set_requires_grad(true);
    Tensor k = fx.at(c + ".k").clone().set_requires_grad(true);
    Tensor v = fx.at(c + ".v").clone().set_requires_grad(true);
    const AttentionMask mask =
        c == "masked" ? AttentionMask::masked(IndexTensor::from_float(fx.at(c + ".mask")))
                      : AttentionMask::additive(fx.at(c + ".mask"));
    auto [context, weights] = scaled_dot_product_attention(q, k, v, mask);
    expect_close(context, fx.at(c + ".context"), "context");
    expect_close(weights, fx.at(c + ".weights"), "weights");
    (sum(context * fx.at(c + ".gout.context")) + sum(weights * fx.at(c + ".gout.weights")))
        .backward();
    expect_close(q.grad(), fx.at(c + ".grad.q"), "grad q");
    expect_close(k.grad(), fx.at(c + ".grad.k"), "grad k");
    expect_close(v.grad(), fx.at(c + ".grad.v"), "grad v");
  }
}

// The cases of make_attention_fixtures.py's MHA_CASES.
struct MhaCase {
  const char* name;
  bool batch_first;
  bool self_attention;
  bool bias;
  bool float_key_padding_mask;
  bool float_attn_mask;
  bool average;
};

void PrintTo(const MhaCase& c, std::ostream* os) { *os << c.name; }

AttentionMask fixture_mask(const TensorMap& fx, const std::string& key, bool is_float) {
  if (!fx.contains(key)) return {};
  if (is_float) return AttentionMask::additive(fx.at(key));
  return AttentionMask::masked(IndexTensor::from_float(fx.at(key)));
}

class MultiheadParity : public ::testing::TestWithParam<MhaCase> {};

TEST_P(MultiheadParity, MatchesTorchMultiheadAttention) {
  const MhaCase& mc = GetParam();
  const std::string file = testing::fixture_path("nn/attention/multihead.safetensors");
  const TensorMap fx = io::load_safetensors(file);
  const std::string c = std::string(mc.name) + ".";
  Generator gen(0);
  MultiheadAttention mha(meta_int(file, "E"), meta_int(file, "H"), 0.0f, mc.bias, mc.batch_first,
                         gen);
  mha.load_state_dict(with_prefix(fx, c + "param."));  // strict: PyTorch's names and shapes
  Tensor query = fx.at(c + "query").clone().set_requires_grad(true);
  Tensor key = query, value = query;
  if (!mc.self_attention) {
    key = fx.at(c + "key").clone().set_requires_grad(true);
    value = fx.at(c + "value").clone().set_requires_grad(true);
  }
  auto [output, weights] = mha.forward(
      query, key, value, fixture_mask(fx, c + "key_padding_mask", mc.float_key_padding_mask),
      /*need_weights=*/true, fixture_mask(fx, c + "attn_mask", mc.float_attn_mask), mc.average);
  expect_close(output, fx.at(c + "output"), "output");
  expect_close(weights, fx.at(c + "weights"), "weights");
  (sum(output * fx.at(c + "gout.output")) + sum(weights * fx.at(c + "gout.weights"))).backward();
  expect_close(query.grad(), fx.at(c + "grad.query"), "grad query");
  if (!mc.self_attention) {
    expect_close(key.grad(), fx.at(c + "grad.key"), "grad key");
    expect_close(value.grad(), fx.at(c + "grad.value"), "grad value");
  }
  for (const auto& [name, p] : mha.named_parameters()) {
    expect_close(p.grad(), fx.at(c + "grad.param." + name), "grad " + name);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MultiheadParity,
    ::testing::Values(MhaCase{"self_seq_first", false, true, true, false, false, true},
                      MhaCase{"self_batch_first_masks", true, true, true, false, false, false},
                      MhaCase{"cross_seq_first_masks", false, false, true, false, true, true},
                      MhaCase{"cross_batch_first_float_kpm_no_bias", true, false, false, true,
                              false, false}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MultiheadAttention, ParametersHavePyTorchNamesAndInitialisation) {
  Generator gen(2);
  MultiheadAttention mha(8, 2, 0.0f, true, false, gen);
  std::vector<std::string> names;
  for (const auto& [name, p] : mha.named_parameters()) names.push_back(name + shape_str(p.shape()));
  EXPECT_EQ(names, (std::vector<std::string>{"in_proj_weight[24, 8]", "in_proj_bias[24]",
                                             "out_proj.weight[8, 8]", "out_proj.bias[8]"}));
  for (float b : mha.in_proj_bias.span()) EXPECT_EQ(b, 0.0f);
  for (float b : mha.out_proj->bias.span()) EXPECT_EQ(b, 0.0f);
  // xavier_uniform over fan_in = 8, fan_out = 24: U(-sqrt(6 / 32), sqrt(6 / 32)).
  const float bound = std::sqrt(6.0f / 32.0f);
  float largest = 0;
  for (float w : mha.in_proj_weight.span()) largest = std::max(largest, std::abs(w));
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.9f * bound);
  MultiheadAttention no_bias(8, 4, 0.0f, false, false, gen);
  EXPECT_EQ(no_bias.parameters().size(), 2u);
  EXPECT_EQ(no_bias.head_dim(), 2);
}

TEST(MultiheadAttention, GradientsMatchFiniteDifferences) {
  Generator gen(3);
  MultiheadAttention mha(4, 2, 0.0f, true, true, gen);
  const AttentionMask kpm = AttentionMask::lengths({3, 2}, 3);
  const AttentionMask causal = AttentionMask::causal(3);
  for (bool self_attention : {true, false}) {
    std::vector<Tensor> inputs = {Tensor::normal({2, 3, 4}, 0, 1, gen),
                                  Tensor::normal({2, 3, 4}, 0, 1, gen),
                                  Tensor::normal({2, 3, 4}, 0, 1, gen)};
    for (Tensor& t : inputs) t.set_requires_grad(true);
    for (const Tensor& p : mha.parameters()) inputs.push_back(p);
    for (bool weights : {false, true}) {
      auto fn = [&](const std::vector<Tensor>& in) {
        const Tensor& k = self_attention ? in[0] : in[1];
        const Tensor& v = self_attention ? in[0] : in[2];
        AttentionOutput out = mha.forward(in[0], k, v, kpm, true, causal, false);
        return weights ? out.weights : out.context;
      };
      auto result = testing::gradcheck(fn, inputs);
      EXPECT_TRUE(result) << (self_attention ? "self " : "cross ")
                          << (weights ? "weights: " : "output: ") << result.message;
    }
  }
}

TEST(MultiheadAttention, NeedWeightsOnlyDecidesWhetherWeightsAreReturned) {
  Generator gen(4);
  MultiheadAttention mha(6, 3, 0.0f, true, false, gen);
  const Tensor x = Tensor::normal({4, 2, 6}, 0, 1, gen);
  auto with = mha.forward(x, x, x);
  auto without = mha.forward(x, x, x, {}, /*need_weights=*/false);
  EXPECT_FALSE(without.weights.defined());
  // Without weights the fused core runs (recur/ops/fused_attention.h): equal to rounding.
  EXPECT_LT(max_abs_diff(with.context, without.context), 1e-6f);
  EXPECT_EQ(with.weights.shape(), (Shape{2, 4, 4}));
  auto per_head = mha.forward(x, x, x, {}, true, {}, /*average_attn_weights=*/false);
  EXPECT_EQ(per_head.weights.shape(), (Shape{2, 3, 4, 4}));
  EXPECT_LT(max_abs_diff(mean(per_head.weights, 1), with.weights), 1e-7f);
  // Seq-first and batch-first give the same numbers, transposed.
  MultiheadAttention bf(6, 3, 0.0f, true, true, gen);
  bf.load_state_dict(mha.state_dict());
  const Tensor xb = transpose(x, 0, 1);
  EXPECT_LT(max_abs_diff(transpose(bf.forward(xb, xb, xb).context, 0, 1), with.context), 1e-6f);
}

TEST(MultiheadAttention, DropoutActsOnTheWeightsOnlyWhileTraining) {
  Generator gen(5), drop_gen(6);
  MultiheadAttention mha(4, 2, 0.5f, true, true, drop_gen);
  const Tensor x = Tensor::normal({3, 5, 4}, 0, 1, gen);
  mha.eval();
  const Tensor clean = mha.forward(x, x, x, {}, true, {}, false).weights;
  EXPECT_NEAR(sum(clean).item(), 3 * 2 * 5, 1e-4);  // every row sums to 1: no dropout
  mha.train();
  drop_gen.seed(42);
  const Tensor dropped = mha.forward(x, x, x, {}, true, {}, false).weights;
  int64_t zeros = 0;
  for (int64_t i = 0; i < clean.numel(); ++i) {
    const float d = dropped.data()[i];
    if (d == 0.0f) {
      ++zeros;
    } else {
      EXPECT_NEAR(d, 2.0f * clean.data()[i], 1e-6f) << "survivors are scaled by 1 / (1 - p)";
    }
  }
  EXPECT_GT(zeros, clean.numel() / 4);
  EXPECT_LT(zeros, 3 * clean.numel() / 4);
  drop_gen.seed(42);
  EXPECT_EQ(max_abs_diff(mha.forward(x, x, x, {}, true, {}, false).weights, dropped), 0.0f);
}

TEST(MultiheadAttention, FullyMaskedRowIsAValueErrorNamingRowHeadAndQuery) {
  Generator gen(7);
  MultiheadAttention mha(4, 2, 0.0f, true, false, gen);
  const Tensor x = Tensor::normal({3, 2, 4}, 0, 1, gen);
  EXPECT_EQ(error_message<ValueError>([&] {
              mha.forward(x, x, x, AttentionMask::lengths({3, 0}, 3));
            }),
            "MultiheadAttention: every key is masked for batch row 1, head 0, query 0 (its "
            "softmax would be NaN)");
  Tensor per_head = Tensor::zeros({4, 3, 3});
  for (int64_t k = 0; k < 3; ++k) per_head.at({3, 2, k}) = -INFINITY;  // row 1, head 1, query 2
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         mha.forward(x, x, x, {}, true, AttentionMask::additive(per_head));
                       }),
                       "batch row 1, head 1, query 2"));
}

TEST(MultiheadAttention, BadShapesAreShapeErrorsNamingTheTensor) {
  Generator gen(8);
  MultiheadAttention mha(4, 2, 0.0f, true, false, gen);
  const Tensor q = Tensor::zeros({3, 2, 4}), kv = Tensor::zeros({5, 2, 4});
  auto message = [&](const Tensor& qq, const Tensor& k, const Tensor& v,
                     const AttentionMask& kpm = {}, const AttentionMask& am = {}) {
    return error_message<ShapeError>([&] { mha.forward(qq, k, v, kpm, true, am); });
  };
  EXPECT_EQ(message(Tensor::zeros({3, 4}), kv, kv),
            "MultiheadAttention query: expected [Tq, B, 4], got [3, 4]");
  EXPECT_EQ(message(Tensor::zeros({3, 2, 5}), kv, kv),
            "MultiheadAttention query: expected [Tq, B, 4], got [3, 2, 5]");
  EXPECT_EQ(message(q, Tensor::zeros({5, 3, 4}), kv),
            "MultiheadAttention key: expected [Tk, B, 4] with B = 2, got [5, 3, 4]");
  EXPECT_EQ(message(q, kv, Tensor::zeros({4, 2, 4})),
            "MultiheadAttention value: expected [5, 2, 4] (key's shape), got [4, 2, 4]");
  EXPECT_EQ(message(q, kv, kv, AttentionMask::lengths({5, 5, 5}, 5)),
            "MultiheadAttention key_padding_mask: expected [2, 5] ([B, Tk]), got [3, 5]");
  EXPECT_EQ(message(q, kv, kv, {}, AttentionMask::causal(3)),
            "MultiheadAttention attn_mask: expected [3, 5] ([Tq, Tk] or [B * num_heads, Tq, Tk]), "
            "got [3, 3]");
  EXPECT_EQ(message(q, kv, kv, {}, AttentionMask::additive(Tensor::zeros({2, 3, 5}))),
            "MultiheadAttention attn_mask: expected [4, 3, 5] ([B * num_heads, Tq, Tk]), got "
            "[2, 3, 5]");
  MultiheadAttention bf(4, 2, 0.0f, true, true, gen);
  EXPECT_EQ(error_message<ShapeError>([&] {
              bf.forward(Tensor::zeros({2, 3, 3}), kv, kv);
            }),
            "MultiheadAttention query: expected [B, Tq, 4], got [2, 3, 3]");
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { MultiheadAttention(6, 4); }),
                       "embed_dim (6) must be a positive multiple of num_heads (4)"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { MultiheadAttention(4, 2, 1.0f); }),
                       "dropout must be in [0, 1), got 1"));
}

}  // namespace
}  // namespace recur::nn
