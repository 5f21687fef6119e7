// LSTMCell: i, f, g, o gates as torch.nn.LSTMCell, c' = f*c + i*g, h' = o * tanh(c').
//
//   nn::LSTMCell cell(3, 8);
//   auto [h, c] = cell.forward(x);          // zero initial state
//   std::tie(h, c) = cell.forward(x2, h, c);
#pragma once

#include <utility>

#include "recur/nn/recurrent_cell.h"

namespace recur::nn {

class LSTMCell : public RecurrentCell {
 public:
  LSTMCell(int64_t input_size, int64_t hidden_size, bool bias = true,
           Generator& gen = default_generator())
      : RecurrentCell(CellType::Lstm, input_size, hidden_size, bias, gen) {}
  // x [B, I], h and c [B, H] (undefined: zeros) -> (h', c').
  std::pair<Tensor, Tensor> forward(const Tensor& x, const Tensor& h = {},
                                    const Tensor& c = {}) const {
    return step(x, h, c);
  }
};

}  // namespace recur::nn
