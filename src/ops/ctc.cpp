// CTC loss and greedy decoding (see ctc.h). The target l of length L is extended to
// l' = (blank, l1, blank, l2, ..., lL, blank) of length 2L + 1; alpha_t(s) is the log probability
// of the frame paths over frames 0..t that end in l'_s having spelt l'_0..l'_s, beta_t(s) that of
// the paths over t..end that start in l'_s and spell the rest. Both include frame t's own
// lp[t, l'_s], so alpha_t(s) + beta_t(s) - lp[t, l'_s] is the log probability of the paths
// through (t, s), and every t gives the same total: nll = -log_sum_exp_s(alpha_{T-1}(s)) over
// the last two positions. Everything runs in double: a sequence of a few hundred frames sums
// thousands of log terms, and float's 1e-7 relative rounding would show in the loss.
#include "recur/ops/ctc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "op_node.h"
#include "recur/kernels/parallel.h"

namespace recur {

namespace {

constexpr double kCtcNegInf = -std::numeric_limits<double>::infinity();

double ctc_log_add(double a, double b) {
  if (a == kCtcNegInf) return b;
  if (b == kCtcNegInf) return a;
  return std::max(a, b) + std::log1p(std::exp(-std::fabs(a - b)));
}

// The batch layout of log_probs: [T, N, C], or [T, C] read as N = 1.
struct CtcDims {
  int64_t T = 0;
  int64_t N = 0;
  int64_t C = 0;
  bool batched = true;
};

std::string ctc_count_str(const std::vector<int64_t>& v) { return std::to_string(v.size()); }

CtcDims ctc_dims(const Tensor& log_probs, int64_t blank, const std::vector<int64_t>& input_lengths,
                 const std::string& op) {
  if (log_probs.dim() != 2 && log_probs.dim() != 3) {
    throw ShapeError(op + ": log_probs must be [T, N, C] (or unbatched [T, C]), got " +
                     shape_str(log_probs.shape()));
  }
  CtcDims d;
  d.batched = log_probs.dim() == 3;
  d.T = log_probs.size(0);
  d.N = d.batched ? log_probs.size(1) : 1;
  d.C = log_probs.size(-1);
  if (d.C == 0)
    throw ShapeError(op + ": log_probs " + shape_str(log_probs.shape()) + " has no classes");
  if (blank < 0 || blank >= d.C) {
    throw ValueError(op + ": blank " + std::to_string(blank) + " is outside the classes [0, " +
                     std::to_string(d.C) + ") of log_probs " + shape_str(log_probs.shape()));
  }
  if (static_cast<int64_t>(input_lengths.size()) != d.N) {
    throw ShapeError(op + ": input_lengths holds " + ctc_count_str(input_lengths) +
                     " lengths for the " + std::to_string(d.N) + " sequences of log_probs " +
                     shape_str(log_probs.shape()));
  }
  for (int64_t b = 0; b < d.N; ++b) {
    const int64_t n = input_lengths[static_cast<size_t>(b)];
    if (n < 0 || n > d.T) {
      throw ValueError(op + ": input_lengths[" + std::to_string(b) + "] = " + std::to_string(n) +
                       " is outside [0, T = " + std::to_string(d.T) + "]");
    }
  }
  return d;
}

// Where sequence b's labels sit in targets: padded [N, S] or concatenated (as unbatched [S]).
std::vector<int64_t> ctc_target_offsets(const IndexTensor& targets, const CtcDims& d,
                                        const std::vector<int64_t>& target_lengths) {
  if (static_cast<int64_t>(target_lengths.size()) != d.N) {
    throw ShapeError("ctc_loss: target_lengths holds " + ctc_count_str(target_lengths) +
                     " lengths for " + std::to_string(d.N) + " sequences");
  }
  for (size_t b = 0; b < target_lengths.size(); ++b) {
    if (target_lengths[b] < 0) {
      throw ValueError("ctc_loss: target_lengths[" + std::to_string(b) +
                       "] = " + std::to_string(target_lengths[b]) + " is negative");
    }
  }
  std::vector<int64_t> offsets(static_cast<size_t>(d.N));
  if (d.batched && targets.dim() == 2) {
    if (targets.size(0) != d.N) {
      throw ShapeError("ctc_loss: padded targets " + shape_str(targets.shape()) +
                       " must be [N = " + std::to_string(d.N) + ", S]");
    }
    const int64_t S = targets.size(-1);
    for (int64_t b = 0; b < d.N; ++b) {
      const int64_t n = target_lengths[static_cast<size_t>(b)];
      if (n > S) {
        throw ValueError("ctc_loss: target_lengths[" + std::to_string(b) +
                         "] = " + std::to_string(n) + " exceeds the padded targets' length S = " +
                         std::to_string(S) + " (targets " + shape_str(targets.shape()) + ")");
      }
      offsets[static_cast<size_t>(b)] = b * S;
    }
    return offsets;
  }
  if (targets.dim() != 1) {
    throw ShapeError("ctc_loss: targets " + shape_str(targets.shape()) + " must be " +
                     (d.batched ? "padded [N, S] or concatenated [sum(target_lengths)]"
                                : "[target_lengths[0]] for unbatched log_probs [T, C]"));
  }
  int64_t total = 0;
  for (int64_t b = 0; b < d.N; ++b) {
    offsets[static_cast<size_t>(b)] = total;
    total += target_lengths[static_cast<size_t>(b)];
  }
  if (targets.numel() != total) {
    throw ShapeError("ctc_loss: concatenated targets " + shape_str(targets.shape()) +
                     " must hold sum(target_lengths) = " + std::to_string(total) + " labels");
  }
  return offsets;
}

// Sequence b's labels, each checked to be a class and not the blank.
std::vector<int64_t> ctc_labels(const IndexTensor& targets, int64_t offset, int64_t length,
                                const CtcDims& d, int64_t blank) {
  std::vector<int64_t> labels(targets.data() + offset, targets.data() + offset + length);
  for (int64_t i = 0; i < length; ++i) {
    const int64_t v = labels[static_cast<size_t>(i)];
    const std::string where = "ctc_loss: targets" + position_str(targets.shape(), offset + i);
    if (v < 0 || v >= d.C) {
      throw ValueError(where + " = " + std::to_string(v) + " is outside the classes [0, " +
                       std::to_string(d.C) + ")");
    }
    if (v == blank) {
      throw ValueError(where + " is the blank (" + std::to_string(blank) +
                       "): the blank separates labels in frame paths and cannot be one");
    }
  }
  return labels;
}

// One sequence: its labels, frames and the log probabilities lp(t, c) of its column.
struct CtcSequence {
  std::vector<int64_t> labels;
  int64_t frames = 0;
  const float* lp0 = nullptr;  // &log_probs[0, b, 0]
  int64_t frame_stride = 0;    // N * C

  int64_t positions() const { return 2 * static_cast<int64_t>(labels.size()) + 1; }
  int64_t label(int64_t s, int64_t blank) const {
    return s % 2 == 0 ? blank : labels[static_cast<size_t>(s / 2)];
  }
  double lp(int64_t t, int64_t c) const { return lp0[t * frame_stride + c]; }
  // A path may jump from label s - 2 to label s over the blank between them unless they are
  // equal (the blank is what keeps "1 1" from collapsing to "1").
  bool may_skip_from(int64_t s) const {
    return s % 2 == 1 && s >= 3 &&
           labels[static_cast<size_t>(s / 2)] != labels[static_cast<size_t>(s / 2 - 1)];
  }
  bool may_skip_to(int64_t s) const { return may_skip_from(s + 2); }
};

// alpha as [frames, positions], row t the log probabilities after frame t.
std::vector<double> ctc_alpha(const CtcSequence& q, int64_t blank) {
  const int64_t P = q.positions();
  std::vector<double> alpha(static_cast<size_t>(q.frames * P), kCtcNegInf);
  if (q.frames == 0) return alpha;
  alpha[0] = q.lp(0, blank);
  if (P > 1) alpha[1] = q.lp(0, q.labels[0]);
  for (int64_t t = 1; t < q.frames; ++t) {
    const double* prev = alpha.data() + (t - 1) * P;
    double* cur = alpha.data() + t * P;
    for (int64_t s = 0; s < P; ++s) {
      double a = prev[s];
      if (s >= 1) a = ctc_log_add(a, prev[s - 1]);
      if (q.may_skip_from(s)) a = ctc_log_add(a, prev[s - 2]);
      if (a != kCtcNegInf) cur[s] = a + q.lp(t, q.label(s, blank));
    }
  }
  return alpha;
}

std::vector<double> ctc_beta(const CtcSequence& q, int64_t blank) {
  const int64_t P = q.positions();
  std::vector<double> beta(static_cast<size_t>(q.frames * P), kCtcNegInf);
  if (q.frames == 0) return beta;
  const int64_t last = q.frames - 1;
  beta[last * P + P - 1] = q.lp(last, blank);
  if (P > 1) beta[last * P + P - 2] = q.lp(last, q.labels.back());
  for (int64_t t = last - 1; t >= 0; --t) {
    const double* next = beta.data() + (t + 1) * P;
    double* cur = beta.data() + t * P;
    for (int64_t s = 0; s < P; ++s) {
      double b = next[s];
      if (s + 1 < P) b = ctc_log_add(b, next[s + 1]);
      if (s + 2 < P && q.may_skip_to(s)) b = ctc_log_add(b, next[s + 2]);
      if (b != kCtcNegInf) cur[s] = b + q.lp(t, q.label(s, blank));
    }
  }
  return beta;
}

// -log p(labels | frames); +inf when no path spells them (0 frames spell only the empty target).
double ctc_nll(const CtcSequence& q, const std::vector<double>& alpha) {
  const int64_t P = q.positions();
  if (q.frames == 0) return q.labels.empty() ? 0.0 : std::numeric_limits<double>::infinity();
  const double* end = alpha.data() + (q.frames - 1) * P;
  return -(P > 1 ? ctc_log_add(end[P - 1], end[P - 2]) : end[0]);
}

// PyTorch's gradient for one sequence, scaled by the upstream gradient g, written into its
// column of grad (see ctc.h for the formula and why it is the one wanted).
void ctc_sequence_grad(const CtcSequence& q, int64_t blank, const std::vector<double>& alpha,
                       double nll, int64_t C, double g, float* grad0) {
  const std::vector<double> beta = ctc_beta(q, blank);
  const int64_t P = q.positions();
  std::vector<double> occupancy(static_cast<size_t>(C));  // log sum_{s: l'_s = c} alpha beta
  for (int64_t t = 0; t < q.frames; ++t) {
    std::fill(occupancy.begin(), occupancy.end(), kCtcNegInf);
    for (int64_t s = 0; s < P; ++s) {
      double& o = occupancy[static_cast<size_t>(q.label(s, blank))];
      o = ctc_log_add(o,
                      alpha[static_cast<size_t>(t * P + s)] + beta[static_cast<size_t>(t * P + s)]);
    }
    float* grad = grad0 + t * q.frame_stride;
    for (int64_t c = 0; c < C; ++c) {
      const double lp = q.lp(t, c);
      const double posterior = std::exp(occupancy[static_cast<size_t>(c)] + nll - lp);
      grad[c] = static_cast<float>(g * (std::exp(lp) - posterior));
    }
  }
}

}  // namespace

Tensor ctc_loss(const Tensor& log_probs, const IndexTensor& targets,
                const std::vector<int64_t>& input_lengths,
                const std::vector<int64_t>& target_lengths, const CtcLossOptions& options) {
  const int64_t blank = options.blank;
  const CtcDims d = ctc_dims(log_probs, blank, input_lengths, "ctc_loss");
  const std::vector<int64_t> offsets = ctc_target_offsets(targets, d, target_lengths);
  std::vector<CtcSequence> seqs(static_cast<size_t>(d.N));
  for (int64_t b = 0; b < d.N; ++b) {
    const size_t i = static_cast<size_t>(b);
    if (target_lengths[i] > input_lengths[i] && !options.zero_infinity) {
      throw ValueError("ctc_loss: target_lengths[" + std::to_string(b) +
                       "] = " + std::to_string(target_lengths[i]) + " labels cannot be read from " +
                       "input_lengths[" + std::to_string(b) +
                       "] = " + std::to_string(input_lengths[i]) +
                       " frames (set zero_infinity to give such sequences loss 0)");
    }
    seqs[i] = {ctc_labels(targets, offsets[i], target_lengths[i], d, blank), input_lengths[i],
               log_probs.data() + b * d.C, d.N * d.C};
  }

  std::vector<std::vector<double>> alphas(seqs.size());
  std::vector<double> nll(seqs.size());
  std::vector<char> zeroed(seqs.size(), 0);  // by zero_infinity: no loss and no gradient
  kernels::parallel_for(0, d.N, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const size_t i = static_cast<size_t>(b);
      alphas[i] = ctc_alpha(seqs[i], blank);
      nll[i] = ctc_nll(seqs[i], alphas[i]);
      zeroed[i] = options.zero_infinity && std::isinf(nll[i]);  // PyTorch: where(inf, 0)
      if (zeroed[i]) nll[i] = 0.0;
    }
  });

  // Mean: per-sequence loss over its target length (at least 1), then the batch mean.
  std::vector<double> mean_scale(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    mean_scale[i] = 1.0 / static_cast<double>(std::max<int64_t>(target_lengths[i], 1)) /
                    static_cast<double>(d.N);
  }
  Tensor y;
  if (options.reduction == Reduction::None) {
    y = d.batched ? Tensor::empty({d.N}) : Tensor::empty({});
    for (size_t i = 0; i < seqs.size(); ++i) y.data()[i] = static_cast<float>(nll[i]);
  } else {
    double total = 0.0;
    for (size_t i = 0; i < seqs.size(); ++i) {
      total += options.reduction == Reduction::Mean ? nll[i] * mean_scale[i] : nll[i];
    }
    y = Tensor::scalar(static_cast<float>(total));
  }

  ops_detail::record(
      "CtcLossBackward", {log_probs}, {&y},
      [kept = log_probs.detach(), seqs = std::move(seqs), alphas = std::move(alphas),
       nll = std::move(nll), zeroed = std::move(zeroed), mean_scale = std::move(mean_scale),
       options, C = d.C](const ops_detail::Grads& g, const Node&) {
        Tensor grad = Tensor::zeros(kept.shape());  // frames past input_lengths stay 0
        kernels::parallel_for(
            0, static_cast<int64_t>(seqs.size()), 1, [&](int64_t begin, int64_t end) {
              for (int64_t b = begin; b < end; ++b) {
                const size_t i = static_cast<size_t>(b);
                if (zeroed[i]) continue;
                const double up = options.reduction == Reduction::None ? g[0].data()[b]
                                  : options.reduction == Reduction::Sum
                                      ? g[0].item()
                                      : g[0].item() * mean_scale[i];
                ctc_sequence_grad(seqs[i], options.blank, alphas[i], nll[i], C, up,
                                  grad.data() + b * C);
              }
            });
        return ops_detail::Grads{grad};
      });
  return y;
}

std::vector<std::vector<int64_t>> ctc_greedy_decode(const Tensor& log_probs,
                                                    const std::vector<int64_t>& input_lengths,
                                                    int64_t blank) {
  const CtcDims d = ctc_dims(log_probs, blank, input_lengths, "ctc_greedy_decode");
  std::vector<std::vector<int64_t>> out(static_cast<size_t>(d.N));
  for (int64_t b = 0; b < d.N; ++b) {
    int64_t previous = blank;
    for (int64_t t = 0; t < input_lengths[static_cast<size_t>(b)]; ++t) {
      const float* scores = log_probs.data() + (t * d.N + b) * d.C;
      const int64_t best = std::max_element(scores, scores + d.C) - scores;  // first max wins
      if (best != blank && best != previous) out[static_cast<size_t>(b)].push_back(best);
      previous = best;
    }
  }
  return out;
}

}  // namespace recur
