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
  const VariationalMasks* fixed_masks = nullptr;  // used instead of drawing masks, or null
};

// Registers on `module` one direction's parameters, zero-filled, named PyTorch's way plus
// `suffix` ("_l0", "_l1_reverse", or "" for a cell): weight_ih, weight_hh, bias_ih, bias_hh
// (with `bias`), weight_hr (with proj > 0), then the cell type's own.
RecurrentLayer::DirectionParameters register_direction(Module& module, CellType type,
                                                       int64_t input_size, int64_t hidden,
                                                       int64_t out, bool bias, int64_t proj,
                                                       const std::string& suffix);

// The construction default: every parameter from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch draws
// them, then each of a cell's own parameters set to its CellParam::init.
void reset_recurrent_parameters(Module& module, CellType type, int64_t hidden,
                                const std::vector<RecurrentLayer::DirectionParameters>& params,
                                Generator& gen);

RecurrentOutput run_dense(const StackModule& module, const Tensor& input, const Tensor& h0,
                          const Tensor& c0, bool training, Generator& gen);
PackedRecurrentOutput run_packed(const StackModule& module, const PackedSequence& input,
                                 const Tensor& h0, const Tensor& c0, bool training, Generator& gen);

}  // namespace recur::nn::detail
