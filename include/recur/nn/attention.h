// Attention for encoder-decoder models: a query (the decoder's state) scores every key (the
// encoder's outputs), the scores are turned into weights by a softmax over the keys, and the
// context is the weighted sum of the values. Three ways to score, as in the literature:
//
//   AdditiveAttention   Bahdanau et al. 2015: score = v^T tanh(W q + U k), transcribing the
//                       BahdanauAttention of PyTorch's "NLP From Scratch: Translation with a
//                       Sequence to Sequence Network and Attention" tutorial (Wa, Ua, Va).
//   LuongAttention      Luong et al. 2015, as the Attn module of PyTorch's chatbot tutorial
//                       (attn, v): dot q^T k, general q^T (W k + b), concat v^T tanh(W [q; k] + b).
//   scaled_dot_product_attention   softmax(q k^T / sqrt(d) + mask) v, the core of
//                       nn::MultiheadAttention (recur/nn/multihead_attention.h).
//
// Everything is composed from recur's differentiable ops (matmul, tanh, softmax, masked_fill),
// so gradients reach the query, the keys, the values and the parameters.
//
// Masks (AttentionMask) say which keys a query may not see: source padding as lengths, a 0/1
// mask in either convention, or PyTorch's additive float mask. A masked score is -inf before the
// softmax, so its weight is exactly 0 and it receives no gradient.
//
// A query row whose every key is masked is a ValueError naming the row. PyTorch returns NaN
// weights for it, which then turn the loss and every gradient into NaN far from the cause; in a
// right-padded batch such a row only arises from an empty source or a wrong mask, so recur stops
// there instead.
//
//   nn::AdditiveAttention attn(/*query_dim=*/H, /*key_dim=*/2 * H, /*attention_dim=*/H, gen);
//   auto mask = nn::AttentionMask::lengths(src_lengths, enc_out.size(1));
//   auto [context, weights] = attn.forward(h_t, enc_out, enc_out, mask);  // [B, 2H], [B, Tk]
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "recur/nn/linear.h"
#include "recur/nn/module.h"
#include "recur/tensor/index_tensor.h"

namespace recur::nn {

// What an attention returns. For a query of one step ([B, Dq]) the Tq dimension is absent from
// both: context [B, Dv] and weights [B, Tk]; for [B, Tq, Dq] they are [B, Tq, Dv] and
// [B, Tq, Tk].
struct AttentionOutput {
  Tensor context;
  Tensor weights;
};

// Which scores are hidden from the softmax. Either a 0/1 IndexTensor of masked positions or a
// float mask added to the scores (-inf hides a score, finite values shift it). Each use says
// which shape it expects (a key padding mask is [B, Tk]).
class AttentionMask {
 public:
  AttentionMask() = default;  // nothing masked

  // 1 marks a position that must NOT be attended: PyTorch's bool key_padding_mask and attn_mask
  // of nn.MultiheadAttention. Entries other than 0 and 1 are a ValueError.
  static AttentionMask masked(IndexTensor mask);
  // 1 marks a position that MAY be attended: the bool attn_mask of PyTorch's
  // F.scaled_dot_product_attention, and recur's length_mask convention.
  static AttentionMask allowed(const IndexTensor& mask);
  // Added to the scores: PyTorch's float masks (0 keeps, -inf hides).
  static AttentionMask additive(Tensor mask);
  // Source padding as a [B, num_keys] mask: key t of row b is masked when t >= lengths[b].
  // ValueError naming the row for a length outside [0, num_keys].
  static AttentionMask lengths(const std::vector<int64_t>& lengths, int64_t num_keys);
  // [size, size]: query i may see keys 0..i only (a decoder's self-attention).
  static AttentionMask causal(int64_t size);

  bool empty() const { return kind_ == Kind::None; }
  bool is_additive() const { return kind_ == Kind::Additive; }
  // The mask's own shape (ShapeError when empty).
  const Shape& shape() const;

  // scores with the mask applied: the mask is viewed as `view` (the same number of elements,
  // e.g. [B, 1, Tk] for a [B, Tk] key mask) and broadcast to scores' shape. Differentiable in
  // scores. An empty mask returns scores.
  Tensor apply(const Tensor& scores, const Shape& view) const;

 private:
  enum class Kind { None, Masked, Additive };
  Kind kind_ = Kind::None;
  IndexTensor masked_;
  Tensor additive_;
};

// ShapeError "<what>: expected [2, 5] ([B, Tk]), got [2, 4]" unless a non-empty mask has
// exactly `shape`.
void check_mask_shape(const AttentionMask& mask, const Shape& shape, const std::string& what,
                      const std::string& pattern);

// ValueError unless every row of scores (its last dimension) has a score above -inf after
// masking. The message is "<what>: every key is masked for <describe(row position)>"; the
// position has scores' leading dimensions.
void check_every_row_attends(const Tensor& scores, const std::string& what,
                             const std::function<std::string(const Shape&)>& describe);

// softmax(q k^T * scale + mask) v with scale = 1/sqrt(D), applied to q as PyTorch does.
// q [..., Tq, D], k [..., Tk, D], v [..., Tk, Dv] with equal leading dimensions; attn_mask
// broadcasts to the scores [..., Tq, Tk]. Dropout with probability dropout_p (from `gen`) is
// applied to the weights, which are returned after it, as nn.MultiheadAttention returns them;
// pass 0 outside training, as with PyTorch's function. Returns context [..., Tq, Dv] and
// weights [..., Tq, Tk].
AttentionOutput scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                             const AttentionMask& attn_mask = {},
                                             float dropout_p = 0.0f,
                                             Generator& gen = default_generator());

// The common part of the additive and multiplicative attentions: shape checks, masking, softmax
// and the weighted sum. Subclasses say how a query scores the keys.
class Attention : public Module {
 public:
  // query [B, Dq] (one decoder step) or [B, Tq, Dq]; keys [B, Tk, Dk] (Tk >= 1); values
  // [B, Tk, Dv]; mask empty or [B, Tk]. ShapeError naming the tensor for any other shape.
  AttentionOutput forward(const Tensor& query, const Tensor& keys, const Tensor& values,
                          const AttentionMask& mask = {}) const;

  // The part of the score that depends on the keys alone (U k for additive, W k + b for Luong's
  // general, the key half of concat; the keys themselves for dot): [B, Tk, *]. A decoder that
  // attends to the same keys at every step computes it once and calls forward_projected, which
  // gives exactly forward's result without projecting the keys again at each step.
  virtual Tensor project_keys(const Tensor& keys) const { return keys; }
  // forward with keys already passed through project_keys ([B, Tk, *]).
  AttentionOutput forward_projected(const Tensor& query, const Tensor& projected_keys,
                                    const Tensor& values, const AttentionMask& mask = {}) const;

  int64_t query_dim() const { return query_dim_; }
  int64_t key_dim() const { return key_dim_; }

 protected:
  Attention(int64_t query_dim, int64_t key_dim);
  // Scores [B, Tq, Tk] of query [B, Tq, Dq] against project_keys(keys), before masking.
  virtual Tensor score(const Tensor& query, const Tensor& projected_keys) const = 0;

 private:
  // The batch size of a query [B, Dq] or [B, Tq, Dq]; ShapeError naming it otherwise.
  int64_t checked_batch(const Tensor& query) const;

  int64_t query_dim_;
  int64_t key_dim_;
};

// Bahdanau's score v^T tanh(W q + U k) with the tutorial's names and Linear layers (all with a
// bias; Va's bias shifts every score alike, so it gets no gradient, as in PyTorch):
//   Wa.weight [A, Dq], Wa.bias [A], Ua.weight [A, Dk], Ua.bias [A], Va.weight [1, A], Va.bias [1]
// Memory: B * Tq * Tk * A floats for the tanh (Tq is 1 in a decoder step).
class AdditiveAttention : public Attention {
 public:
  AdditiveAttention(int64_t query_dim, int64_t key_dim, int64_t attention_dim,
                    Generator& gen = default_generator());
  std::string type_name() const override { return "AdditiveAttention"; }

  std::shared_ptr<Linear> Wa;  // query side (the decoder state s_{i-1} in the paper)
  std::shared_ptr<Linear> Ua;  // key side (the annotations h_j)
  std::shared_ptr<Linear> Va;

  Tensor project_keys(const Tensor& keys) const override;  // Ua k

 protected:
  Tensor score(const Tensor& query, const Tensor& projected_keys) const override;
};

enum class LuongScore { Dot, General, Concat };
// "dot", "general", "concat"; ValueError listing them for anything else.
LuongScore luong_score_from_name(const std::string& name);
std::string luong_score_name(LuongScore score);

// Luong's scores with the chatbot tutorial's names:
//   dot      no parameters; query_dim must equal key_dim.
//   general  attn = Linear(key_dim, query_dim): attn.weight [Dq, Dk], attn.bias [Dq].
//   concat   attn = Linear(query_dim + key_dim, attention_dim) over [q; k] (query first):
//            attn.weight [A, Dq + Dk], attn.bias [A]; v [A], drawn U(-1/sqrt(A), 1/sqrt(A))
//            (the tutorial leaves it uninitialised).
// attention_dim is used by concat only.
class LuongAttention : public Attention {
 public:
  LuongAttention(LuongScore method, int64_t query_dim, int64_t key_dim, int64_t attention_dim = 0,
                 Generator& gen = default_generator());
  std::string type_name() const override { return "LuongAttention"; }
  LuongScore method() const { return method_; }

  std::shared_ptr<Linear> attn;  // null for dot
  Tensor v;                      // concat only

  // dot: the keys; general: attn(k); concat: the key half of attn, W_k k + b.
  Tensor project_keys(const Tensor& keys) const override;

 protected:
  Tensor score(const Tensor& query, const Tensor& projected_keys) const override;

 private:
  LuongScore method_;
};

}  // namespace recur::nn
