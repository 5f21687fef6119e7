// ClassifierNet: the many-to-one model of `recur classify` and of the tutorials' name and
// sentiment classifiers (seeds: "Classifying names with a character-level RNN", the packed
// LSTM sentiment classifier):
//
//   tokens [B, T] ids, lengths [B]
//     -> Embedding (padding id 0)                    [B, T, E]
//     -> packed by length (pack_padded_sequence, enforce_sorted = false)
//     -> RNN / LSTM / GRU, stacked, optionally bidirectional
//     -> the last layer's final hidden state h_n, both directions concatenated   [B, D*H]
//     -> Linear                                      [B, C] logits
//
// Padding never reaches the recurrence (the batch is packed), so a sequence's logits do not
// depend on what it was batched with. Parameter names are those of the same PyTorch module:
// embedding.weight, <cell>.weight_ih_l0 ... (cell = lstm, gru or rnn), fc.weight, fc.bias.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "recur/apps/token_net.h"

namespace recur::classify {

struct ClassifierShape : apps::TokenNetShape {
  int64_t num_classes = 0;
};

class ClassifierNet : public apps::TokenNet {
 public:
  ClassifierNet(const ClassifierShape& shape, Generator& gen);
  std::string type_name() const override { return "ClassifierNet"; }

  // tokens [B, T], lengths[b] in [1, T] -> logits [B, C].
  Tensor forward(const IndexTensor& tokens, const std::vector<int64_t>& lengths);
};

// The cell a config names (apps::token_net_cell, i.e. nn::parse_cell_type); ValueError otherwise.
inline nn::CellType classifier_cell(const std::string& name) { return apps::token_net_cell(name); }

}  // namespace recur::classify
