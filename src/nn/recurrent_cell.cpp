#include "recur/nn/recurrent_cell.h"

#include "cells/cell.h"
#include "recur/nn/recurrent_init.h"
#include "recur/ops/shape.h"
#include "recurrent_run.h"

namespace recur::nn {

RecurrentCell::RecurrentCell(CellType type, int64_t input_size, int64_t hidden_size, bool bias,
                             Generator& gen)
    : type_(type) {
  options_.input_size = input_size;
  options_.hidden_size = hidden_size;
  options_.bias = bias;
  if (input_size <= 0 || hidden_size <= 0) {
    throw ValueError(type_name() + ": input_size and hidden_size must be > 0, got " +
                     std::to_string(input_size) + " and " + std::to_string(hidden_size));
  }
  params_.push_back(
      detail::register_direction(*this, type, input_size, hidden_size, hidden_size, bias, 0, ""));
  reset_parameters(gen);
}

std::string RecurrentCell::type_name() const { return cell_type_name(type_) + "Cell"; }

void RecurrentCell::reset_parameters(Generator& gen) {
  detail::reset_recurrent_parameters(*this, type_, options_.hidden_size, params_, gen);
}

std::pair<Tensor, Tensor> RecurrentCell::step(const Tensor& x, const Tensor& h,
                                              const Tensor& c) const {
  const std::string who = type_name();
  const int64_t I = options_.input_size, H = options_.hidden_size;
  if (!x.defined()) throw ValueError(who + " input: undefined tensor");
  check_shape(x, {-1, I}, who + " input", "[B, " + std::to_string(I) + "]");
  const int64_t B = x.size(0);
  // A step is a one-layer stack run for one time step: [B, *] <-> [1, B, *] (differentiable).
  auto as_state = [&](const Tensor& s, const char* name) {
    if (!s.defined()) return Tensor();
    check_shape(s, {B, H}, who + " " + name);
    return reshape(s, {1, B, H});
  };
  if (c.defined() && !detail::cell_kind(type_).cell_state) {
    throw ValueError(who + ": c is only used by cells with a cell state (LSTM)");
  }
  RecurrentOutput out =
      detail::run_dense({type_, options_, params_, who}, reshape(x, {1, B, I}), as_state(h, "h"),
                        as_state(c, "c"), false, default_generator());
  return {reshape(out.h_n, {B, H}), out.c_n.defined() ? reshape(out.c_n, {B, H}) : Tensor()};
}

}  // namespace recur::nn
