#include "recur/apps/textgen/language_model_net.h"

namespace recur::textgen {

namespace {

// Generation feeds the model one token at a time, so it cannot read what comes after.
const LanguageModelShape& left_to_right(const LanguageModelShape& shape) {
  if (shape.bidirectional) {
    throw ValueError(
        "language model: generation reads left to right, so it cannot be bidirectional");
  }
  return shape;
}

}  // namespace

LanguageModelNet::LanguageModelNet(const LanguageModelShape& shape, Generator& gen)
    : TokenNet(left_to_right(shape), shape.vocab_size, gen, "language model") {}

LanguageModelOutput LanguageModelNet::forward(const IndexTensor& tokens,
                                              const nn::RecurrentState& state) {
  const size_t rows = tokens.dim() == 2 ? static_cast<size_t>(tokens.size(0)) : 0;
  const Tensor embedded = embed(tokens, rows);                         // [B, T, E]
  nn::RecurrentOutput out = rnn->forward(embedded, state.h, state.c);  // output [B, T, H]
  return {.logits = fc->forward(out.output), .h_n = out.h_n, .c_n = out.c_n};
}

}  // namespace recur::textgen
