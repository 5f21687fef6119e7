#include "recur/nn/multihead_attention.h"

#include <cmath>
#include <string>
#include <vector>

#include "recur/autograd/grad_mode.h"
#include "recur/nn/init.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/dropout.h"
#include "recur/ops/fused_attention.h"
#include "recur/ops/matmul.h"
#include "recur/ops/reduction.h"
#include "recur/ops/shape.h"
#include "recur/ops/softmax.h"

namespace recur::nn {

namespace {

// "[B, Tq, 8]" or "[Tq, B, 8]": the layout of an input in messages.
std::string mha_layout(bool batch_first, const std::string& steps, int64_t embed_dim) {
  const std::string e = std::to_string(embed_dim);
  return batch_first ? "[B, " + steps + ", " + e + "]" : "[" + steps + ", B, " + e + "]";
}

}  // namespace

MultiheadAttention::MultiheadAttention(int64_t embed_dim, int64_t num_heads, float dropout,
                                       bool bias, bool batch_first, Generator& gen)
    : embed_dim_(embed_dim),
      num_heads_(num_heads),
      dropout_(dropout),
      batch_first_(batch_first),
      gen_(&gen) {
  if (embed_dim <= 0 || num_heads <= 0 || embed_dim % num_heads != 0) {
    throw ValueError("MultiheadAttention: embed_dim (" + std::to_string(embed_dim) +
                     ") must be a positive multiple of num_heads (" + std::to_string(num_heads) +
                     ")");
  }
  if (!(dropout >= 0.0f && dropout < 1.0f)) {
    throw ValueError("MultiheadAttention: dropout must be in [0, 1), got " +
                     std::to_string(dropout));
  }
  in_proj_weight = register_parameter("in_proj_weight", Tensor::zeros({3 * embed_dim, embed_dim}));
  if (bias) in_proj_bias = register_parameter("in_proj_bias", Tensor::zeros({3 * embed_dim}));
  out_proj = register_module("out_proj", std::make_shared<Linear>(embed_dim, embed_dim, bias, gen));
  reset_parameters(gen);
}

void MultiheadAttention::reset_parameters(Generator& gen) {
  init::xavier_uniform_(in_proj_weight, gen);
  out_proj->reset_parameters(gen);
  if (in_proj_bias.defined()) init::zeros_(in_proj_bias);
  if (out_proj->bias.defined()) init::zeros_(out_proj->bias);
}

AttentionOutput MultiheadAttention::forward(const Tensor& query, const Tensor& key,
                                            const Tensor& value,
                                            const AttentionMask& key_padding_mask,
                                            bool need_weights, const AttentionMask& attn_mask,
                                            bool average_attn_weights) const {
  const std::string name = type_name();
  const int64_t E = embed_dim_, H = num_heads_, hd = head_dim();
  const int64_t batch_dim = batch_first_ ? 0 : 1;
  check_shape(query, {-1, -1, E}, name + " query", mha_layout(batch_first_, "Tq", E));
  const int64_t B = query.size(batch_dim);
  const int64_t Tq = query.size(1 - batch_dim);
  check_shape(key, batch_first_ ? Shape{B, -1, E} : Shape{-1, B, E}, name + " key",
              mha_layout(batch_first_, "Tk", E) + " with B = " + std::to_string(B));
  check_shape(value, key.shape(), name + " value", shape_str(key.shape()) + " (key's shape)");
  const int64_t Tk = key.size(1 - batch_dim);
  if (Tk == 0) throw ShapeError(name + " key: expected at least one key, got Tk = 0");
  check_mask_shape(key_padding_mask, {B, Tk}, name + " key_padding_mask", "[B, Tk]");
  const bool mask_3d = !attn_mask.empty() && attn_mask.shape().size() == 3;
  check_mask_shape(attn_mask, mask_3d ? Shape{B * H, Tq, Tk} : Shape{Tq, Tk}, name + " attn_mask",
                   mask_3d ? "[B * num_heads, Tq, Tk]" : "[Tq, Tk] or [B * num_heads, Tq, Tk]");

  if (!need_weights) return {fused_forward(query, key, value, key_padding_mask, attn_mask), {}};

  // Batch first from here on: [B, T, E].
  auto to_batch_first = [&](const Tensor& x) { return batch_first_ ? x : transpose(x, 0, 1); };
  std::vector<Tensor> qkv;
  if (query.impl_ptr() == key.impl_ptr() && key.impl_ptr() == value.impl_ptr()) {
    // Self-attention: one projection GEMM for q, k and v, as PyTorch's _in_projection_packed.
    qkv = split(linear(to_batch_first(query), in_proj_weight, in_proj_bias), {E, E, E}, -1);
  } else {
    const auto w = split(in_proj_weight, {E, E, E}, 0);
    const auto b =
        in_proj_bias.defined() ? split(in_proj_bias, {E, E, E}, 0) : std::vector<Tensor>(3);
    const Tensor* inputs[3] = {&query, &key, &value};
    for (size_t i = 0; i < 3; ++i) qkv.push_back(linear(to_batch_first(*inputs[i]), w[i], b[i]));
  }
  // [B, T, E] -> [B, H, T, hd]
  auto split_heads = [&](const Tensor& x) {
    return transpose(reshape(x, {B, x.size(1), H, hd}), 1, 2);
  };
  const Tensor q = split_heads(qkv[0]) * (1.0f / std::sqrt(static_cast<float>(hd)));
  Tensor scores = matmul(q, transpose(split_heads(qkv[1]), 2, 3));  // [B, H, Tq, Tk]
  scores = attn_mask.apply(scores, mask_3d ? Shape{B, H, Tq, Tk} : Shape{Tq, Tk});
  scores = key_padding_mask.apply(scores, {B, 1, 1, Tk});
  if (!attn_mask.empty() || !key_padding_mask.empty()) {
    check_every_row_attends(scores, name, [](const Shape& pos) {
      return "batch row " + std::to_string(pos[0]) + ", head " + std::to_string(pos[1]) +
             ", query " + std::to_string(pos[2]);
    });
  }
  const Tensor weights = recur::dropout(softmax(scores, -1), dropout_, is_training(), *gen_);
  // [B, H, Tq, hd] -> [B, Tq, E]
  const Tensor heads = reshape(transpose(matmul(weights, split_heads(qkv[2])), 1, 2), {B, Tq, E});
  const Tensor out = out_proj->forward(heads);

  AttentionOutput result{batch_first_ ? out : transpose(out, 0, 1), Tensor()};
  if (need_weights) result.weights = average_attn_weights ? mean(weights, 1) : weights;
  return result;
}

Tensor MultiheadAttention::fused_forward(const Tensor& query, const Tensor& key,
                                         const Tensor& value, const AttentionMask& key_padding_mask,
                                         const AttentionMask& attn_mask) const {
  const int64_t E = embed_dim_;
  AttentionCoreOptions core{.num_heads = num_heads_,
                            .batch_first = batch_first_,
                            .dropout_p = is_training() ? dropout_ : 0.0f,
                            .gen = gen_,
                            .what = type_name()};
  {
    // The masks as the additive biases the core takes (0 keeps, -inf hides).
    NoGradGuard no_grad;
    if (!attn_mask.empty()) {
      core.attn_bias = attn_mask.apply(Tensor::zeros(attn_mask.shape()), attn_mask.shape());
    }
    if (!key_padding_mask.empty()) {
      core.key_bias =
          key_padding_mask.apply(Tensor::zeros(key_padding_mask.shape()), key_padding_mask.shape());
    }
  }
  Tensor heads;
  if (query.impl_ptr() == key.impl_ptr() && key.impl_ptr() == value.impl_ptr()) {
    heads = packed_multi_head_attention_core(linear(query, in_proj_weight, in_proj_bias), core);
  } else {
    const auto w = split(in_proj_weight, {E, E, E}, 0);
    const auto b =
        in_proj_bias.defined() ? split(in_proj_bias, {E, E, E}, 0) : std::vector<Tensor>(3);
    heads = multi_head_attention_core(linear(query, w[0], b[0]), linear(key, w[1], b[1]),
                                      linear(value, w[2], b[2]), core);
  }
  return out_proj->forward(heads);
}

}  // namespace recur::nn
