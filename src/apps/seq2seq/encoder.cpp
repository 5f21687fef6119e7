#include "recur/apps/seq2seq/encoder.h"

#include "recur/ops/shape.h"
#include "recur/seq/packing.h"

namespace recur::seq2seq {

namespace {

// The top layer's final state of every direction, side by side: [L*D, B, H] -> [B, D*H].
Tensor top_layer_directions(const Tensor& state, int64_t num_layers, int64_t directions) {
  std::vector<Tensor> parts;
  for (int64_t d = 0; d < directions; ++d) {
    parts.push_back(select(state, 0, (num_layers - 1) * directions + d));
  }
  return directions == 1 ? parts[0] : cat(parts, 1);
}

}  // namespace

Encoder::Encoder(const Seq2SeqShape& shape, Generator& gen) {
  embedding = register_module("embedding", std::make_shared<nn::Embedding>(
                                               shape.src_vocab_size, shape.embedding_dim, 0, gen));
  rnn = register_module(shape.cell, std::make_shared<nn::RecurrentLayer>(
                                        seq2seq_cell(shape.cell),
                                        nn::RecurrentOptions{.input_size = shape.embedding_dim,
                                                             .hidden_size = shape.hidden_size,
                                                             .num_layers = shape.num_layers,
                                                             .batch_first = true,
                                                             .bidirectional = shape.bidirectional,
                                                             .dropout = shape.dropout},
                                        gen));
}

EncoderOutput Encoder::forward(const IndexTensor& src, const std::vector<int64_t>& lengths) {
  const Tensor embedded = embedding->forward(src);  // [B, Ts, E]
  const PackedSequence packed =
      pack_padded_sequence(embedded, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  nn::PackedRecurrentOutput out = rnn->forward(packed);
  const int64_t L = rnn->options().num_layers, D = rnn->num_directions();
  EncoderOutput result;
  result.outputs = pad_packed_sequence(out.output, /*batch_first=*/true, 0.0f, src.size(1)).padded;
  result.h = top_layer_directions(out.h_n, L, D);
  if (out.c_n.defined()) result.c = top_layer_directions(out.c_n, L, D);
  return result;
}

}  // namespace recur::seq2seq
