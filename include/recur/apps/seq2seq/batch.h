// Seq2SeqBatch: a batch of (source, target) id sequences laid out for Seq2SeqNet, and the loss
// that goes with it. Sequences hold the tokens only (no specials); the batch adds them with
// data::Vocabulary's ids (<pad> 0, <bos> 2, <eos> 3):
//
//   src     [B, Ts]  x_1 ... x_n, <pad> after            src_lengths {n_b}
//   tgt_in  [B, Tt]  <bos> y_1 ... y_m, <pad> after      what the decoder reads
//   tgt_out [B, Tt]  y_1 ... y_m <eos>, <pad> after      what it must predict (Tt = max m + 1)
//
// sequence_loss is the mean cross entropy over the real target tokens (<eos> included, <pad>
// ignored), as nn.CrossEntropyLoss(ignore_index=pad) over the flattened logits.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/index_tensor.h"
#include "recur/tensor/tensor.h"

namespace recur::seq2seq {

using TokenIds = std::vector<int64_t>;

struct Seq2SeqBatch {
  IndexTensor src;
  std::vector<int64_t> src_lengths;
  IndexTensor tgt_in;
  IndexTensor tgt_out;
};

// ValueError naming the pair for an empty source or target, and for a count mismatch or an
// empty batch.
Seq2SeqBatch make_batch(const std::vector<TokenIds>& sources, const std::vector<TokenIds>& targets);

// Sources alone, for decoding: src [B, Ts] and lengths (ValueError for an empty one).
Seq2SeqBatch make_source_batch(const std::vector<TokenIds>& sources);

// logits [B, Tt, V] against tgt_out [B, Tt]; <pad> positions ignored.
Tensor sequence_loss(const Tensor& logits, const IndexTensor& tgt_out);

}  // namespace recur::seq2seq
