// RNNCell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu), as torch.nn.RNNCell.
//
//   nn::RNNCell cell(3, 8);
//   Tensor h = cell.forward(x);      // x [B, 3] -> h [B, 8]
//   h = cell.forward(x2, h);
#pragma once

#include "recur/nn/recurrent_cell.h"

namespace recur::nn {

class RNNCell : public RecurrentCell {
 public:
  // nonlinearity: CellType::RnnTanh (default) or CellType::RnnRelu.
  RNNCell(int64_t input_size, int64_t hidden_size, bool bias = true,
          CellType nonlinearity = CellType::RnnTanh, Generator& gen = default_generator());
  // x [B, I], h [B, H] (undefined: zeros) -> h' [B, H].
  Tensor forward(const Tensor& x, const Tensor& h = {}) const { return step(x, h, {}).first; }
};

}  // namespace recur::nn
