// Drawing token ids from a model's scores, for generation: sample() turns logits into one id
// per row under temperature, top-k and top-p (nucleus) filtering, with the definitions of
// HuggingFace's generate() and PyTorch:
//   - temperature T divides the logits before the softmax; T = 0 means greedy (argmax, and the
//     generator is not advanced); T must be finite and >= 0.
//   - top_k keeps the k largest logits (k >= 1; k >= V keeps all). A logit equal to the k-th
//     largest is kept too, as in HuggingFace, so ties at the cut can keep more than k.
//   - top_p keeps the smallest set of most probable tokens whose probability adds up to >= p,
//     always at least one token; p in (0, 1], 1 keeps all. Tokens are ranked by probability,
//     equal ones in index order. It applies after top_k, to the renormalised survivors.
// The kept probabilities are renormalised and one token is drawn from them by inverse CDF with
// 53 random bits. Rows are drawn in order from the one generator, so the same seed gives the
// same ids. Logits may be -inf (a token that is never drawn) but not NaN or +inf; every row
// needs a finite logit. Bad options and logits are ValueErrors naming the option or position.
//
//   Generator gen(seed);
//   IndexTensor next = sample(logits, {.temperature = 0.8f, .top_k = 40, .top_p = 0.95f}, gen);
#pragma once

#include <cstdint>
#include <optional>

#include "recur/tensor/index_tensor.h"
#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur {

struct SamplingOptions {
  float temperature = 1.0f;      // 0: greedy
  std::optional<int64_t> top_k;  // none: off
  float top_p = 1.0f;            // 1: off
};

// ValueError naming the option unless temperature is finite and >= 0, top_k (when set) >= 1
// and top_p in (0, 1].
void validate(const SamplingOptions& options);

// logits [B, V] -> ids [B]; logits [V] -> a rank-0 id. V >= 1.
IndexTensor sample(const Tensor& logits, const SamplingOptions& options, Generator& gen);

// The distribution sample() draws from, shaped like logits: the renormalised probabilities of
// the tokens that survive the filters, 0 for the others (one-hot of the argmax when greedy).
Tensor sampling_distribution(const Tensor& logits, const SamplingOptions& options);

// num_samples draws per row from probs [B, V] -> [B, num_samples] (or [V] -> [num_samples]),
// as torch.multinomial: rows need not sum to 1, but entries must be finite and >= 0 with a
// positive sum. Without replacement a drawn id is not drawn again in its row, so num_samples
// may not exceed the row's count of nonzero entries.
IndexTensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator& gen);

}  // namespace recur
