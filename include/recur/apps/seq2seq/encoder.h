// Encoder: the reading half of a recur::seq2seq model (the tutorial's Encoder, seed 001,
// "Many-to-Many (Encoder-Decoder, Machine Translation)", with packing and a second direction):
//
//   src [B, Ts] ids, lengths -> Embedding (padding id 0) -> packed LSTM/GRU, stacked, optionally
//   bidirectional -> outputs [B, Ts, M] (zeros past each length; the attention's memory) and
//   the top layer's final states with the directions concatenated, h [B, M] (and c for LSTM),
//   M = directions * hidden_size — as torch.cat((h_n[-2], h_n[-1]), dim=1) in PyTorch.
//
// Packing means the padding never enters the recurrence: the reverse direction of a short
// sentence starts at its last real token, and its final states do not depend on the padding.
// Parameter names: embedding.weight, <cell>.weight_ih_l0 ... (<cell> = lstm or gru).
#pragma once

#include <memory>
#include <vector>

#include "recur/apps/seq2seq/seq2seq_shape.h"
#include "recur/nn/embedding.h"
#include "recur/nn/module.h"
#include "recur/nn/recurrent_layer.h"
#include "recur/tensor/index_tensor.h"

namespace recur::seq2seq {

struct EncoderOutput {
  Tensor outputs;  // [B, Ts, M]
  Tensor h;        // [B, M]
  Tensor c;        // [B, M], LSTM only
};

class Encoder : public nn::Module {
 public:
  Encoder(const Seq2SeqShape& shape, Generator& gen);
  std::string type_name() const override { return "Encoder"; }

  // src [B, Ts] with 1 <= lengths[b] <= Ts (checked by Seq2SeqNet::encode).
  EncoderOutput forward(const IndexTensor& src, const std::vector<int64_t>& lengths);

  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::RecurrentLayer> rnn;  // batch_first, registered as "lstm" or "gru"
};

}  // namespace recur::seq2seq
