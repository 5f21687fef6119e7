#include "recur/apps/tag/tagger_net.h"

#include "recur/apps/classify/classifier_net.h"
#include "recur/ops/ops.h"
#include "recur/seq/packing.h"

namespace recur::tag {

TaggerNet::TaggerNet(const TaggerShape& shape, Generator& gen) : shape_(shape) {
  if (shape.vocab_size < 1 || shape.num_tags < 1) {
    throw ValueError("tagger: the vocabulary and the tags must not be empty");
  }
  embedding = register_module(
      "embedding", std::make_shared<nn::Embedding>(shape.vocab_size, shape.embedding_dim, 0, gen));
  rnn = register_module(shape.cell, std::make_shared<nn::RecurrentLayer>(
                                        classify::classifier_cell(shape.cell),
                                        nn::RecurrentOptions{.input_size = shape.embedding_dim,
                                                             .hidden_size = shape.hidden_size,
                                                             .num_layers = shape.num_layers,
                                                             .batch_first = true,
                                                             .bidirectional = shape.bidirectional,
                                                             .dropout = shape.dropout},
                                        gen));
  const int64_t directions = shape.bidirectional ? 2 : 1;
  fc = register_module("fc", std::make_shared<nn::Linear>(directions * shape.hidden_size,
                                                          shape.num_tags, true, gen));
}

Tensor TaggerNet::forward(const IndexTensor& tokens, const std::vector<int64_t>& lengths) {
  if (tokens.dim() != 2 || tokens.size(0) != static_cast<int64_t>(lengths.size())) {
    throw ShapeError("tagger: tokens must be [batch, steps] with one length per row, got " +
                     shape_str(tokens.shape()) + " and " + std::to_string(lengths.size()) +
                     " lengths");
  }
  const Tensor embedded = embedding->forward(tokens.to_vector(), tokens.shape());  // [B, T, E]
  const PackedSequence packed =
      pack_padded_sequence(embedded, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  // total_length keeps T even when no sentence fills the batch, so logits line up with labels.
  const Tensor steps =
      pad_packed_sequence(rnn->forward(packed).output, /*batch_first=*/true, 0.0f, tokens.size(1))
          .padded;  // [B, T, D*H]
  return fc->forward(steps);
}

}  // namespace recur::tag
