// GRU: a RecurrentLayer of GRU cells (PyTorch's torch.nn.GRU).
//
//   nn::GRU gru({.input_size = 8, .hidden_size = 32, .batch_first = true});
//   auto out = gru.forward(x);   // x [B, T, 8] -> out.output [B, T, 32], out.h_n [1, B, 32]
#pragma once

#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class GRU : public RecurrentLayer {
 public:
  explicit GRU(const RecurrentOptions& options, Generator& gen = default_generator())
      : RecurrentLayer(CellType::Gru, options, gen) {}
};

}  // namespace recur::nn
