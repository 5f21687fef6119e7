// The regression losses and binary cross-entropy: elementwise losses followed by a reduction.
// cross_entropy lives in cross_entropy.cpp.
#include "recur/ops/loss.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "broadcast.h"
#include "elementwise.h"
#include "loss_reduction.h"
#include "op_node.h"

namespace recur {

namespace {

using ops_detail::Grads;

void check_same_shape(const Tensor& pred, const Tensor& target, const char* op,
                      const char* pred_name = "pred") {
  if (pred.shape() != target.shape()) {
    throw ShapeError(std::string(op) + ": " + pred_name + " shape " + shape_str(pred.shape()) +
                     " and target shape " + shape_str(target.shape()) + " differ");
  }
}

// A loss of d = pred - target elementwise: value(d) forward, slope(d) = dloss/dd backward.
// Backward recomputes d from pred and target (kept as detached handles on their storage, as
// PyTorch saves its inputs) rather than keep a copy of d: one tensor of the loss's size less.
template <class Value, class Slope>
Tensor difference_loss(const char* name, const Tensor& pred, const Tensor& target,
                       Reduction reduction, Value value, Slope slope) {
  Tensor y = ops_detail::reduce_loss(
      ops_detail::zip(pred, target, [value](float p, float t) { return value(p - t); }), reduction);
  ops_detail::record(
      name, {pred, target}, {&y},
      [p = pred.detach(), t = target.detach(), reduction, slope](const Grads& g, const Node& node) {
        const ops_detail::LossGrad up(g[0], reduction, p.numel());
        Tensor dpred = Tensor::empty(p.shape());
        const float* pv = p.data();
        const float* tv = t.data();
        float* out = dpred.data();
        for (int64_t i = 0, n = p.numel(); i < n; ++i) out[i] = up.at(i) * slope(pv[i] - tv[i]);
        Tensor dtarget;
        if (node.needs_input_grad(1)) {
          dtarget = ops_detail::map_unary(dpred, [](float v) { return -v; });
        }
        return Grads{node.needs_input_grad(0) ? dpred : Tensor(), dtarget};
      });
  return y;
}

float sign_of(float d) { return d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f); }

// log(1 + exp(-x)) without overflow.
float softplus_neg(float x) { return std::log1p(std::exp(-std::fabs(x))) + std::max(-x, 0.0f); }

float sigmoid_neg(float x) {  // sigmoid(-x), stable
  if (x >= 0.0f) {
    const float e = std::exp(-x);
    return e / (1.0f + e);
  }
  return 1.0f / (1.0f + std::exp(x));
}

}  // namespace

Tensor mse_loss(const Tensor& pred, const Tensor& target, Reduction reduction) {
  check_same_shape(pred, target, "mse_loss");
  return difference_loss(
      "MseLossBackward", pred, target, reduction, [](float d) { return d * d; },
      [](float d) { return 2.0f * d; });
}

Tensor l1_loss(const Tensor& pred, const Tensor& target, Reduction reduction) {
  check_same_shape(pred, target, "l1_loss");
  return difference_loss(
      "L1LossBackward", pred, target, reduction, [](float d) { return std::fabs(d); }, sign_of);
}

Tensor huber_loss(const Tensor& pred, const Tensor& target, float delta, Reduction reduction) {
  check_same_shape(pred, target, "huber_loss");
  if (!(delta > 0.0f)) {
    throw ValueError("huber_loss: delta must be positive, got " + std::to_string(delta));
  }
  return difference_loss(
      "HuberLossBackward", pred, target, reduction,
      [delta](float d) {
        const float a = std::fabs(d);
        return a < delta ? 0.5f * d * d : delta * (a - 0.5f * delta);
      },
      [delta](float d) { return std::fabs(d) < delta ? d : delta * sign_of(d); });
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        Reduction reduction, const Tensor& pos_weight) {
  check_same_shape(logits, target, "binary_cross_entropy_with_logits", "logits");
  // pos_weight expanded to the logits' shape (ones when absent).
  Tensor pw = Tensor::ones(logits.shape());
  if (pos_weight.defined()) {
    pw = ops_detail::map_broadcast(pw, pos_weight, "binary_cross_entropy_with_logits pos_weight",
                                   [](float, float w) { return w; });
    if (pw.shape() != logits.shape()) {
      throw ShapeError("binary_cross_entropy_with_logits: pos_weight " +
                       shape_str(pos_weight.shape()) + " does not broadcast to logits " +
                       shape_str(logits.shape()));
    }
  }
  // loss = (1 - t) x + (1 + (pw - 1) t) softplus(-x)
  const Tensor per = ops_detail::zip3(logits, target, pw, [](float x, float t, float w) {
    return (1.0f - t) * x + (1.0f + (w - 1.0f) * t) * softplus_neg(x);
  });
  Tensor y = ops_detail::reduce_loss(per, reduction);
  ops_detail::record(
      "BinaryCrossEntropyWithLogitsBackward", {logits, target}, {&y},
      [x = logits.detach(), t = target.detach(), pw, reduction](const Grads& g, const Node& node) {
        const ops_detail::LossGrad up(g[0], reduction, x.numel());
        const float* px = x.data();
        const float* pt = t.data();
        const float* pp = pw.data();
        Tensor dx, dt;
        if (node.needs_input_grad(0)) {
          dx = Tensor::empty(x.shape());
          for (int64_t i = 0; i < x.numel(); ++i) {
            const float lw = 1.0f + (pp[i] - 1.0f) * pt[i];
            dx.data()[i] = up.at(i) * ((1.0f - pt[i]) - lw * sigmoid_neg(px[i]));
          }
        }
        if (node.needs_input_grad(1)) {
          dt = Tensor::empty(t.shape());
          for (int64_t i = 0; i < x.numel(); ++i) {
            dt.data()[i] = up.at(i) * (-px[i] + (pp[i] - 1.0f) * softplus_neg(px[i]));
          }
        }
        return Grads{dx, dt};
      });
  return y;
}

}  // namespace recur
