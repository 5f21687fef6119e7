// Decoding a trained Seq2SeqNet: greedy and beam search, both batched over sentences, both
// under NoGradGuard (call net.eval() first if the encoder has dropout). Each starts the decoder
// at <bos> and a sentence ends when it emits <eos> or after max_length decoder steps (<eos>
// counted), whichever comes first.
//
// Greedy: every step takes argmax(logits) of each sentence.
//
// Beam search keeps beam_width hypotheses per sentence ranked by their summed log
// probabilities. Each step expands every live hypothesis by every token and keeps the
// 2 * beam_width best candidates in order (ties: the lower beam, then the lower token id, as
// argmax breaks them). Walking them: a candidate ending in <eos> among the first beam_width
// becomes a finished hypothesis; the others fill the next live beams until there are
// beam_width. A sentence is done when it holds beam_width finished hypotheses (HuggingFace's
// early_stopping = True) or at max_length, where its live hypotheses join the finished ones
// unfinished. The answer is the hypothesis with the best length-normalised score
//
//   score = log P(Y) / lp(Y),   lp(Y) = ((5 + |Y|) / 6)^alpha    (GNMT, Wu et al. 2016, eq. 14)
//
// with |Y| the number of decoder steps (tokens with <eos>); alpha = 0 compares raw log
// probabilities, larger alpha favours longer outputs. With beam_width 1 the search takes the
// same token as greedy at every step and returns the same ids, attention and (alpha = 0) score
// (greedy's argmax runs over log_softmax, as the beam's ranking does, so only a tie created by
// adding the running score in float could split them).
//
// Bad input — beam_width < 1, max_length < 1, an empty source — is a ValueError naming it.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/apps/seq2seq/seq2seq_net.h"

namespace recur::seq2seq {

struct Translation {
  std::vector<int64_t> ids;  // without <bos> and <eos>
  // [ids.size(), source length]: the decoder's attention when it emitted each id (the <eos>
  // step left out); undefined with attention none.
  Tensor attention;
  float score = 0.0f;     // greedy: log P; beam: log P / lp
  float log_prob = 0.0f;  // summed log probabilities of the ids (and <eos> when finished)
  bool finished = false;  // ended with <eos> (not cut at max_length)
};

struct BeamOptions {
  int64_t beam_width = 5;
  int64_t max_length = 50;
  float length_penalty = 0.6f;  // GNMT's alpha, >= 0
};

// ((5 + length) / 6)^alpha.
float gnmt_length_penalty(int64_t length, float alpha);

// One Translation per row of src [B, Ts] (lengths as Seq2SeqNet::encode).
std::vector<Translation> greedy_decode(Seq2SeqNet& net, const IndexTensor& src,
                                       const std::vector<int64_t>& lengths, int64_t max_length);
std::vector<Translation> beam_search(Seq2SeqNet& net, const IndexTensor& src,
                                     const std::vector<int64_t>& lengths,
                                     const BeamOptions& options);

}  // namespace recur::seq2seq
