// LayerNormLSTM: a RecurrentLayer of layer-normalised LSTM cells (Ba, Kiros & Hinton 2016): the
// input and hidden products are each normalised over the units before the biases are added, and
// the cell state before its tanh. Stacking, bidirectional, packed input, dropout and BPTT are
// RecurrentLayer's; the gains are the extra parameters ln_weight_ih / ln_weight_hh (and
// ln_weight_c, ln_bias_c) of each direction. The equations: src/nn/cells/layer_norm_lstm.cpp.
//
//   nn::LayerNormLSTM net({.input_size = 8, .hidden_size = 64, .num_layers = 2});
//   auto out = net.forward(x);   // as LSTM
#pragma once

#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class LayerNormLSTM : public RecurrentLayer {
 public:
  explicit LayerNormLSTM(const RecurrentOptions& options, Generator& gen = default_generator())
      : RecurrentLayer(CellType::LayerNormLstm, options, gen) {}
};

}  // namespace recur::nn
