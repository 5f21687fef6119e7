// The core of multi-head scaled dot-product attention as ONE autograd node with a hand-written
// backward: for every batch row b and head h,
//   P = softmax(q_bh k_bh^T / sqrt(head_dim) + attn_bias + key_bias),  P' = dropout(P),
//   out_bh = P' v_bh,
// the heads written side by side into out. It is what nn::MultiheadAttention composes from
// split, transpose, matmul, masked_fill, softmax and dropout, without those copies and
// intermediate nodes: each head is read in place from the projections (head h of q is columns
// [h * head_dim, (h + 1) * head_dim) of q's rows; in the packed form q, k and v are the three
// thirds of one [.., 3E] tensor, as the fused in-projection of self-attention produces it), the
// scores go through one vectorised masked softmax, and the output lands in the layout of the
// input. Backward (dP' = dout v^T, dv = P'^T dout, the dropout mask, dS = P (dP - rowsum(dP P)),
// dq = dS k / sqrt(d), dk = dS^T q / sqrt(d)) keeps P and P' only.
//
// Numerics are PyTorch's multi_head_attention_forward up to float rounding: the 1/sqrt(head_dim)
// scale multiplies the product instead of q (a relative difference of float epsilon). Dropout
// masks the weights [B, H, Tq, Tk] (row-major) with hashed_dropout_mask (recur/ops/
// transformer_ops.h): one key drawn from `gen` per call, so seeded runs repeat, but the masks
// are not recur::dropout's for the same seed. A query whose every score
// is -inf is a ValueError "<what>: every key is masked for batch row b, head h, query i (its
// softmax would be NaN)". The masks receive no gradient.
#pragma once

#include <cstdint>
#include <string>

#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur {

struct AttentionCoreOptions {
  int64_t num_heads = 1;
  // Layout of q, k, v and the output: [B, T, C] when true, [T, B, C] when false.
  bool batch_first = true;
  // Added to the scores; undefined, [Tq, Tk] or [B * num_heads, Tq, Tk] (b major, then h).
  Tensor attn_bias;
  // Added to the scores of every query and head of batch row b; undefined or [B, Tk].
  Tensor key_bias;
  float dropout_p = 0.0f;          // dropout on the weights when > 0, in [0, 1)
  Generator* gen = nullptr;        // default_generator() when null
  std::string what = "attention";  // names the caller in errors
};

// q [B, Tq, E], k and v [B, Tk, E] (seq-first when !batch_first), E a multiple of num_heads ->
// [B, Tq, E]. ShapeError naming the tensor for other shapes.
Tensor multi_head_attention_core(const Tensor& q, const Tensor& k, const Tensor& v,
                                 const AttentionCoreOptions& options);

// qkv [B, T, 3E] (q, k, v side by side, seq-first when !batch_first) -> [B, T, E]: the same as
// multi_head_attention_core on its three thirds, with one gradient for qkv.
Tensor packed_multi_head_attention_core(const Tensor& qkv, const AttentionCoreOptions& options);

}  // namespace recur
