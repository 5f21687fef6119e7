// LayerNormGRU: a RecurrentLayer of layer-normalised GRU cells (Ba, Kiros & Hinton 2016): the
// input and hidden products are each normalised over the units before the biases are added.
// Stacking, bidirectional, packed input, dropout and BPTT are RecurrentLayer's; the gains are the
// extra parameters ln_weight_ih / ln_weight_hh of each direction. The equations:
// src/nn/cells/layer_norm_gru.cpp.
//
//   nn::LayerNormGRU net({.input_size = 8, .hidden_size = 64, .num_layers = 2});
//   auto out = net.forward(x);   // as GRU
#pragma once

#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class LayerNormGRU : public RecurrentLayer {
 public:
  explicit LayerNormGRU(const RecurrentOptions& options, Generator& gen = default_generator())
      : RecurrentLayer(CellType::LayerNormGru, options, gen) {}
};

}  // namespace recur::nn
