#include "recur/nn/rnn.h"

namespace recur::nn {

RNN::RNN(const RecurrentOptions& options, CellType nonlinearity, Generator& gen)
    : RecurrentLayer(checked_rnn_nonlinearity(nonlinearity, "RNN"), options, gen) {}

}  // namespace recur::nn
