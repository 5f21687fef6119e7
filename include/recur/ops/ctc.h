// Connectionist temporal classification (Graves et al. 2006) with torch.nn.CTCLoss's semantics:
// train a network that emits one distribution per frame to read a shorter label sequence without
// frame-level alignments, and read its output back with greedy decoding. A label sequence is
// spelt by any frame path that, once repeats are collapsed and blanks removed, equals it; the
// loss is -log of the total probability of those paths, summed in log space by the alpha/beta
// (forward/backward) recursions in double precision.
//
//   Tensor log_probs = log_softmax(logits, -1);                       // [T, N, C]
//   Tensor loss = ctc_loss(log_probs, targets, input_lengths, target_lengths);   // targets [N, S]
//   loss.backward();
//   std::vector<std::vector<int64_t>> read = ctc_greedy_decode(log_probs, input_lengths);
//
// Shapes: log_probs [T, N, C], or unbatched [T, C] with one length each and targets [S] where
// S = target_lengths[0]; targets padded [N, S] (entries past target_lengths[b] are ignored,
// whatever they hold) or the N sequences concatenated into one [sum(target_lengths)] tensor;
// input_lengths and target_lengths hold N lengths. Reduction::None returns [N] (a scalar when
// unbatched), Sum the sum, Mean divides each sequence's loss by its target length (at least 1)
// and averages those, exactly as PyTorch.
//
// The gradient is PyTorch's, which is the gradient with respect to the logits beneath a
// log_softmax rather than with respect to log_probs as free inputs: d/d lp[t, c] =
// exp(lp[t, c]) - exp(log(sum over the positions s labelled c of alpha_t(s) beta_t(s)) + nll -
// lp[t, c]). Through log_softmax the two agree (both terms sum to 1 over c at every frame, so
// log_softmax's backward passes the gradient unchanged), which is the only way log_probs should
// be fed; frames past input_lengths[b] get 0.
//
// Impossible alignments. A target needs one frame per label plus one blank between each pair of
// equal neighbours ([1, 1, 2] needs 4 frames). When that is more than the input has, the loss is
// +inf and its gradient NaN as in PyTorch; with zero_infinity the loss and the gradient of that
// sequence are 0. A target longer than its input is a ValueError naming the sequence unless
// zero_infinity is set (PyTorch silently returns inf, which turns the batch mean and every
// gradient into inf/NaN: a data error is better reported). Shapes that do not fit are a
// ShapeError; lengths out of range, a blank outside [0, C) and a target entry that is the blank
// or outside [0, C) are ValueErrors naming the tensor and the index.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/ops/loss.h"
#include "recur/tensor/index_tensor.h"
#include "recur/tensor/tensor.h"

namespace recur {

struct CtcLossOptions {
  int64_t blank = 0;
  Reduction reduction = Reduction::Mean;
  bool zero_infinity = false;  // impossible alignments lose 0 (and pass no gradient), not inf
};

Tensor ctc_loss(const Tensor& log_probs, const IndexTensor& targets,
                const std::vector<int64_t>& input_lengths,
                const std::vector<int64_t>& target_lengths, const CtcLossOptions& options = {});

// Per sequence, the labels of the most probable frame path (argmax per frame over the first
// input_lengths[b] frames, the lowest id winning ties) with repeats collapsed and blanks
// removed: frames 1 1 _ 1 2 2 read [1, 1, 2]. log_probs [T, N, C] or [T, C] as in ctc_loss
// (any per-frame scores work: only their argmax matters).
std::vector<std::vector<int64_t>> ctc_greedy_decode(const Tensor& log_probs,
                                                    const std::vector<int64_t>& input_lengths,
                                                    int64_t blank = 0);

}  // namespace recur
