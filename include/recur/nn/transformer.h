// The Transformer encoder of torch.nn (Vaswani et al. 2017), with PyTorch's parameter names, so
// a state_dict saved from PyTorch loads unchanged, and PyTorch 1.13's numerics (the path that
// computes gradients; its inference fast path does the same maths):
//
//   TransformerEncoderLayer   self_attn (nn::MultiheadAttention), linear1 [ffn, d] -> activation
//                             -> dropout -> linear2 [d, ffn], norm1, norm2; dropout1 and dropout2
//                             on the two residual branches. Post-norm (norm_first = false):
//                               x = norm1(x + dropout1(self_attn(x)))
//                               x = norm2(x + dropout2(linear2(dropout(act(linear1(x))))))
//                             pre-norm (norm_first = true, Xiong et al. 2020):
//                               x = x + dropout1(self_attn(norm1(x)))
//                               x = x + dropout2(linear2(dropout(act(linear1(norm2(x))))))
//   TransformerEncoder        num_layers copies of one layer ("layers.0.", "layers.1.", ...; as
//                             PyTorch deep-copies, every copy starts from the same weights), an
//                             optional final LayerNorm ("norm."), the masks passed to each layer.
//   PositionalEncoding        the sinusoidal table of PyTorch's "Language Modeling with
//                             nn.Transformer" tutorial, added to the input, then dropout.
//   LearnedPositionalEncoding an Embedding of positions (BERT's, GPT's), added, then dropout.
//
// Masks are nn::AttentionMask (recur/nn/attention.h): src_mask [T, T] or [B * nhead, T, T],
// src_key_padding_mask [B, T] (1 = padding). A query whose every key is masked is a ValueError
// (PyTorch returns NaN there); in a right-padded batch that only happens to an empty sequence.
// In eval mode PyTorch's fast path writes zeros at padded positions of a TransformerEncoder's
// output; recur, like PyTorch's gradient path, computes them: mask them downstream either way.
//
// Speed: the attention core is one fused node (recur/ops/fused_attention.h), each residual add
// and its LayerNorm one node, and dropout draws hashed masks (recur/ops/transformer_ops.h):
// seeded runs repeat, with other masks than nn::Dropout would draw from the same seed.
//
//   nn::TransformerEncoderLayer layer({.d_model = 128, .nhead = 4, .dim_feedforward = 512,
//                                      .dropout = 0.1f, .batch_first = true}, gen);
//   nn::TransformerEncoder encoder(layer, /*num_layers=*/2);
//   nn::PositionalEncoding pos(128, /*dropout=*/0.1f, /*max_len=*/5000, /*batch_first=*/true);
//   Tensor h = encoder.forward(pos.forward(embed.forward(ids)), {},
//                              nn::AttentionMask::lengths(lengths, T));   // [B, T, 128]
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recur/nn/attention.h"
#include "recur/nn/dropout.h"
#include "recur/nn/embedding.h"
#include "recur/nn/layer_norm.h"
#include "recur/nn/linear.h"
#include "recur/nn/module.h"
#include "recur/nn/multihead_attention.h"

namespace recur::nn {

enum class TransformerActivation { Relu, Gelu };
// "relu" or "gelu" (the exact erf form, PyTorch's default); ValueError listing them otherwise.
TransformerActivation transformer_activation_from_name(const std::string& name);
std::string transformer_activation_name(TransformerActivation activation);

// torch.nn.TransformerEncoderLayer's arguments, with its defaults.
struct TransformerEncoderLayerOptions {
  int64_t d_model = 0;
  int64_t nhead = 0;
  int64_t dim_feedforward = 2048;
  float dropout = 0.1f;
  TransformerActivation activation = TransformerActivation::Relu;
  float layer_norm_eps = 1e-5f;
  bool batch_first = false;
  bool norm_first = false;
};

class TransformerEncoderLayer : public Module {
 public:
  // ValueError for d_model not a positive multiple of nhead, dim_feedforward <= 0, dropout
  // outside [0, 1) or layer_norm_eps <= 0. Dropout masks come from `gen`, which must outlive
  // the layer.
  explicit TransformerEncoderLayer(const TransformerEncoderLayerOptions& options,
                                   Generator& gen = default_generator());

  std::string type_name() const override { return "TransformerEncoderLayer"; }

  // src [T, B, d_model] ([B, T, d_model] when batch_first) -> the same shape. ShapeError naming
  // the tensor for another shape or a mask that does not fit.
  Tensor forward(const Tensor& src, const AttentionMask& src_mask = {},
                 const AttentionMask& src_key_padding_mask = {}) const;

  const TransformerEncoderLayerOptions& options() const { return options_; }

  std::shared_ptr<MultiheadAttention> self_attn;
  std::shared_ptr<Linear> linear1;
  std::shared_ptr<Dropout> dropout;
  std::shared_ptr<Linear> linear2;
  std::shared_ptr<LayerNorm> norm1;
  std::shared_ptr<LayerNorm> norm2;
  std::shared_ptr<Dropout> dropout1;
  std::shared_ptr<Dropout> dropout2;

 private:
  Tensor self_attention_block(const Tensor& x, const AttentionMask& src_mask,
                              const AttentionMask& src_key_padding_mask) const;
  Tensor feed_forward_block(const Tensor& x) const;
  // layer's LayerNorm of x + residual (x alone when residual is undefined), fused in one node.
  Tensor norm(const LayerNorm& layer, const Tensor& x, const Tensor& residual = {}) const;
  // layer's dropout probability and mode, with the hashed mask (recur/ops/transformer_ops.h).
  Tensor drop(const Dropout& layer, const Tensor& x) const;

  TransformerEncoderLayerOptions options_;
  Generator* gen_;
};

// ShapeError unless src is [T, B, d_model] ([B, T, d_model] when batch_first) and the masks fit
// it; `what` names the module in messages.
void check_transformer_input(const Tensor& src, const AttentionMask& src_mask,
                             const AttentionMask& src_key_padding_mask,
                             const TransformerEncoderLayerOptions& options,
                             const std::string& what);

class TransformerEncoder : public Module {
 public:
  // num_layers >= 1 layers with encoder_layer's options, each starting from a copy of its
  // parameters (encoder_layer itself is not used afterwards), and `norm` applied to the output
  // when given. Dropout masks come from `gen`.
  TransformerEncoder(const TransformerEncoderLayer& encoder_layer, int64_t num_layers,
                     std::shared_ptr<LayerNorm> norm = nullptr,
                     Generator& gen = default_generator());

  std::string type_name() const override { return "TransformerEncoder"; }

  // As TransformerEncoderLayer::forward, through every layer, then the final norm.
  Tensor forward(const Tensor& src, const AttentionMask& mask = {},
                 const AttentionMask& src_key_padding_mask = {}) const;

  int64_t num_layers() const { return static_cast<int64_t>(layers.size()); }

  std::vector<std::shared_ptr<TransformerEncoderLayer>> layers;  // "layers.<i>."
  std::shared_ptr<LayerNorm> norm;                               // "norm.", may be null
};

// The tutorial's PositionalEncoding: a buffer pe [max_len, 1, d_model] (saved in the state_dict,
// as PyTorch registers it) with pe[p, 0, 2i] = sin(p * div_i), pe[p, 0, 2i + 1] = cos(p * div_i),
// div_i = exp(2i * -ln(10000) / d_model). forward(x) = dropout(x + pe[:T]) for x [T, B, d_model]
// ([B, T, d_model] when batch_first). d_model must be even (the tutorial's table needs it).
class PositionalEncoding : public Module {
 public:
  PositionalEncoding(int64_t d_model, float dropout = 0.1f, int64_t max_len = 5000,
                     bool batch_first = false, Generator& gen = default_generator());

  std::string type_name() const override { return "PositionalEncoding"; }
  // ShapeError naming x for another shape; ValueError when T > max_len.
  Tensor forward(const Tensor& x) const;

  Tensor pe;  // [max_len, 1, d_model], a buffer
  std::shared_ptr<Dropout> dropout;

 private:
  int64_t d_model_;
  bool batch_first_;
};

// Learned positions: embedding [max_len, d_model] (N(0, 1), as nn.Embedding), forward(x) =
// dropout(x + embedding(0..T-1)) broadcast over the batch.
class LearnedPositionalEncoding : public Module {
 public:
  LearnedPositionalEncoding(int64_t d_model, float dropout = 0.1f, int64_t max_len = 512,
                            bool batch_first = false, Generator& gen = default_generator());

  std::string type_name() const override { return "LearnedPositionalEncoding"; }
  // ShapeError naming x for another shape; ValueError when T > max_len.
  Tensor forward(const Tensor& x) const;

  std::shared_ptr<Embedding> embedding;
  std::shared_ptr<Dropout> dropout;

 private:
  bool batch_first_;
};

}  // namespace recur::nn
