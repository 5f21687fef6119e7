// Runs the engine on tensors: the forward entry points of RecurrentLayer and the cells (input
// checks, batch_first and packed layouts, the sorted order of packed batches) and the autograd
// node whose hand-written backward runs the engine's BPTT. Private to src/nn.
#pragma once

#include <string>
#include <vector>

#include "recur/nn/recurrent_layer.h"

namespace recur::nn::detail {

// What a forward needs to know about the module: RecurrentLayer and the cells both describe
// themselves this way (a cell is a one-layer, one-direction stack run for one step).
struct StackModule {
  CellType type;
  const RecurrentOptions& options;
  const std::vector<RecurrentLayer::DirectionParameters>& params;  // [layer * D + direction]
  std::string name;                                                // for messages
};

RecurrentOutput run_dense(const StackModule& module, const Tensor& input, const Tensor& h0,
                          const Tensor& c0, bool training, Generator& gen);
PackedRecurrentOutput run_packed(const StackModule& module, const PackedSequence& input,
                                 const Tensor& h0, const Tensor& c0, bool training, Generator& gen);

}  // namespace recur::nn::detail
