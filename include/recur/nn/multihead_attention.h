// MultiheadAttention: torch.nn.MultiheadAttention for the same-dimension case (kdim = vdim =
// embed_dim), with its parameter names, so a PyTorch state_dict loads unchanged:
//   in_proj_weight [3E, E] (q, k, v rows in that order, xavier_uniform),
//   in_proj_bias [3E] (zeros), out_proj.weight [E, E], out_proj.bias [E] (zeros).
// The numerics are those of torch.nn.functional.multi_head_attention_forward: q, k and v are
// projected, split into num_heads heads of head_dim = E / num_heads, q is scaled by
// 1/sqrt(head_dim), the masks are applied to q k^T, then softmax, dropout on the weights (while
// training), the weighted sum of v, the heads joined and out_proj applied. Composed from
// differentiable ops; without need_weights the core (q k^T, scale, masks, softmax, dropout, @ v)
// is one fused autograd node instead (recur/ops/fused_attention.h): the same numbers to float
// rounding, without the head split and join copies; its dropout masks come from a hashed
// stream (reproducible from the seed, but other masks than the composed path draws).
//
// Not supported (PyTorch's rarely used options): kdim/vdim != embed_dim, add_bias_kv,
// add_zero_attn, unbatched 2-D inputs. A query whose every key is masked is a ValueError naming
// the batch row, head and query (PyTorch returns NaN weights; see recur/nn/attention.h).
//
//   nn::MultiheadAttention mha(/*embed_dim=*/128, /*num_heads=*/4, /*dropout=*/0.1f,
//                              /*bias=*/true, /*batch_first=*/true, gen);
//   auto pad = nn::AttentionMask::lengths(lengths, T);       // [B, T], 1 = padding
//   auto [out, weights] = mha.forward(x, x, x, pad);          // [B, T, 128], [B, T, T]
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "recur/nn/attention.h"
#include "recur/nn/linear.h"
#include "recur/nn/module.h"

namespace recur::nn {

class MultiheadAttention : public Module {
 public:
  // embed_dim must be a multiple of num_heads; dropout in [0, 1) (ValueError otherwise).
  // Dropout masks are drawn from `gen`, which must outlive the module.
  MultiheadAttention(int64_t embed_dim, int64_t num_heads, float dropout = 0.0f, bool bias = true,
                     bool batch_first = false, Generator& gen = default_generator());

  std::string type_name() const override { return "MultiheadAttention"; }

  // query [Tq, B, E], key and value [Tk, B, E] ([B, Tq, E] and [B, Tk, E] when batch_first);
  // key_padding_mask [B, Tk]; attn_mask [Tq, Tk] or [B * num_heads, Tq, Tk]. Returns context
  // = the attention output, in the query's layout, and weights = [B, Tq, Tk] averaged over the
  // heads (or [B, num_heads, Tq, Tk] without average_attn_weights), undefined unless
  // need_weights. ShapeError naming the tensor for any other shape.
  AttentionOutput forward(const Tensor& query, const Tensor& key, const Tensor& value,
                          const AttentionMask& key_padding_mask = {}, bool need_weights = true,
                          const AttentionMask& attn_mask = {},
                          bool average_attn_weights = true) const;

  // PyTorch's _reset_parameters: xavier_uniform in_proj_weight, Linear's default out_proj.weight,
  // zero biases.
  void reset_parameters(Generator& gen);

  int64_t embed_dim() const { return embed_dim_; }
  int64_t num_heads() const { return num_heads_; }
  int64_t head_dim() const { return embed_dim_ / num_heads_; }
  float dropout() const { return dropout_; }
  bool batch_first() const { return batch_first_; }

  Tensor in_proj_weight;  // [3E, E]
  Tensor in_proj_bias;    // [3E], undefined without bias
  std::shared_ptr<Linear> out_proj;

 private:
  // forward without weights: in-projection, the fused core, out_proj.
  Tensor fused_forward(const Tensor& query, const Tensor& key, const Tensor& value,
                       const AttentionMask& key_padding_mask, const AttentionMask& attn_mask) const;

  int64_t embed_dim_;
  int64_t num_heads_;
  float dropout_;
  bool batch_first_;
  Generator* gen_;
};

}  // namespace recur::nn
