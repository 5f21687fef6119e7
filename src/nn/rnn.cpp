#include "recur/nn/rnn.h"

namespace recur::nn {

namespace {

CellType checked_nonlinearity(CellType type) {
  if (type != CellType::RnnTanh && type != CellType::RnnRelu) {
    throw ValueError("RNN: nonlinearity must be CellType::RnnTanh or CellType::RnnRelu");
  }
  return type;
}

}  // namespace

RNN::RNN(const RecurrentOptions& options, CellType nonlinearity, Generator& gen)
    : RecurrentLayer(checked_nonlinearity(nonlinearity), options, gen) {}

}  // namespace recur::nn
