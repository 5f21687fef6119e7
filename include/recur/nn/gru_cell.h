// GRUCell: r, z, n gates as torch.nn.GRUCell, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
// h' = (1 - z) * n + z * h.
//
//   nn::GRUCell cell(3, 8);
//   Tensor h = cell.forward(x, h);   // x [B, 3], h [B, 8]
#pragma once

#include "recur/nn/recurrent_cell.h"

namespace recur::nn {

class GRUCell : public RecurrentCell {
 public:
  GRUCell(int64_t input_size, int64_t hidden_size, bool bias = true,
          Generator& gen = default_generator())
      : RecurrentCell(CellType::Gru, input_size, hidden_size, bias, gen) {}
  // x [B, I], h [B, H] (undefined: zeros) -> h' [B, H].
  Tensor forward(const Tensor& x, const Tensor& h = {}) const { return step(x, h, {}).first; }
};

}  // namespace recur::nn
