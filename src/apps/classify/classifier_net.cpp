#include "recur/apps/classify/classifier_net.h"

#include "recur/ops/ops.h"
#include "recur/seq/packing.h"

namespace recur::classify {

nn::CellType classifier_cell(const std::string& name) {
  if (name == "lstm") return nn::CellType::Lstm;
  if (name == "gru") return nn::CellType::Gru;
  if (name == "rnn") return nn::CellType::RnnTanh;
  throw ValueError("classifier: cell must be lstm, gru or rnn, got '" + name + "'");
}

ClassifierNet::ClassifierNet(const ClassifierShape& shape, Generator& gen) : shape_(shape) {
  if (shape.vocab_size < 1 || shape.num_classes < 1) {
    throw ValueError("classifier: the vocabulary and the classes must not be empty");
  }
  embedding = register_module(
      "embedding", std::make_shared<nn::Embedding>(shape.vocab_size, shape.embedding_dim, 0, gen));
  rnn = register_module(shape.cell, std::make_shared<nn::RecurrentLayer>(
                                        classifier_cell(shape.cell),
                                        nn::RecurrentOptions{.input_size = shape.embedding_dim,
                                                             .hidden_size = shape.hidden_size,
                                                             .num_layers = shape.num_layers,
                                                             .batch_first = true,
                                                             .bidirectional = shape.bidirectional,
                                                             .dropout = shape.dropout},
                                        gen));
  const int64_t directions = shape.bidirectional ? 2 : 1;
  fc = register_module("fc", std::make_shared<nn::Linear>(directions * shape.hidden_size,
                                                          shape.num_classes, true, gen));
}

Tensor ClassifierNet::forward(const IndexTensor& tokens, const std::vector<int64_t>& lengths) {
  if (tokens.dim() != 2 || tokens.size(0) != static_cast<int64_t>(lengths.size())) {
    throw ShapeError("classifier: tokens must be [batch, steps] with one length per row, got " +
                     shape_str(tokens.shape()) + " and " + std::to_string(lengths.size()) +
                     " lengths");
  }
  const Tensor embedded = embedding->forward(tokens.to_vector(), tokens.shape());  // [B, T, E]
  const PackedSequence packed =
      pack_padded_sequence(embedded, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  const Tensor h_n = rnn->forward(packed).h_n;  // [L*D, B, H], original batch order
  const int64_t rows = h_n.size(0);
  const Tensor last = shape_.bidirectional
                          ? cat({select(h_n, 0, rows - 2), select(h_n, 0, rows - 1)}, 1)
                          : select(h_n, 0, rows - 1);  // [B, D*H]
  return fc->forward(last);
}

}  // namespace recur::classify
