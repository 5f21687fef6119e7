#include "recur/apps/textgen/language_model_net.h"

namespace recur::textgen {

LanguageModelNet::LanguageModelNet(const LanguageModelShape& shape, Generator& gen)
    : TokenNet({.cell = shape.cell,
                .vocab_size = shape.vocab_size,
                .embedding_dim = shape.embedding_dim,
                .hidden_size = shape.hidden_size,
                .num_layers = shape.num_layers,
                .bidirectional = false,
                .dropout = shape.dropout,
                .recurrent_dropout = shape.recurrent_dropout,
                .outputs = shape.vocab_size},
               gen, "language model") {}

LanguageModelOutput LanguageModelNet::forward(const IndexTensor& tokens,
                                              const nn::RecurrentState& state) {
  const size_t rows = tokens.dim() == 2 ? static_cast<size_t>(tokens.size(0)) : 0;
  const Tensor embedded = embed(tokens, rows);                         // [B, T, E]
  nn::RecurrentOutput out = rnn->forward(embedded, state.h, state.c);  // output [B, T, H]
  return {.logits = fc->forward(out.output), .h_n = out.h_n, .c_n = out.c_n};
}

}  // namespace recur::textgen
