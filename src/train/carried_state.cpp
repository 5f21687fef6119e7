#include "recur/train/carried_state.h"

#include <string>

#include "recur/tensor/error.h"

namespace recur::train {

RecurrentState CarriedState::start(const Batch& b) const {
  if (!b.continues_streams || !state_.h.defined()) return {};
  if (state_.h.dim() != 3 || state_.h.size(1) != b.size()) {
    throw ShapeError("CarriedState: the batch continues " + std::to_string(b.size()) +
                     " streams but the carried state is " + shape_str(state_.h.shape()));
  }
  return state_;
}

void CarriedState::carry(const Tensor& h_n, const Tensor& c_n) {
  state_.h = h_n.detach();
  state_.c = c_n.defined() ? c_n.detach() : Tensor();
}

}  // namespace recur::train
