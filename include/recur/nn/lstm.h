// LSTM: a RecurrentLayer of LSTM cells (PyTorch's torch.nn.LSTM, proj_size included).
//
//   nn::LSTM lstm({.input_size = 8, .hidden_size = 32, .num_layers = 2});
//   auto out = lstm.forward(x);   // out.output [T, B, 32], out.h_n and out.c_n [2, B, 32]
#pragma once

#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class LSTM : public RecurrentLayer {
 public:
  explicit LSTM(const RecurrentOptions& options, Generator& gen = default_generator())
      : RecurrentLayer(CellType::Lstm, options, gen) {}
};

}  // namespace recur::nn
