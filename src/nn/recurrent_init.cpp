#include "recur/nn/recurrent_init.h"

#include <cmath>

#include "cells/cell.h"
#include "recur/nn/init.h"

namespace recur::nn {

namespace {

using Params = RecurrentLayer::DirectionParameters;

// Every (layer, direction) of a layer, or the single entry of a cell.
std::vector<Params> all_of(const RecurrentLayer& layer) {
  std::vector<Params> out;
  for (int64_t l = 0; l < layer.options().num_layers; ++l) {
    for (int64_t d = 0; d < layer.num_directions(); ++d) out.push_back(layer.parameters_of(l, d));
  }
  return out;
}
std::vector<Params> all_of(const RecurrentCell& cell) { return {cell.parameters_of()}; }

// Block g of a gate-stacked tensor ([G*H, *] or [G*H]), sharing storage, outside autograd.
Tensor gate_block(const Tensor& t, int64_t g, int64_t H) {
  return t.detach().rows(g * H, (g + 1) * H);
}

void require_bias(const std::vector<Params>& ps, const std::string& who) {
  if (ps.empty() || !ps[0].bias_ih.defined()) {
    throw ValueError(who + ": the module has no bias to initialise");
  }
}

void forget_bias(const std::vector<Params>& ps, CellType type, int64_t H, float value,
                 const std::string& who) {
  const int64_t forget = detail::cell_kind(type).forget_gate;
  if (forget < 0) {
    throw ValueError(who + ": init_forget_bias needs a cell with a forget gate (LSTM)");
  }
  require_bias(ps, who);
  for (const Params& p : ps) {
    gate_block(p.bias_ih, forget, H).fill_(value);
    gate_block(p.bias_hh, forget, H).fill_(0.0f);
  }
}

void orthogonal(const std::vector<Params>& ps, CellType type, int64_t H, Generator& gen,
                float gain) {
  for (const Params& p : ps) {
    for (int64_t g = 0; g < gate_count(type); ++g) {
      init::orthogonal_(gate_block(p.weight_hh, g, H), gen, gain);
    }
  }
}

// The keep gate (LSTM's f, GRU's z) gets b = log U(1, T-1), so the memory's timescales spread
// up to T steps; an input gate that writes into that memory (LSTM's i) gets -b.
void chrono(const std::vector<Params>& ps, CellType type, int64_t H, int64_t max_timescale,
            Generator& gen, const std::string& who) {
  const detail::CellKind& kind = detail::cell_kind(type);
  if (kind.chrono_keep_gate < 0) {
    throw ValueError(who + ": chrono initialisation needs a cell with a keep gate (LSTM or GRU)");
  }
  if (max_timescale < 3) {
    throw ValueError(who + ": chrono max_timescale must be >= 3, got " +
                     std::to_string(max_timescale));
  }
  require_bias(ps, who);
  const float high = static_cast<float>(max_timescale - 1);
  for (const Params& p : ps) {
    Tensor keep = gate_block(p.bias_ih, kind.chrono_keep_gate, H);
    for (float& v : keep.span()) v = std::log(gen.uniform(1.0f, high));
    gate_block(p.bias_hh, kind.chrono_keep_gate, H).fill_(0.0f);
    if (kind.chrono_input_gate >= 0) {
      Tensor input = gate_block(p.bias_ih, kind.chrono_input_gate, H);
      for (int64_t j = 0; j < H; ++j) input.data()[j] = -keep.data()[j];
      gate_block(p.bias_hh, kind.chrono_input_gate, H).fill_(0.0f);
    }
  }
}

}  // namespace

void init_recurrent_uniform(const std::vector<Tensor>& params, int64_t hidden, Generator& gen) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(hidden));
  for (const Tensor& t : params) init::uniform_(t.detach(), gen, -bound, bound);
}

void init_forget_bias(RecurrentLayer& layer, float value) {
  forget_bias(all_of(layer), layer.cell_type(), layer.options().hidden_size, value,
              layer.type_name());
}
void init_forget_bias(RecurrentCell& cell, float value) {
  forget_bias(all_of(cell), cell.cell_type(), cell.hidden_size(), value, cell.type_name());
}

void init_orthogonal_recurrent(RecurrentLayer& layer, Generator& gen, float gain) {
  orthogonal(all_of(layer), layer.cell_type(), layer.options().hidden_size, gen, gain);
}
void init_orthogonal_recurrent(RecurrentCell& cell, Generator& gen, float gain) {
  orthogonal(all_of(cell), cell.cell_type(), cell.hidden_size(), gen, gain);
}

void init_chrono(RecurrentLayer& layer, int64_t max_timescale, Generator& gen) {
  chrono(all_of(layer), layer.cell_type(), layer.options().hidden_size, max_timescale, gen,
         layer.type_name());
}
void init_chrono(RecurrentCell& cell, int64_t max_timescale, Generator& gen) {
  chrono(all_of(cell), cell.cell_type(), cell.hidden_size(), max_timescale, gen, cell.type_name());
}

}  // namespace recur::nn
