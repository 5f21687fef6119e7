// cross_entropy with class indices, PyTorch's semantics: for every kept position i (target not
// ignore_index, mask not 0) with target t and smoothing e over C classes,
//   loss_i = sum_c q_ic * (-log_softmax(x_i)_c),  q_ic = (1 - e) w_t [c == t] + (e / C) w_c
// (w = class weights, all 1 without them); ignored positions lose 0. Mean divides by the sum
// of w_t over kept positions. The gradient is d loss_i / d x_ic = sum_c'(q_ic') p_ic - q_ic.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "loss_reduction.h"
#include "op_node.h"
#include "recur/ops/loss.h"

namespace recur {

namespace {

struct Validated {
  int64_t rows = 0;
  int64_t classes = 0;
  std::vector<char> kept;  // per row
};

Validated validate(const Tensor& logits, const std::vector<int64_t>& targets,
                   const CrossEntropyOptions& o) {
  if (logits.dim() < 1 || logits.size(-1) == 0) {
    throw ShapeError("cross_entropy: logits must be [N, C] (or [..., C]) with C > 0, got " +
                     shape_str(logits.shape()));
  }
  Validated v;
  v.classes = logits.size(-1);
  v.rows = shape_numel(Shape(logits.shape().begin(), logits.shape().end() - 1));
  if (static_cast<int64_t>(targets.size()) != v.rows) {
    throw ShapeError("cross_entropy: logits " + shape_str(logits.shape()) + " hold " +
                     std::to_string(v.rows) + " positions but targets has " +
                     std::to_string(targets.size()) + " entries");
  }
  if (o.weight.defined()) check_shape(o.weight, {v.classes}, "cross_entropy weight", "[C]");
  if (o.mask.defined() && o.mask.numel() != v.rows) {
    throw ShapeError("cross_entropy: mask " + shape_str(o.mask.shape()) + " does not have one " +
                     "entry per position (" + std::to_string(v.rows) + ")");
  }
  if (!(o.label_smoothing >= 0.0f && o.label_smoothing <= 1.0f)) {
    throw ValueError("cross_entropy: label_smoothing must be in [0, 1], got " +
                     std::to_string(o.label_smoothing));
  }
  v.kept.resize(static_cast<size_t>(v.rows));
  for (int64_t i = 0; i < v.rows; ++i) {
    const int64_t t = targets[static_cast<size_t>(i)];
    bool keep = t != o.ignore_index;
    if (o.mask.defined()) {
      const float m = o.mask.data()[i];
      if (m != 0.0f && m != 1.0f) {
        throw ValueError("cross_entropy: mask entry " + std::to_string(i) + " is " +
                         std::to_string(m) + ", expected 0 or 1");
      }
      keep = keep && m == 1.0f;
    }
    if (keep && (t < 0 || t >= v.classes)) {
      throw ValueError("cross_entropy: target " + std::to_string(t) + " at position " +
                       std::to_string(i) + " out of range [0, " + std::to_string(v.classes) + ")");
    }
    v.kept[static_cast<size_t>(i)] = keep;
  }
  return v;
}

// Row-wise log_softmax of logits viewed as [rows, classes].
Tensor row_log_softmax(const Tensor& logits, int64_t rows, int64_t classes) {
  Tensor out = Tensor::empty({rows, classes});
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = logits.data() + r * classes;
    float mx = x[0];
    for (int64_t c = 1; c < classes; ++c) mx = std::max(mx, x[c]);
    double total = 0.0;
    for (int64_t c = 0; c < classes; ++c) total += std::exp(x[c] - mx);
    const float log_total = static_cast<float>(std::log(total));  // see softmax.cpp
    for (int64_t c = 0; c < classes; ++c) out.data()[r * classes + c] = (x[c] - mx) - log_total;
  }
  return out;
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const std::vector<int64_t>& targets,
                     const CrossEntropyOptions& options) {
  const Validated v = validate(logits, targets, options);
  const int64_t C = v.classes;
  const Tensor logp = row_log_softmax(logits, v.rows, C);
  std::vector<float> w(static_cast<size_t>(C), 1.0f);
  if (options.weight.defined()) w.assign(options.weight.data(), options.weight.data() + C);
  const float e = options.label_smoothing;
  double w_all = 0.0;  // sum_c w_c, the smoothing mass
  for (float wc : w) w_all += wc;

  Tensor per = Tensor::zeros(Shape(logits.shape().begin(), logits.shape().end() - 1));
  double kept_weight = 0.0;
  for (int64_t i = 0; i < v.rows; ++i) {
    if (!v.kept[static_cast<size_t>(i)]) continue;
    const int64_t t = targets[static_cast<size_t>(i)];
    const float* lp = logp.data() + i * C;
    double smooth = 0.0;
    if (e > 0.0f) {
      for (int64_t c = 0; c < C; ++c) smooth -= static_cast<double>(w[c]) * lp[c];
    }
    per.data()[i] = static_cast<float>((1.0 - e) * -w[t] * lp[t] + e / C * smooth);
    kept_weight += w[t];
  }
  Tensor y = ops_detail::reduce_loss(per, options.reduction, kept_weight);
  ops_detail::record("CrossEntropyBackward", {logits}, {&y},
                     [logp, targets, kept = v.kept, w = std::move(w), w_all, e, kept_weight,
                      reduction = options.reduction,
                      shape = logits.shape()](const ops_detail::Grads& g, const Node&) {
                       const int64_t rows = logp.size(0);
                       const int64_t C = logp.size(1);
                       const ops_detail::LossGrad up(g[0], reduction, rows, kept_weight);
                       Tensor dx = Tensor::zeros(shape);
                       for (int64_t i = 0; i < rows; ++i) {
                         if (!kept[static_cast<size_t>(i)]) continue;
                         const int64_t t = targets[static_cast<size_t>(i)];
                         const float q_total = static_cast<float>((1.0 - e) * w[t] + e / C * w_all);
                         const float scale = up.at(i);
                         const float* lp = logp.data() + i * C;
                         float* d = dx.data() + i * C;
                         for (int64_t c = 0; c < C; ++c) {
                           d[c] = scale * (q_total * std::exp(lp[c]) - e / C * w[c]);
                         }
                         d[t] -= scale * (1.0f - e) * w[t];
                       }
                       return ops_detail::Grads{dx};
                     });
  return y;
}

Tensor cross_entropy(const Tensor& logits, const IndexTensor& targets,
                     const CrossEntropyOptions& options) {
  const Shape positions(logits.shape().begin(), logits.shape().end() - (logits.dim() > 0 ? 1 : 0));
  if (targets.shape() != positions) {
    throw ShapeError("cross_entropy: targets " + shape_str(targets.shape()) +
                     " must have the shape of logits " + shape_str(logits.shape()) +
                     " without its class dim, " + shape_str(positions));
  }
  return cross_entropy(logits, targets.to_vector(), options);
}

}  // namespace recur
