// Initialisations for recurrent layers and cells. The default (applied at construction) is
// PyTorch's: every weight and bias from U(-1/sqrt(H), 1/sqrt(H)). The others are opt-in:
//
//   nn::LSTM lstm(opts);
//   nn::init_forget_bias(lstm, 1.0f);              // LSTM forget gate starts open
//   nn::init_orthogonal_recurrent(lstm, gen);      // each gate's block of W_hh orthogonal
//   nn::init_chrono(lstm, /*max_timescale=*/100, gen);   // Tallec & Ollivier (2018)
#pragma once

#include <cstdint>
#include <vector>

#include "recur/nn/recurrent_cell.h"
#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

// U(-1/sqrt(hidden), 1/sqrt(hidden)) into every tensor (in place, no autograd).
void init_recurrent_uniform(const std::vector<Tensor>& params, int64_t hidden, Generator& gen);

// LSTM: the forget gate's total bias (bias_ih + bias_hh) becomes `value`: bias_ih's forget
// block is set to value and bias_hh's to 0. ValueError for other cells or without bias.
void init_forget_bias(RecurrentLayer& layer, float value = 1.0f);
void init_forget_bias(RecurrentCell& cell, float value = 1.0f);

// Each gate's [H, H_out] block of every weight_hh becomes a (semi-)orthogonal matrix times gain.
void init_orthogonal_recurrent(RecurrentLayer& layer, Generator& gen, float gain = 1.0f);
void init_orthogonal_recurrent(RecurrentCell& cell, Generator& gen, float gain = 1.0f);

// Chrono initialisation (Tallec & Ollivier, "Can recurrent neural networks warp time?"):
// LSTM forget bias b_f = log(U(1, max_timescale - 1)) and input bias b_i = -b_f; GRU update
// gate bias b_z = log(U(1, max_timescale - 1)) (z keeps the old state). Set in bias_ih with
// the matching bias_hh blocks zeroed. ValueError for RNN cells, without bias, or for
// max_timescale < 3.
void init_chrono(RecurrentLayer& layer, int64_t max_timescale, Generator& gen);
void init_chrono(RecurrentCell& cell, int64_t max_timescale, Generator& gen);

}  // namespace recur::nn
