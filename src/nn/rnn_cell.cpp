#include "recur/nn/rnn_cell.h"

namespace recur::nn {

RNNCell::RNNCell(int64_t input_size, int64_t hidden_size, bool bias, CellType nonlinearity,
                 Generator& gen)
    : RecurrentCell(checked_rnn_nonlinearity(nonlinearity, "RNNCell"), input_size, hidden_size,
                    bias, gen) {}

}  // namespace recur::nn
