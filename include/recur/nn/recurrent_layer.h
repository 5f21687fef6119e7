// RecurrentLayer: a stack of RNN/LSTM/GRU layers with PyTorch's options, semantics, shapes and
// parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0, and the
// _reverse twins), so a PyTorch state_dict loads unchanged. LSTM, GRU and RNN (lstm.h, gru.h,
// rnn.h) are thin named front ends.
//
//   nn::LSTM lstm({.input_size = 3, .hidden_size = 16, .num_layers = 2, .bidirectional = true});
//   auto [y, h_n, c_n] = lstm.forward(x);   // x [T, B, 3] -> y [T, B, 32], h_n [4, B, 16]
//
// The whole stack is ONE autograd node with a hand-written BPTT backward giving gradients for
// the input, h0, c0 and every parameter (see docs/RECURRENT.md for the kernel design). With
// gradients off (NoGradGuard) or nothing requiring grad, no training workspace is kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recur/nn/cell_type.h"
#include "recur/nn/module.h"
#include "recur/seq/packed_sequence.h"
#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur::nn {

struct RecurrentOptions {
  int64_t input_size = 0, hidden_size = 0, num_layers = 1;
  bool bias = true, batch_first = false, bidirectional = false;
  float dropout = 0.0f;   // between layers, training mode only, not after the last layer
  int64_t proj_size = 0;  // LSTM only
  // Variational dropout (Gal & Ghahramani 2016), training mode only, in [0, 1): one mask per
  // sequence, the same at every step, on each layer's input x_t (input_dropout) and on h_{t-1}
  // where it enters W_hh (recurrent_dropout; a GRU's z * h path keeps the unmasked h). Inside
  // the fused forward and BPTT, like everything else here.
  float input_dropout = 0.0f, recurrent_dropout = 0.0f;
};

// Variational dropout masks given instead of drawn, in the batch's order, each entry 0 or
// 1/(1-p) (inverted dropout): RecurrentLayer::set_variational_masks.
struct VariationalMasks {
  std::vector<Tensor> input;      // [num_layers]: [B, input size of the layer] (empty: none)
  std::vector<Tensor> recurrent;  // [num_layers * D]: [B, H_out] (empty: none)
};

// The state a recurrent stack starts from or ends in: h [num_layers*D, B, H_out] and c (LSTM
// only); undefined tensors mean zeros.
struct RecurrentState {
  Tensor h, c;
};

struct RecurrentOutput {
  Tensor output;  // [T, B, D*H_out] ([B, T, D*H_out] when batch_first)
  Tensor h_n;     // [num_layers*D, B, H_out]
  Tensor c_n;     // [num_layers*D, B, H] (LSTM only; undefined otherwise)
};

struct PackedRecurrentOutput {
  PackedSequence output;  // same batch_sizes and permutations as the input
  Tensor h_n;             // original batch order
  Tensor c_n;
};

class RecurrentLayer : public Module {
 public:
  RecurrentLayer(CellType type, const RecurrentOptions& options,
                 Generator& gen = default_generator());

  std::string type_name() const override { return cell_type_name(type_); }

  // input [T, B, I] (or [B, T, I] when batch_first); h0 [num_layers*D, B, H_out] and c0
  // [num_layers*D, B, H] are optional (zeros).
  RecurrentOutput forward(const Tensor& input, const Tensor& h0 = {}, const Tensor& c0 = {});
  // Packed input: step t runs on the first batch_sizes[t] sequences only. h0/c0 and h_n/c_n are
  // in the original batch order (sorted_indices applied as PyTorch does).
  PackedRecurrentOutput forward(const PackedSequence& input, const Tensor& h0 = {},
                                const Tensor& c0 = {});

  CellType cell_type() const { return type_; }
  const RecurrentOptions& options() const { return options_; }
  int64_t num_directions() const { return options_.bidirectional ? 2 : 1; }
  // Size of h: proj_size when projecting, else hidden_size.
  int64_t output_hidden_size() const;

  // The parameters of layer `layer`, direction `direction` (0 forward, 1 reverse). bias_ih,
  // bias_hh are undefined without bias, weight_hr without projection. `cell` holds the
  // parameters a cell type has of its own, registered after PyTorch's ones: LayerNormLSTM's
  // ln_weight_ih, ln_weight_hh [4H] (gains, init 1), ln_weight_c, ln_bias_c [H] (init 1, 0);
  // LayerNormGRU's ln_weight_ih, ln_weight_hh [3H]. Empty for PyTorch's cells.
  struct DirectionParameters {
    Tensor weight_ih, weight_hh, bias_ih, bias_hh, weight_hr;
    std::vector<Tensor> cell;
  };
  const DirectionParameters& parameters_of(int64_t layer, int64_t direction) const;

  // Training-mode forwards use these variational dropout masks instead of drawing their own,
  // until reset with std::nullopt: to replay a reference (the parity tests do) or to keep one
  // set of masks over several calls (Monte Carlo dropout). Shapes are checked at the forward.
  void set_variational_masks(std::optional<VariationalMasks> masks) {
    fixed_masks_ = std::move(masks);
  }

  // Re-draws every weight and bias from U(-1/sqrt(H), 1/sqrt(H)) (the construction default);
  // a cell's own parameters go back to their initial values.
  void reset_parameters(Generator& gen = default_generator());

 private:
  CellType type_;
  RecurrentOptions options_;
  std::vector<DirectionParameters> params_;  // [layer * D + direction]
  Generator* dropout_gen_;                   // masks of the dropout between layers
  std::optional<VariationalMasks> fixed_masks_;
  const VariationalMasks* fixed_masks() const;
};

}  // namespace recur::nn
