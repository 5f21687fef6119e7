#include "recur/nn/recurrent_layer.h"

#include "cells/cell.h"
#include "recur/nn/recurrent_init.h"
#include "recur/seq/packing.h"
#include "recurrent_run.h"

namespace recur::nn {

namespace {

std::string layer_suffix(int64_t layer, int64_t direction) {
  return "_l" + std::to_string(layer) + (direction == 1 ? "_reverse" : "");
}

void check_options(CellType type, const RecurrentOptions& o) {
  const std::string who = cell_type_name(type);
  if (o.input_size <= 0) throw ValueError(who + ": input_size must be > 0");
  if (o.hidden_size <= 0) throw ValueError(who + ": hidden_size must be > 0");
  if (o.num_layers <= 0) throw ValueError(who + ": num_layers must be > 0");
  if (!(o.dropout >= 0.0f && o.dropout <= 1.0f)) {
    throw ValueError(who + ": dropout must be in [0, 1], got " + std::to_string(o.dropout));
  }
  for (auto [name, p] : {std::pair{"input_dropout", o.input_dropout},
                         std::pair{"recurrent_dropout", o.recurrent_dropout}}) {
    if (!(p >= 0.0f && p < 1.0f)) {
      throw ValueError(who + ": " + name + " must be in [0, 1), got " + std::to_string(p));
    }
  }
  if (o.proj_size < 0) throw ValueError(who + ": proj_size must be >= 0");
  if (o.proj_size > 0 && !detail::cell_kind(type).projection) {
    throw ValueError(who + ": proj_size is only supported by cells with a projection (LSTM)");
  }
  if (o.proj_size >= o.hidden_size && o.proj_size > 0) {
    throw ValueError(who + ": proj_size must be smaller than hidden_size (" +
                     std::to_string(o.hidden_size) + "), got " + std::to_string(o.proj_size));
  }
}

}  // namespace

RecurrentLayer::RecurrentLayer(CellType type, const RecurrentOptions& options, Generator& gen)
    : type_(type), options_(options), dropout_gen_(&gen) {
  check_options(type, options);
  const int64_t D = num_directions(), Hout = output_hidden_size();
  for (int64_t l = 0; l < options.num_layers; ++l) {
    const int64_t I = l == 0 ? options.input_size : D * Hout;
    for (int64_t d = 0; d < D; ++d) {
      params_.push_back(detail::register_direction(*this, type, I, options.hidden_size, Hout,
                                                   options.bias, options.proj_size,
                                                   layer_suffix(l, d)));
    }
  }
  reset_parameters(gen);
}

int64_t RecurrentLayer::output_hidden_size() const {
  return options_.proj_size > 0 ? options_.proj_size : options_.hidden_size;
}

const RecurrentLayer::DirectionParameters& RecurrentLayer::parameters_of(int64_t layer,
                                                                         int64_t direction) const {
  if (layer < 0 || layer >= options_.num_layers || direction < 0 || direction >= num_directions()) {
    throw ValueError(type_name() + ": no parameters for layer " + std::to_string(layer) +
                     ", direction " + std::to_string(direction));
  }
  return params_[layer * num_directions() + direction];
}

void RecurrentLayer::reset_parameters(Generator& gen) {
  detail::reset_recurrent_parameters(*this, type_, options_.hidden_size, params_, gen);
}

const VariationalMasks* RecurrentLayer::fixed_masks() const {
  return fixed_masks_ ? &*fixed_masks_ : nullptr;
}

RecurrentOutput RecurrentLayer::forward(const Tensor& input, const Tensor& h0, const Tensor& c0) {
  return detail::run_dense({type_, options_, params_, type_name(), fixed_masks()}, input, h0, c0,
                           is_training(), *dropout_gen_);
}

PackedRecurrentOutput RecurrentLayer::forward(const PackedSequence& input, const Tensor& h0,
                                              const Tensor& c0) {
  check_packed_sequence(input, type_name() + " input");
  return detail::run_packed({type_, options_, params_, type_name(), fixed_masks()}, input, h0, c0,
                            is_training(), *dropout_gen_);
}

}  // namespace recur::nn
