#include "recur/ops/fused_attention.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lane_reduce.h"
#include "op_node.h"
#include "recur/kernels/activations.h"
#include "recur/kernels/gemm.h"
#include "recur/kernels/parallel.h"
#include "recur/ops/transformer_ops.h"

namespace recur {

namespace {

using kernels::Trans;
using ops_detail::Grads;

// Where head h of batch row b starts in a [B, T, C] or [T, B, C] tensor whose columns
// [col, col + E) hold the heads side by side, and the distance between its rows.
struct HeadLayout {
  int64_t batch_stride = 0;
  int64_t row_stride = 0;
  int64_t col = 0;
  int64_t offset(int64_t b, int64_t h, int64_t head_dim) const {
    return b * batch_stride + col + h * head_dim;
  }
};

HeadLayout head_layout(const Shape& shape, bool batch_first, int64_t col) {
  const int64_t columns = shape[2];
  if (batch_first) return {shape[1] * columns, columns, col};
  return {columns, shape[1] * columns, col};
}

// The sizes and layouts of one attention call.
struct Problem {
  int64_t B = 0, Tq = 0, Tk = 0, H = 0, hd = 0;
  float scale = 1.0f;  // 1 / sqrt(head_dim)
  HeadLayout q, k, v, out;
  int64_t heads() const { return B * H; }
  int64_t weights_per_head() const { return Tq * Tk; }
};

// k (or v) of one batch row transposed, all heads at once: [E, Tk], head h in rows
// [h * head_dim, (h + 1) * head_dim). The attention's q k^T and dout v^T then run as plain
// products instead of transposed ones, which OpenBLAS packed first (on 100 x 32 heads the
// packing cost more than the arithmetic; measured before gemm moved to oneDNN, docs/BLAS.md). Whole
// rows are read in order, once per batch row, rather than a head's 32 columns at a time.
class TransposedRows {
 public:
  explicit TransposedRows(const Problem& pr)
      : pr_(pr), data_(static_cast<size_t>(pr.H * pr.hd * pr.Tk)) {}

  // Head h of batch row b of x (laid out as `layout`), transposed: [head_dim, Tk], ld Tk.
  const float* head(const float* x, const HeadLayout& layout, int64_t b, int64_t h) {
    if (b != batch_) {
      const float* src = x + layout.offset(b, 0, pr_.hd);
      const int64_t cols = pr_.H * pr_.hd;
      // In tiles of kTile rows, so each store fills a run of one output row and the tile's
      // input rows stay in L1 (row by row, every store would touch another cache line).
      constexpr int64_t kTile = 16;
      for (int64_t t0 = 0; t0 < pr_.Tk; t0 += kTile) {
        const int64_t t1 = std::min(t0 + kTile, pr_.Tk);
        for (int64_t c = 0; c < cols; ++c) {
          float* out = data_.data() + c * pr_.Tk;
          for (int64_t t = t0; t < t1; ++t) out[t] = src[t * layout.row_stride + c];
        }
      }
      batch_ = b;
    }
    return data_.data() + h * pr_.hd * pr_.Tk;
  }

 private:
  const Problem& pr_;
  std::vector<float> data_;
  int64_t batch_ = -1;
};

// Adds the bias rows to scores, then softmax in place. False when every score is -inf.
bool masked_softmax_row(float* s, int64_t n, const float* attn_bias, const float* key_bias) {
  if (attn_bias != nullptr) {
    for (int64_t j = 0; j < n; ++j) s[j] += attn_bias[j];
  }
  if (key_bias != nullptr) {
    for (int64_t j = 0; j < n; ++j) s[j] += key_bias[j];
  }
  const float mx = ops_detail::lane_max(s, n);
  if (mx == -INFINITY) return false;
  for (int64_t j = 0; j < n; ++j) s[j] -= mx;
  kernels::exp(s, s, n);  // exp(-inf) = 0: masked keys get exactly zero weight
  const float inv = 1.0f / ops_detail::lane_sum(s, n);
  for (int64_t j = 0; j < n; ++j) s[j] *= inv;
  return true;
}

// dS = P (dP - sum(dP P)) in place over dP, for one row; dP is first taken through the dropout
// (kept weights were scaled by keep_scale, dropped ones are 0 in P').
void softmax_backward_row(const float* p, const float* p_dropped, float* dp, int64_t n,
                          float keep_scale) {
  if (p_dropped != p) {
    for (int64_t j = 0; j < n; ++j) dp[j] = p_dropped[j] != 0.0f ? dp[j] * keep_scale : 0.0f;
  }
  const float d = ops_detail::lane_dot(dp, p, n);
  for (int64_t j = 0; j < n; ++j) dp[j] = p[j] * (dp[j] - d);
}

void check_bias(const Tensor& bias, const Shape& a, const Shape& b, const std::string& what) {
  if (!bias.defined() || bias.shape() == a || bias.shape() == b) return;
  throw ShapeError(what + ": expected " + shape_str(a) + (a == b ? "" : " or " + shape_str(b)) +
                   ", got " + shape_str(bias.shape()));
}

// Forward over every (batch row, head): fills p (softmax; undefined when nothing needs it
// afterwards), p_dropped (after dropout; the same tensor without dropout) and out. q, k, v and out
// point at the tensors' first elements.
void attention_forward(const Problem& pr, const AttentionCoreOptions& o, const float* q,
                       const float* k, const float* v, Tensor& p, Tensor& p_dropped, float* out) {
  const bool drop = o.dropout_p > 0.0f;
  if (drop) {
    hashed_dropout_mask(p_dropped.data(), p_dropped.numel(), o.dropout_p,
                        o.gen != nullptr ? *o.gen : default_generator());
  }
  const float* attn_bias = o.attn_bias.defined() ? o.attn_bias.data() : nullptr;
  const bool bias_per_head = o.attn_bias.defined() && o.attn_bias.dim() == 3;
  const float* key_bias = o.key_bias.defined() ? o.key_bias.data() : nullptr;
  std::vector<int64_t> fully_masked(static_cast<size_t>(pr.heads()), -1);
  // Without a backward to feed, the weights of one head at a time stay in cache.
  float* pp = p.defined() ? p.data() : nullptr;
  float* pd = p_dropped.defined() ? p_dropped.data() : nullptr;
  kernels::parallel_for(0, pr.heads(), 1, [&](int64_t begin, int64_t end) {
    TransposedRows k_t(pr);
    std::vector<float> scratch(static_cast<size_t>(pp == nullptr ? pr.weights_per_head() : 0));
    for (int64_t bh = begin; bh < end; ++bh) {
      const int64_t b = bh / pr.H, h = bh % pr.H;
      float* s = pp != nullptr ? pp + bh * pr.weights_per_head() : scratch.data();
      kernels::gemm(Trans::No, Trans::No, pr.Tq, pr.Tk, pr.hd, pr.scale,
                    q + pr.q.offset(b, h, pr.hd), pr.q.row_stride, k_t.head(k, pr.k, b, h), pr.Tk,
                    0.0f, s, pr.Tk);
      const float* bias_head =
          attn_bias == nullptr ? nullptr : attn_bias + (bias_per_head ? bh * pr.Tq * pr.Tk : 0);
      for (int64_t i = 0; i < pr.Tq; ++i) {
        const bool ok =
            masked_softmax_row(s + i * pr.Tk, pr.Tk, bias_head ? bias_head + i * pr.Tk : nullptr,
                               key_bias ? key_bias + b * pr.Tk : nullptr);
        if (!ok && fully_masked[static_cast<size_t>(bh)] < 0)
          fully_masked[static_cast<size_t>(bh)] = i;
      }
      const float* weights = s;
      if (drop) {
        float* sd = pd + bh * pr.weights_per_head();
        for (int64_t j = 0; j < pr.weights_per_head(); ++j) sd[j] *= s[j];
        weights = sd;
      }
      kernels::gemm(Trans::No, Trans::No, pr.Tq, pr.hd, pr.Tk, 1.0f, weights, pr.Tk,
                    v + pr.v.offset(b, h, pr.hd), pr.v.row_stride, 0.0f,
                    out + pr.out.offset(b, h, pr.hd), pr.out.row_stride);
    }
  });
  for (int64_t bh = 0; bh < pr.heads(); ++bh) {
    const int64_t i = fully_masked[static_cast<size_t>(bh)];
    if (i < 0) continue;
    throw ValueError(o.what + ": every key is masked for batch row " + std::to_string(bh / pr.H) +
                     ", head " + std::to_string(bh % pr.H) + ", query " + std::to_string(i) +
                     " (its softmax would be NaN)");
  }
}

// Backward over every (batch row, head): writes dq, dk, dv (every element of their heads).
void attention_backward(const Problem& pr, float dropout_p, const float* q, const float* k,
                        const float* v, const Tensor& p, const Tensor& p_dropped, const float* dout,
                        float* dq, float* dk, float* dv) {
  const float keep_scale = dropout_p > 0.0f ? 1.0f / (1.0f - dropout_p) : 1.0f;
  kernels::parallel_for(0, pr.heads(), 1, [&](int64_t begin, int64_t end) {
    std::vector<float> ds(static_cast<size_t>(pr.weights_per_head()));
    TransposedRows v_t(pr);
    for (int64_t bh = begin; bh < end; ++bh) {
      const int64_t b = bh / pr.H, h = bh % pr.H;
      const float* ph = p.data() + bh * pr.weights_per_head();
      const float* pdh = p_dropped.data() + bh * pr.weights_per_head();
      const float* dout_h = dout + pr.out.offset(b, h, pr.hd);
      // dP' = dout v^T, dv = P'^T dout
      kernels::gemm(Trans::No, Trans::No, pr.Tq, pr.Tk, pr.hd, 1.0f, dout_h, pr.out.row_stride,
                    v_t.head(v, pr.v, b, h), pr.Tk, 0.0f, ds.data(), pr.Tk);
      kernels::gemm(Trans::Yes, Trans::No, pr.Tk, pr.hd, pr.Tq, 1.0f, pdh, pr.Tk, dout_h,
                    pr.out.row_stride, 0.0f, dv + pr.v.offset(b, h, pr.hd), pr.v.row_stride);
      for (int64_t i = 0; i < pr.Tq; ++i) {
        softmax_backward_row(ph + i * pr.Tk, pdh == ph ? ph + i * pr.Tk : pdh + i * pr.Tk,
                             ds.data() + i * pr.Tk, pr.Tk, keep_scale);
      }
      // dq = scale dS k, dk = scale dS^T q
      kernels::gemm(Trans::No, Trans::No, pr.Tq, pr.hd, pr.Tk, pr.scale, ds.data(), pr.Tk,
                    k + pr.k.offset(b, h, pr.hd), pr.k.row_stride, 0.0f,
                    dq + pr.q.offset(b, h, pr.hd), pr.q.row_stride);
      kernels::gemm(Trans::Yes, Trans::No, pr.Tk, pr.hd, pr.Tq, pr.scale, ds.data(), pr.Tk,
                    q + pr.q.offset(b, h, pr.hd), pr.q.row_stride, 0.0f,
                    dk + pr.k.offset(b, h, pr.hd), pr.k.row_stride);
    }
  });
}

// Checks the options against the problem's sizes and fills in the scale.
void check_core_options(Problem& pr, const AttentionCoreOptions& o, int64_t E) {
  if (o.num_heads <= 0 || E % o.num_heads != 0) {
    throw ValueError(o.what + ": embed_dim (" + std::to_string(E) +
                     ") must be a positive multiple of num_heads (" + std::to_string(o.num_heads) +
                     ")");
  }
  if (!(o.dropout_p >= 0.0f && o.dropout_p < 1.0f)) {
    throw ValueError(o.what + ": dropout must be in [0, 1), got " + std::to_string(o.dropout_p));
  }
  if (pr.Tk == 0) throw ShapeError(o.what + " key: expected at least one key, got Tk = 0");
  pr.H = o.num_heads;
  pr.hd = E / o.num_heads;
  pr.scale = 1.0f / std::sqrt(static_cast<float>(pr.hd));
  check_bias(o.attn_bias, {pr.Tq, pr.Tk}, {pr.B * pr.H, pr.Tq, pr.Tk}, o.what + " attn_bias");
  check_bias(o.key_bias, {pr.B, pr.Tk}, {pr.B, pr.Tk}, o.what + " key_bias");
}

std::string layout_pattern(bool batch_first, const std::string& steps, const std::string& cols) {
  return batch_first ? "[B, " + steps + ", " + cols + "]" : "[" + steps + ", B, " + cols + "]";
}

// Runs forward and records the node. `inputs` are q, k, v (three tensors) or qkv (one).
Tensor run_attention(const Problem& pr, const AttentionCoreOptions& o,
                     const std::vector<Tensor>& inputs, const Shape& out_shape) {
  const bool packed = inputs.size() == 1;
  const Tensor& q = inputs[0];
  const Tensor& k = packed ? inputs[0] : inputs[1];
  const Tensor& v = packed ? inputs[0] : inputs[2];
  const Shape weights_shape{pr.B, pr.H, pr.Tq, pr.Tk};
  const bool dropout = o.dropout_p > 0.0f;
  Tensor p = dropout || needs_grad(inputs) ? Tensor::empty(weights_shape) : Tensor();
  Tensor p_dropped = dropout ? Tensor::empty(weights_shape) : p;
  Tensor out = Tensor::empty(out_shape);
  attention_forward(pr, o, q.data(), k.data(), v.data(), p, p_dropped, out.data());

  std::vector<Tensor> saved;
  for (const Tensor& t : inputs) saved.push_back(t.detach());
  ops_detail::record(
      packed ? "PackedAttentionBackward" : "AttentionBackward", inputs, {&out},
      [pr, saved, p, p_dropped, dropout_p = o.dropout_p](const Grads& g, const Node&) {
        Grads grads;
        for (const Tensor& t : saved) grads.push_back(Tensor::empty(t.shape()));
        const bool one = saved.size() == 1;
        Tensor gq = grads[0], gk = grads[one ? 0 : 1], gv = grads[one ? 0 : 2];
        attention_backward(pr, dropout_p, saved[0].data(), saved[one ? 0 : 1].data(),
                           saved[one ? 0 : 2].data(), p, p_dropped, g[0].data(), gq.data(),
                           gk.data(), gv.data());
        return grads;
      });
  return out;
}

}  // namespace

Tensor multi_head_attention_core(const Tensor& q, const Tensor& k, const Tensor& v,
                                 const AttentionCoreOptions& o) {
  const bool bf = o.batch_first;
  check_shape(q, {-1, -1, -1}, o.what + " q", layout_pattern(bf, "Tq", "E"));
  const int64_t E = q.size(2);
  Problem pr;
  pr.B = q.size(bf ? 0 : 1);
  pr.Tq = q.size(bf ? 1 : 0);
  check_shape(k, bf ? Shape{pr.B, -1, E} : Shape{-1, pr.B, E}, o.what + " k",
              layout_pattern(bf, "Tk", std::to_string(E)) + " with B = " + std::to_string(pr.B));
  check_shape(v, k.shape(), o.what + " v", shape_str(k.shape()) + " (k's shape)");
  pr.Tk = k.size(bf ? 1 : 0);
  check_core_options(pr, o, E);
  pr.q = head_layout(q.shape(), bf, 0);
  pr.k = head_layout(k.shape(), bf, 0);
  pr.v = head_layout(v.shape(), bf, 0);
  pr.out = pr.q;
  return run_attention(pr, o, {q, k, v}, q.shape());
}

Tensor packed_multi_head_attention_core(const Tensor& qkv, const AttentionCoreOptions& o) {
  const bool bf = o.batch_first;
  check_shape(qkv, {-1, -1, -1}, o.what + " qkv", layout_pattern(bf, "T", "3 * E"));
  if (qkv.size(2) % 3 != 0) {
    throw ShapeError(o.what + " qkv: expected " + layout_pattern(bf, "T", "3 * E") + ", got " +
                     shape_str(qkv.shape()));
  }
  const int64_t E = qkv.size(2) / 3;
  Problem pr;
  pr.B = qkv.size(bf ? 0 : 1);
  pr.Tq = pr.Tk = qkv.size(bf ? 1 : 0);
  check_core_options(pr, o, E);
  pr.q = head_layout(qkv.shape(), bf, 0);
  pr.k = head_layout(qkv.shape(), bf, E);
  pr.v = head_layout(qkv.shape(), bf, 2 * E);
  const Shape out_shape{qkv.size(0), qkv.size(1), E};
  pr.out = head_layout(out_shape, bf, 0);
  return run_attention(pr, o, {qkv}, out_shape);
}

}  // namespace recur
