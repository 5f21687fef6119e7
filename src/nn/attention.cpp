#include "recur/nn/attention.h"

#include <cmath>
#include <string>

#include "recur/nn/init.h"
#include "recur/ops/activation.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/dropout.h"
#include "recur/ops/indexing.h"
#include "recur/ops/matmul.h"
#include "recur/ops/shape.h"
#include "recur/ops/softmax.h"

namespace recur::nn {

namespace {

// "[2, Tk, 6]": known sizes as numbers, free ones by name.
std::string attention_pattern(std::initializer_list<std::string> dims) {
  std::string out = "[";
  for (const std::string& d : dims) out += (out.size() > 1 ? ", " : "") + d;
  return out + "]";
}

// True when `from` broadcasts to exactly `to` (aligned from the right, sizes 1 stretch).
bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  const size_t skip = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i) {
    if (from[i] != 1 && from[i] != to[skip + i]) return false;
  }
  return true;
}

}  // namespace

// --- AttentionMask ------------------------------------------------------------------------

AttentionMask AttentionMask::masked(IndexTensor mask) {
  mask.check_range(0, 2, "attention mask (1 = masked)");
  AttentionMask m;
  m.kind_ = Kind::Masked;
  m.masked_ = std::move(mask);
  return m;
}

AttentionMask AttentionMask::allowed(const IndexTensor& mask) {
  mask.check_range(0, 2, "attention mask (1 = allowed)");
  IndexTensor flipped = mask;
  for (int64_t& x : flipped.span()) x = 1 - x;
  return masked(std::move(flipped));
}

AttentionMask AttentionMask::additive(Tensor mask) {
  if (!mask.defined()) throw ValueError("additive attention mask: undefined tensor");
  AttentionMask m;
  m.kind_ = Kind::Additive;
  m.additive_ = std::move(mask);
  return m;
}

AttentionMask AttentionMask::lengths(const std::vector<int64_t>& lengths, int64_t num_keys) {
  const auto batch = static_cast<int64_t>(lengths.size());
  IndexTensor mask = IndexTensor::zeros({batch, num_keys});
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t len = lengths[static_cast<size_t>(b)];
    if (len < 0 || len > num_keys) {
      throw ValueError("attention mask lengths: row " + std::to_string(b) + " has length " +
                       std::to_string(len) + ", outside [0, " + std::to_string(num_keys) +
                       "] keys");
    }
    for (int64_t t = len; t < num_keys; ++t) mask.data()[b * num_keys + t] = 1;
  }
  return masked(std::move(mask));
}

AttentionMask AttentionMask::causal(int64_t size) {
  if (size < 0)
    throw ValueError("causal attention mask: size must be >= 0, got " + std::to_string(size));
  IndexTensor mask = IndexTensor::zeros({size, size});
  for (int64_t i = 0; i < size; ++i) {
    for (int64_t j = i + 1; j < size; ++j) mask.data()[i * size + j] = 1;
  }
  return masked(std::move(mask));
}

const Shape& AttentionMask::shape() const {
  switch (kind_) {
    case Kind::Masked:
      return masked_.shape();
    case Kind::Additive:
      return additive_.shape();
    case Kind::None:
      break;
  }
  throw ShapeError("attention mask: an empty mask has no shape");
}

Tensor AttentionMask::apply(const Tensor& scores, const Shape& view) const {
  switch (kind_) {
    case Kind::Masked:
      return masked_fill(scores, masked_.reshape(view), -INFINITY);
    case Kind::Additive:
      return scores + additive_.view(view);
    case Kind::None:
      break;
  }
  return scores;
}

void check_mask_shape(const AttentionMask& mask, const Shape& shape, const std::string& what,
                      const std::string& pattern) {
  if (mask.empty() || mask.shape() == shape) return;
  throw ShapeError(what + ": expected " + shape_str(shape) + " (" + pattern + "), got " +
                   shape_str(mask.shape()));
}

void check_every_row_attends(const Tensor& scores, const std::string& what,
                             const std::function<std::string(const Shape&)>& describe) {
  const int64_t n = scores.size(-1);
  const int64_t rows = n == 0 ? 0 : scores.numel() / n;
  const float* p = scores.data();
  for (int64_t r = 0; r < rows; ++r) {
    bool any = false;
    for (int64_t k = 0; k < n && !any; ++k) any = p[r * n + k] != -INFINITY;
    if (any) continue;
    // The row's position over the leading dimensions, last one fastest.
    Shape pos(scores.shape().begin(), scores.shape().end() - 1);
    int64_t rest = r;
    for (size_t d = pos.size(); d-- > 0;) {
      const int64_t size = scores.shape()[d];
      pos[d] = rest % size;
      rest /= size;
    }
    throw ValueError(what + ": every key is masked for " + describe(pos) +
                     " (its softmax would be NaN)");
  }
}

// --- scaled dot-product attention ---------------------------------------------------------

AttentionOutput scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                             const AttentionMask& attn_mask, float dropout_p,
                                             Generator& gen) {
  const std::string what = "scaled_dot_product_attention";
  if (q.dim() < 2) check_rank(q, 2, what + " q", "[..., Tq, D]");
  const Shape lead(q.shape().begin(), q.shape().end() - 2);
  Shape k_want = lead;
  k_want.insert(k_want.end(), {-1, q.size(-1)});
  check_shape(k, k_want, what + " k", "[..., Tk, D] with q's leading dimensions and D");
  Shape v_want = lead;
  v_want.insert(v_want.end(), {k.size(-2), -1});
  check_shape(v, v_want, what + " v", "[..., Tk, Dv] with k's leading dimensions and Tk");
  if (k.size(-2) == 0) throw ShapeError(what + " k: expected at least one key, got Tk = 0");

  const float scale = 1.0f / std::sqrt(static_cast<float>(q.size(-1)));
  Tensor scores = matmul(q * scale, transpose(k, -2, -1));
  if (!attn_mask.empty()) {
    if (!broadcasts_to(attn_mask.shape(), scores.shape())) {
      throw ShapeError(what + " attn_mask: shape " + shape_str(attn_mask.shape()) +
                       " does not broadcast to the scores " + shape_str(scores.shape()));
    }
    scores = attn_mask.apply(scores, attn_mask.shape());
    check_every_row_attends(scores, what,
                            [](const Shape& pos) { return "the scores row " + shape_str(pos); });
  }
  Tensor weights = dropout(softmax(scores, -1), dropout_p, dropout_p > 0.0f, gen);
  return {matmul(weights, v), weights};
}

// --- Attention ----------------------------------------------------------------------------

Attention::Attention(int64_t query_dim, int64_t key_dim)
    : query_dim_(query_dim), key_dim_(key_dim) {
  if (query_dim <= 0 || key_dim <= 0) {
    throw ValueError("attention: query_dim and key_dim must be > 0, got " +
                     std::to_string(query_dim) + " and " + std::to_string(key_dim));
  }
}

int64_t Attention::checked_batch(const Tensor& query) const {
  if (!query.defined() || (query.dim() != 2 && query.dim() != 3) || query.size(-1) != query_dim_) {
    throw ShapeError(type_name() + " query: expected " +
                     attention_pattern({"B", std::to_string(query_dim_)}) + " or " +
                     attention_pattern({"B", "Tq", std::to_string(query_dim_)}) + ", got " +
                     (query.defined() ? shape_str(query.shape()) : "an undefined tensor"));
  }
  return query.size(0);
}

AttentionOutput Attention::forward(const Tensor& query, const Tensor& keys, const Tensor& values,
                                   const AttentionMask& mask) const {
  const std::string name = type_name();
  const int64_t B = checked_batch(query);
  check_shape(keys, {B, -1, key_dim_}, name + " keys",
              attention_pattern({std::to_string(B), "Tk", std::to_string(key_dim_)}));
  if (keys.size(1) == 0) throw ShapeError(name + " keys: expected at least one key, got Tk = 0");
  return forward_projected(query, project_keys(keys), values, mask);
}

AttentionOutput Attention::forward_projected(const Tensor& query, const Tensor& projected_keys,
                                             const Tensor& values,
                                             const AttentionMask& mask) const {
  const std::string name = type_name();
  const bool one_step = query.dim() == 2;
  const int64_t B = checked_batch(query);
  check_shape(projected_keys, {B, -1, -1}, name + " projected keys",
              attention_pattern({std::to_string(B), "Tk", "*"}));
  const int64_t Tk = projected_keys.size(1);
  if (Tk == 0) throw ShapeError(name + " keys: expected at least one key, got Tk = 0");
  check_shape(values, {B, Tk, -1}, name + " values",
              attention_pattern({std::to_string(B), std::to_string(Tk), "Dv"}));
  check_mask_shape(mask, {B, Tk}, name + " mask", "[B, Tk]");

  const Tensor q = one_step ? unsqueeze(query, 1) : query;
  Tensor scores = mask.apply(score(q, projected_keys), {B, 1, Tk});
  if (!mask.empty()) {
    check_every_row_attends(scores, name, [](const Shape& pos) {
      return "batch row " + std::to_string(pos[0]) + " (query step " + std::to_string(pos[1]) + ")";
    });
  }
  Tensor weights = softmax(scores, -1);
  Tensor context = matmul(weights, values);
  if (one_step) return {squeeze(context, 1), squeeze(weights, 1)};
  return {context, weights};
}

// --- AdditiveAttention --------------------------------------------------------------------

AdditiveAttention::AdditiveAttention(int64_t query_dim, int64_t key_dim, int64_t attention_dim,
                                     Generator& gen)
    : Attention(query_dim, key_dim) {
  Wa = register_module("Wa", std::make_shared<Linear>(query_dim, attention_dim, true, gen));
  Ua = register_module("Ua", std::make_shared<Linear>(key_dim, attention_dim, true, gen));
  Va = register_module("Va", std::make_shared<Linear>(attention_dim, 1, true, gen));
}

Tensor AdditiveAttention::project_keys(const Tensor& keys) const { return Ua->forward(keys); }

Tensor AdditiveAttention::score(const Tensor& query, const Tensor& projected_keys) const {
  // [B, Tq, 1, A] + [B, 1, Tk, A] -> tanh -> Va -> [B, Tq, Tk, 1]
  Tensor energy = tanh(unsqueeze(Wa->forward(query), 2) + unsqueeze(projected_keys, 1));
  return squeeze(Va->forward(energy), -1);
}

// --- LuongAttention -----------------------------------------------------------------------

LuongScore luong_score_from_name(const std::string& name) {
  if (name == "dot") return LuongScore::Dot;
  if (name == "general") return LuongScore::General;
  if (name == "concat") return LuongScore::Concat;
  throw ValueError("Luong attention score '" + name + "': expected dot, general or concat");
}

std::string luong_score_name(LuongScore score) {
  switch (score) {
    case LuongScore::Dot:
      return "dot";
    case LuongScore::General:
      return "general";
    case LuongScore::Concat:
      return "concat";
  }
  return "?";
}

LuongAttention::LuongAttention(LuongScore method, int64_t query_dim, int64_t key_dim,
                               int64_t attention_dim, Generator& gen)
    : Attention(query_dim, key_dim), method_(method) {
  switch (method) {
    case LuongScore::Dot:
      if (query_dim != key_dim) {
        throw ValueError("LuongAttention dot: query_dim (" + std::to_string(query_dim) +
                         ") must equal key_dim (" + std::to_string(key_dim) + ")");
      }
      break;
    case LuongScore::General:
      attn = register_module("attn", std::make_shared<Linear>(key_dim, query_dim, true, gen));
      break;
    case LuongScore::Concat: {
      if (attention_dim <= 0) {
        throw ValueError("LuongAttention concat: attention_dim must be > 0, got " +
                         std::to_string(attention_dim));
      }
      attn = register_module(
          "attn", std::make_shared<Linear>(query_dim + key_dim, attention_dim, true, gen));
      const float bound = 1.0f / std::sqrt(static_cast<float>(attention_dim));
      v = register_parameter("v",
                             init::uniform_(Tensor::zeros({attention_dim}), gen, -bound, bound));
      break;
    }
  }
}

Tensor LuongAttention::project_keys(const Tensor& keys) const {
  switch (method_) {
    case LuongScore::Dot:
      return keys;
    case LuongScore::General:
      return attn->forward(keys);
    case LuongScore::Concat:
      break;
  }
  // W [q; k] + b = W_q q + (W_k k + b): the concatenation over every (query, key) pair is never
  // built, only its two halves broadcast against each other; this is the key half.
  return linear(keys, split(attn->weight, {query_dim(), key_dim()}, 1)[1], attn->bias);
}

Tensor LuongAttention::score(const Tensor& query, const Tensor& projected_keys) const {
  if (method_ != LuongScore::Concat) return matmul_transposed(query, projected_keys);
  const Tensor w_query = split(attn->weight, {query_dim(), key_dim()}, 1)[0];
  Tensor energy = tanh(unsqueeze(linear(query, w_query), 2) + unsqueeze(projected_keys, 1));
  return squeeze(matmul(energy, unsqueeze(v, 1)), -1);
}

}  // namespace recur::nn
