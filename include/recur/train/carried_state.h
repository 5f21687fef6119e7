// CarriedState: the recurrent state a stateful model carries from one batch to the next in
// truncated BPTT (the tutorials' `hidden = repackage_hidden(hidden)`): the final (h_n, c_n) of a
// batch becomes the initial state of the next one, detached so that backpropagation stops at the
// chunk boundary, and is dropped when a batch starts new streams (Batch::continues_streams false:
// the first batch of an epoch, or of evaluation).
//
//   train::CarriedState state;
//   auto loss = [&](const train::Batch& b) {
//     const train::RecurrentState start = state.start(b);          // zeros or carried, detached
//     auto out = model.forward(b.tokens, start.h, start.c);
//     state.carry(out.h_n, out.c_n);
//     return cross_entropy(out.logits, b.labels);
//   };
#pragma once

#include "recur/nn/recurrent_layer.h"
#include "recur/train/data_loader.h"

namespace recur::train {

using nn::RecurrentState;

class CarriedState {
 public:
  // The state batch `b` starts from: zeros (undefined tensors) unless it continues the streams of
  // the batch before. ShapeError when it continues streams but has a different number of rows.
  RecurrentState start(const Batch& b) const;
  // Keeps the final state of the batch just run, detached from its graph.
  void carry(const Tensor& h_n, const Tensor& c_n = {});
  void reset() { state_ = {}; }

 private:
  RecurrentState state_;
};

}  // namespace recur::train
