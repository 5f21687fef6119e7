// The fused attention node (recur/ops/fused_attention.h) against the same attention composed from
// differentiable ops (heads split by reshape/transpose, matmul, bias add, softmax, the same
// hashed dropout mask multiplied in, matmul, heads joined): outputs and gradients for both
// layouts, the packed and the separate forms, per-head and shared masks, and seeded dropout;
// finite differences; errors.
#include "recur/ops/fused_attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/autograd/backward.h"
#include "recur/autograd/grad_mode.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/matmul.h"
#include "recur/ops/reduction.h"
#include "recur/ops/shape.h"
#include "recur/ops/softmax.h"
#include "recur/ops/transformer_ops.h"

namespace recur {
namespace {

using testing::error_message;

// [B, T, E] or [T, B, E] -> [B, H, T, hd]
Tensor split_heads(const Tensor& x, int64_t H, bool batch_first) {
  const Tensor b = batch_first ? x : transpose(x, 0, 1);
  return transpose(reshape(b, {b.size(0), b.size(1), H, b.size(2) / H}), 1, 2);
}

// The attention written out op by op, as nn::MultiheadAttention composes it.
Tensor composed(const Tensor& q, const Tensor& k, const Tensor& v, const AttentionCoreOptions& o) {
  const int64_t H = o.num_heads;
  const Tensor qh = split_heads(q, H, o.batch_first), kh = split_heads(k, H, o.batch_first);
  const int64_t B = qh.size(0), Tq = qh.size(2), Tk = kh.size(2), E = q.size(2);
  Tensor s = matmul(qh * (1.0f / std::sqrt(static_cast<float>(E / H))), transpose(kh, 2, 3));
  if (o.attn_bias.defined()) {
    s = s + (o.attn_bias.dim() == 3 ? reshape(o.attn_bias, {B, H, Tq, Tk}) : o.attn_bias);
  }
  if (o.key_bias.defined()) s = s + reshape(o.key_bias, {B, 1, 1, Tk});
  Generator& gen = o.gen != nullptr ? *o.gen : default_generator();
  Tensor w = softmax(s, -1);
  if (o.dropout_p > 0.0f) {
    // The fused node's mask: the same hashed draw over [B, H, Tq, Tk] from the same generator.
    Tensor mask = Tensor::empty(w.shape());
    hashed_dropout_mask(mask.data(), mask.numel(), o.dropout_p, gen);
    w = w * mask;
  }
  const Tensor out =
      reshape(transpose(matmul(w, split_heads(v, H, o.batch_first)), 1, 2), {B, Tq, E});
  return o.batch_first ? out : transpose(out, 0, 1);
}

// Scores masked by -inf (a causal [T, T] pattern and padding) and shifted by finite values.
struct Masks {
  Tensor causal, per_head, padding;
};

Masks make_masks(int64_t B, int64_t H, int64_t T, Generator& gen) {
  Masks m{Tensor::zeros({T, T}), Tensor::normal({B * H, T, T}, 0, 1, gen), Tensor::zeros({B, T})};
  for (int64_t i = 0; i < T; ++i) {
    for (int64_t j = i + 1; j < T; ++j) m.causal.at({i, j}) = -INFINITY;
  }
  m.per_head.at({1, 0, 2}) = -INFINITY;
  m.padding.at({1, T - 1}) = -INFINITY;  // row 1 is one step shorter
  return m;
}

void expect_near(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  EXPECT_TRUE(allclose(got, want, 1e-5f, 2e-6f))
      << what << ": max abs diff " << max_abs_diff(got, want);
}

struct CoreCase {
  bool batch_first;
  bool packed;
  int mask;  // 0 none, 1 causal + padding, 2 per-head + padding
  float dropout;
};

void PrintTo(const CoreCase& c, std::ostream* os) {
  *os << (c.batch_first ? "batch first" : "seq first") << (c.packed ? ", packed" : ", separate")
      << ", mask " << c.mask << ", dropout " << c.dropout;
}

class FusedAttention : public ::testing::TestWithParam<CoreCase> {};

TEST_P(FusedAttention, MatchesTheComposedAttentionAndItsGradients) {
  const CoreCase s = GetParam();
  const int64_t B = 2, T = 4, H = 2, E = 6;
  Generator gen(1), drop_gen(2);
  const Masks masks = make_masks(B, H, T, gen);
  AttentionCoreOptions o{
      .num_heads = H, .batch_first = s.batch_first, .dropout_p = s.dropout, .gen = &drop_gen};
  if (s.mask == 1) o.attn_bias = masks.causal;
  if (s.mask == 2) o.attn_bias = masks.per_head;
  if (s.mask != 0) o.key_bias = masks.padding;
  const Shape layout = s.batch_first ? Shape{B, T, 3 * E} : Shape{T, B, 3 * E};
  const Tensor qkv = Tensor::normal(layout, 0, 1, gen).set_requires_grad(true);
  const Tensor gout = Tensor::normal({layout[0], layout[1], E}, 0, 1, gen);

  // The reference reads q, k and v as the three thirds of qkv, so both give one qkv gradient.
  auto parts = [&] { return split(qkv, {E, E, E}, 2); };
  drop_gen.seed(7);
  const auto p = parts();
  const Tensor want = composed(p[0], p[1], p[2], o);
  const Tensor want_grad = grad(sum(want * gout), {qkv})[0];
  drop_gen.seed(7);
  Tensor got;
  if (s.packed) {
    got = packed_multi_head_attention_core(qkv, o);
  } else {
    const auto f = parts();
    got = multi_head_attention_core(f[0], f[1], f[2], o);
  }
  expect_near(got, want, "output");
  expect_near(grad(sum(got * gout), {qkv})[0], want_grad, "grad qkv");
}

INSTANTIATE_TEST_SUITE_P(
    Setups, FusedAttention,
    ::testing::Values(CoreCase{true, true, 0, 0.0f}, CoreCase{false, true, 1, 0.0f},
                      CoreCase{true, false, 2, 0.0f}, CoreCase{false, false, 1, 0.0f},
                      CoreCase{true, true, 1, 0.3f}, CoreCase{false, false, 2, 0.5f}));

TEST(FusedAttention, GradientsMatchFiniteDifferences) {
  Generator gen(3), drop_gen(4);
  const int64_t B = 2, T = 3, H = 2, E = 4;
  const Masks masks = make_masks(B, H, T, gen);
  for (bool batch_first : {true, false}) {
    for (float p : {0.0f, 0.25f}) {
      AttentionCoreOptions o{.num_heads = H,
                             .batch_first = batch_first,
                             .attn_bias = masks.causal,
                             .key_bias = masks.padding,
                             .dropout_p = p,
                             .gen = &drop_gen};
      const Shape layout = batch_first ? Shape{B, T, E} : Shape{T, B, E};
      std::vector<Tensor> inputs;
      for (int i = 0; i < 3; ++i)
        inputs.push_back(Tensor::normal(layout, 0, 1, gen).set_requires_grad(true));
      auto fn = [&](const std::vector<Tensor>& in) {
        drop_gen.seed(5);  // the same dropout mask in every evaluation
        return multi_head_attention_core(in[0], in[1], in[2], o);
      };
      auto result = testing::gradcheck(fn, inputs);
      EXPECT_TRUE(result) << (batch_first ? "batch first" : "seq first") << " p " << p << ": "
                          << result.message;
      const Tensor packed =
          Tensor::normal(batch_first ? Shape{B, T, 3 * E} : Shape{T, B, 3 * E}, 0, 1, gen)
              .set_requires_grad(true);
      auto packed_fn = [&](const std::vector<Tensor>& in) {
        drop_gen.seed(5);
        return packed_multi_head_attention_core(in[0], o);
      };
      auto packed_result = testing::gradcheck(packed_fn, {packed});
      EXPECT_TRUE(packed_result) << "packed: " << packed_result.message;
    }
  }
}

TEST(FusedAttention, WithoutGradientsGivesTheSameNumbers) {
  Generator gen(8);
  const Tensor qkv = Tensor::normal({3, 5, 12}, 0, 1, gen).set_requires_grad(true);
  const AttentionCoreOptions o{.num_heads = 2, .batch_first = false};
  const Tensor with = packed_multi_head_attention_core(qkv, o);
  NoGradGuard no_grad;  // the weights are then never stored, one head's at a time in scratch
  const Tensor without = packed_multi_head_attention_core(qkv, o);
  EXPECT_FALSE(without.requires_grad());
  EXPECT_EQ(max_abs_diff(without, with), 0.0f);
}

TEST(FusedAttention, MaskedKeysGetZeroWeightAndNoGradient) {
  Generator gen(6);
  const Tensor k = Tensor::normal({1, 3, 2}, 0, 1, gen).set_requires_grad(true);
  const Tensor v = Tensor::normal({1, 3, 2}, 0, 1, gen).set_requires_grad(true);
  const Tensor q = Tensor::normal({1, 2, 2}, 0, 1, gen).set_requires_grad(true);
  Tensor pad = Tensor::zeros({1, 3});
  pad.at({0, 2}) = -INFINITY;
  const AttentionCoreOptions o{.num_heads = 1, .key_bias = pad};
  const Tensor out = multi_head_attention_core(q, k, v, o);
  Tensor v_changed = v.detach().clone();
  v_changed.at({0, 2, 0}) = 100.0f;  // the masked key's value cannot reach the output
  EXPECT_EQ(max_abs_diff(multi_head_attention_core(q, k, v_changed, o), out), 0.0f);
  const auto g = grad(sum(out), {k, v});
  for (int64_t d = 0; d < 2; ++d) {
    EXPECT_EQ(g[0].at({0, 2, d}), 0.0f);
    EXPECT_EQ(g[1].at({0, 2, d}), 0.0f);
  }
}

TEST(FusedAttention, ErrorsNameTheCallerAndTheTensor) {
  const Tensor x = Tensor::zeros({2, 3, 4});
  AttentionCoreOptions o{.num_heads = 2, .what = "MHA"};
  EXPECT_EQ(error_message<ShapeError>([&] {
              multi_head_attention_core(x, Tensor::zeros({3, 3, 4}), x, o);
            }),
            "MHA k: expected [B, Tk, 4] with B = 2, got [3, 3, 4]");
  EXPECT_EQ(error_message<ShapeError>([&] {
              multi_head_attention_core(x, x, Tensor::zeros({2, 2, 4}), o);
            }),
            "MHA v: expected [2, 3, 4] (k's shape), got [2, 2, 4]");
  EXPECT_EQ(error_message<ShapeError>([&] { packed_multi_head_attention_core(x, o); }),
            "MHA qkv: expected [B, T, 3 * E], got [2, 3, 4]");
  o.num_heads = 3;
  EXPECT_EQ(error_message<ValueError>([&] { multi_head_attention_core(x, x, x, o); }),
            "MHA: embed_dim (4) must be a positive multiple of num_heads (3)");
  o.num_heads = 2;
  o.attn_bias = Tensor::zeros({3, 2});
  EXPECT_EQ(error_message<ShapeError>([&] { multi_head_attention_core(x, x, x, o); }),
            "MHA attn_bias: expected [3, 3] or [4, 3, 3], got [3, 2]");
  o.attn_bias = Tensor();
  o.key_bias = Tensor::zeros({2, 3});
  o.key_bias.at({1, 0}) = o.key_bias.at({1, 1}) = o.key_bias.at({1, 2}) = -INFINITY;
  EXPECT_EQ(error_message<ValueError>([&] { multi_head_attention_core(x, x, x, o); }),
            "MHA: every key is masked for batch row 1, head 0, query 0 (its softmax would be NaN)");
  o.key_bias = Tensor();
  o.dropout_p = 1.0f;
  EXPECT_EQ(error_message<ValueError>([&] { multi_head_attention_core(x, x, x, o); }),
            "MHA: dropout must be in [0, 1), got 1.000000");
}

}  // namespace
}  // namespace recur
