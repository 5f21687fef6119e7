// RNN: a RecurrentLayer of Elman cells h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu),
// PyTorch's torch.nn.RNN.
//
//   nn::RNN rnn({.input_size = 8, .hidden_size = 32}, nn::CellType::RnnRelu);
#pragma once

#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class RNN : public RecurrentLayer {
 public:
  // nonlinearity: CellType::RnnTanh (PyTorch's default) or CellType::RnnRelu.
  explicit RNN(const RecurrentOptions& options, CellType nonlinearity = CellType::RnnTanh,
               Generator& gen = default_generator());
};

}  // namespace recur::nn
