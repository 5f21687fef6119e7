// RecurrentCell: the common base of RNNCell, LSTMCell and GRUCell (rnn_cell.h, lstm_cell.h,
// gru_cell.h): one time step of one layer with PyTorch's equations, parameter names
// (weight_ih, weight_hh, bias_ih, bias_hh), shapes and U(-1/sqrt(H), 1/sqrt(H)) init. A step
// runs on the same engine and gate kernels as RecurrentLayer and is one autograd node.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class RecurrentCell : public Module {
 public:
  RecurrentCell(CellType type, int64_t input_size, int64_t hidden_size, bool bias, Generator& gen);

  std::string type_name() const override;  // "RNNCell", "LSTMCell", "GRUCell"
  CellType cell_type() const { return type_; }
  int64_t input_size() const { return options_.input_size; }
  int64_t hidden_size() const { return options_.hidden_size; }
  const RecurrentLayer::DirectionParameters& parameters_of() const { return params_[0]; }
  void reset_parameters(Generator& gen = default_generator());

 protected:
  // x [B, I]; h, c [B, H] or undefined (zeros). Returns (h', c'), c' undefined unless LSTM.
  std::pair<Tensor, Tensor> step(const Tensor& x, const Tensor& h, const Tensor& c) const;

 private:
  CellType type_;
  RecurrentOptions options_;
  std::vector<RecurrentLayer::DirectionParameters> params_;  // one entry
};

}  // namespace recur::nn
