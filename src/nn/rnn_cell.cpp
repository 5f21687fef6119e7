#include "recur/nn/rnn_cell.h"

namespace recur::nn {

namespace {

CellType checked_nonlinearity(CellType type) {
  if (type != CellType::RnnTanh && type != CellType::RnnRelu) {
    throw ValueError("RNNCell: nonlinearity must be CellType::RnnTanh or CellType::RnnRelu");
  }
  return type;
}

}  // namespace

RNNCell::RNNCell(int64_t input_size, int64_t hidden_size, bool bias, CellType nonlinearity,
                 Generator& gen)
    : RecurrentCell(checked_nonlinearity(nonlinearity), input_size, hidden_size, bias, gen) {}

}  // namespace recur::nn
