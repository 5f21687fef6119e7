// TaggerNet: the many-to-many model of `recur tag` and of the tutorials' part-of-speech tagger
// (seeds: "Sequence models and LSTM networks", the BiLSTM tagger over packed batches):
//
//   tokens [B, T] word ids, lengths [B]
//     -> Embedding (padding id 0)                    [B, T, E]
//     -> packed by length (pack_padded_sequence, enforce_sorted = false)
//     -> RNN / LSTM / GRU, stacked, bidirectional by default
//     -> unpacked (pad_packed_sequence, T steps)     [B, T, D*H]
//     -> Linear at every step                        [B, T, C] logits, one row of C per token
//
// Padding never reaches the recurrence, so a sentence's logits do not depend on its batch mates;
// the logits past a sentence's end are meaningless and the loss skips them (their targets are
// ignore_index, train::SequenceLoader with SequenceTargets::kPerStep). Parameter names are those
// of the same PyTorch module: embedding.weight, <cell>.weight_ih_l0 ..., fc.weight, fc.bias.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "recur/apps/token_net.h"

namespace recur::tag {

// Defaults are TokenNetShape's; the tagger's own (embedding 64, bidirectional) are TagConfig's.
struct TaggerShape : apps::TokenNetShape {
  int64_t num_tags = 0;
};

class TaggerNet : public apps::TokenNet {
 public:
  TaggerNet(const TaggerShape& shape, Generator& gen);
  std::string type_name() const override { return "TaggerNet"; }

  // tokens [B, T], lengths[b] in [1, T] -> logits [B, T, C].
  Tensor forward(const IndexTensor& tokens, const std::vector<int64_t>& lengths);
};

}  // namespace recur::tag
