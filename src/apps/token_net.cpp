#include "recur/apps/token_net.h"

namespace recur::apps {

nn::CellType token_net_cell(const std::string& name) {
  return nn::parse_cell_type(name, "model.cell");
}

TokenNet::TokenNet(const TokenNetShape& shape, int64_t outputs, Generator& gen,
                   const std::string& who)
    : who_(who) {
  if (shape.vocab_size < 1 || outputs < 1) {
    throw ValueError(who + ": the vocabulary and the outputs must not be empty");
  }
  embedding = register_module(
      "embedding", std::make_shared<nn::Embedding>(shape.vocab_size, shape.embedding_dim, 0, gen));
  rnn = register_module(shape.cell,
                        std::make_shared<nn::RecurrentLayer>(
                            token_net_cell(shape.cell),
                            nn::RecurrentOptions{.input_size = shape.embedding_dim,
                                                 .hidden_size = shape.hidden_size,
                                                 .num_layers = shape.num_layers,
                                                 .batch_first = true,
                                                 .bidirectional = shape.bidirectional,
                                                 .dropout = shape.dropout,
                                                 .recurrent_dropout = shape.recurrent_dropout},
                            gen));
  fc = register_module("fc", std::make_shared<nn::Linear>(rnn->num_directions() * shape.hidden_size,
                                                          outputs, true, gen));
}

Tensor TokenNet::embed(const IndexTensor& tokens, size_t rows) const {
  if (tokens.dim() != 2 || tokens.size(0) != static_cast<int64_t>(rows)) {
    throw ShapeError(who_ + ": tokens must be [batch, steps] with one length per row, got " +
                     shape_str(tokens.shape()) + " and " + std::to_string(rows) + " rows");
  }
  return embedding->forward(tokens);  // [B, T, E]
}

}  // namespace recur::apps
