// LanguageModelNet: the character language model of `recur textgen` and of the tutorials'
// text generators (seed: "Character-level text generation", the CharRNN / one-to-many pattern):
//
//   tokens [B, T] ids, state (h0, c0) from the previous chunk or zeros
//     -> Embedding                                   [B, T, E]
//     -> RNN / LSTM / GRU, stacked (unidirectional: generation reads left to right)
//     -> Linear at every step                        [B, T, V] logits of the next token
//   and the final state (h_n, c_n), which the next chunk of the same streams starts from.
//
// Trained by truncated BPTT over a long text (train::StreamLoader + train::CarriedState);
// generation runs the same weights one token at a time (text_generator.h). Parameter names are
// those of the same PyTorch module: embedding.weight, <cell>.weight_ih_l0 ..., fc.weight, fc.bias.
#pragma once

#include <string>

#include "recur/apps/token_net.h"

namespace recur::textgen {

// fc predicts the next token, so its outputs are the vocabulary and need no field of their own;
// bidirectional must stay false. Defaults are TokenNetShape's; the language model's own
// (embedding 64, 2 x 256) are TextgenConfig's.
using LanguageModelShape = apps::TokenNetShape;

struct LanguageModelOutput {
  Tensor logits;  // [B, T, V]
  Tensor h_n;     // [num_layers, B, H]
  Tensor c_n;     // LSTM only
};

class LanguageModelNet : public apps::TokenNet {
 public:
  LanguageModelNet(const LanguageModelShape& shape, Generator& gen);
  std::string type_name() const override { return "LanguageModelNet"; }

  // tokens [B, T]; state.h [num_layers, B, H] and state.c (LSTM) optional (zeros).
  LanguageModelOutput forward(const IndexTensor& tokens, const nn::RecurrentState& state = {});
};

}  // namespace recur::textgen
