// One description per recurrent cell type (RNN tanh/relu, LSTM, GRU): everything the engine's
// forward and BPTT, the stream, the layer and the initialisers need to know about a cell, so
// that none of them switches on CellType. Private to src/nn.
//
// A cell's step, for rows of a batch, with G gate blocks of H units each, in PyTorch's layout
// (weights [G*H, *], gate-major):
//   1. the engine forms the pre-activations P_t = x_t W_ih^T + bias + h_{t-1} W_hh^T. The
//      first `summed_gates` blocks take the hidden side as it is; the others (GRU's n) need
//      something applied to it first (GRU: r * (W_hn h + b_hn)). A cell with such "separate"
//      blocks gets the whole h W_hh^T in its own buffer gh and sums its summed blocks itself;
//      b_hh of the summed blocks is folded into the input bias, that of the separate ones is
//      passed to the gate pass as `hidden_bias`;
//   2. `forward` (the cell's fused gate pass) turns P_t into activations, updates h (and c) and
//      writes what backward needs into the tape rows it is given;
//   3. in BPTT, `backward` turns the output gradient into the pre-activation gradients dG_t
//      (and dGh_t for the separate blocks); the engine multiplies them back through W_hh
//      and W_ih.
// A cell may have parameters of its own besides PyTorch's four (layer normalisation's gains),
// normalise the input and hidden sides before adding its biases (`own_biases`: then the engine
// folds no bias into P_t and leaves every bias gradient to the cell's `param_grads`), and keep
// rows of its own on the tape (`tape_width`).
// Each cell lives in its own file here (rnn.cpp, lstm.cpp, gru.cpp, layer_norm_lstm.cpp,
// layer_norm_gru.cpp); registry.cpp lists them.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "recur/nn/cell_type.h"

namespace recur::nn::detail {

// A value after step t that backward needs but the tape does not keep, because the value
// entering step t+1 (kept anyway) is the same: the engine rebuilds it per step from there, and
// from the state after each sequence's last step, which the tape keeps.
enum class AfterStep {
  None,  // nothing (GRU keeps what it needs)
  C,     // the cell state c_t (LSTM: its backward needs tanh(c_t))
  H,     // the hidden state h_t (vanilla RNN: its activation is h_t)
};

// The most parameters of its own a cell may have (see CellKind::params).
constexpr int kMaxCellParams = 4;

// A parameter of a cell's own, per direction: named `name` + the layer suffix ("_l0"), with
// `gates` x H values when `per_gate` (one per pre-activation), else H, all set to `init`.
struct CellParam {
  const char* name;
  bool per_gate;
  float init;
};

// One forward gate pass over `rows` rows of H units.
struct GateStep {
  int64_t rows = 0;
  int64_t hidden = 0;                    // H (the units of this cell, or of a stream's slice)
  float* gates = nullptr;                // [rows, G*H] pre-activations in, activations out
  const float* gh = nullptr;             // [rows, G*H] h W_hh^T, cells with separate blocks only
  const float* hidden_bias = nullptr;    // b_hh of the separate blocks, or null (no bias)
  const float* input_bias = nullptr;     // own_biases cells: b_ih, or null (no bias)
  const float* const* params = nullptr;  // the cell's own parameters, CellKind::params order
  // [rows, H]: receives the cell's output h_t (with a projection, the projection's input);
  // holds h_{t-1} on entry for cells that mix it in (`mixes_h`; those have no projection).
  float* h = nullptr;
  float* c = nullptr;            // [rows, H] the cell state, in place (cells with one)
  float* save_c_prev = nullptr;  // tape rows for c_{t-1}, or null
  float* save_tape = nullptr;    // [rows, tape_width] the cell's own tape rows, or null
};

// One backward gate pass over `rows` rows (tape rows of the same step).
struct GateGradStep {
  int64_t rows = 0;
  int64_t hidden = 0;
  const float* gates = nullptr;          // [rows, G*H] activations (cells that keep them)
  const float* h_prev = nullptr;         // [rows, H] h_{t-1}
  const float* c_prev = nullptr;         // [rows, H] c_{t-1} (cells with a cell state)
  const float* tape = nullptr;           // [rows, tape_width] what forward kept in save_tape
  const float* const* params = nullptr;  // the cell's own parameters
  float* after = nullptr;        // [rows, H] the value `after_step` names, rebuilt (scratch)
  const float* d_out = nullptr;  // [rows, H] gradient of the cell's output (GateStep::h)
  // [rows, H] dL/dh_t (same as d_out without a projection). Cells with `mixes_h` leave in
  // it the part that flows to h_{t-1} directly (GRU: z * dh); the engine adds the products.
  float* dh = nullptr;
  float* dc = nullptr;       // [rows, H] dL/dc_t in, dL/dc_{t-1} out (cells with a cell state)
  float* dgates = nullptr;   // [rows, G*H] pre-activation gradients (input side)
  float* dgh = nullptr;      // [rows, separate blocks * H] hidden-side gradients of those blocks
  float* dparams = nullptr;  // [rows, grad_width] what param_grads sums (cells that have it)
};

// The parameter gradients a cell with `param_grads` computes itself, after the time loop, from
// the rows its backward left in `dparams` and its tape; each pointer is written, or null.
struct CellParamGrads {
  int64_t rows = 0;  // N, every step's rows
  int64_t hidden = 0;
  const float* tape = nullptr;     // [rows, tape_width]
  const float* dparams = nullptr;  // [rows, grad_width]
  float* b_ih = nullptr;
  float* b_hh = nullptr;
  const std::array<float*, kMaxCellParams>* params = nullptr;  // the cell's own parameters
};

struct CellKind {
  CellType type;
  const char* name;        // PyTorch's class name: "LSTM" (modules add "Cell" for the cells)
  const char* flag;        // the name parse_cell_type reads: "lstm"
  const char* alias;       // another accepted name ("rnn" for rnn_tanh), or null
  int64_t gates;           // gate blocks G
  const char* gate_order;  // PyTorch's block order, for messages: "i, f, g, o"
  // Leading blocks whose hidden-side product is added to the pre-activation (all but GRU's n);
  // their b_hh folds into the input bias. The others get their own buffer gh (step 1 above).
  int64_t summed_gates;
  bool cell_state;   // carries c besides h (LSTM): c0, c_n, dc
  bool projection;   // supports proj_size (h = h_raw W_hr^T)
  bool keeps_gates;  // the tape keeps the [N, G*H] activations (else they are rebuilt)
  // h_t depends on h_{t-1} directly, not only through the gates (GRU: h' = (1-z) n + z h): the
  // gate pass reads h_{t-1} from GateStep::h, and backward leaves the direct part in dh.
  bool mixes_h;
  AfterStep after_step;
  int64_t forget_gate;        // the block init_forget_bias sets (LSTM f), or -1
  int64_t chrono_keep_gate;   // the block chrono init sets to log U(1, T-1), or -1
  int64_t chrono_input_gate;  // the block chrono init sets to minus that (LSTM i), or -1
  void (*forward)(const GateStep&);
  void (*backward)(const GateGradStep&);
  std::span<const CellParam> params = {};  // parameters of its own (at most kMaxCellParams)
  // The gate pass adds b_ih and b_hh itself (after normalising): no folded bias, and the bias
  // gradients come from param_grads.
  bool own_biases = false;
  // The gate pass needs every unit of a row (a normalisation over the units), so a streaming
  // layer cannot be cut into unit slices.
  bool whole_rows = false;
  // Tape floats per row: tape_per_unit * H + tape_per_row.
  int64_t tape_per_unit = 0, tape_per_row = 0;
  // Floats per row of `dparams` (grad_per_unit * H), summed by param_grads after the loop.
  int64_t grad_per_unit = 0;
  void (*param_grads)(const CellParamGrads&) = nullptr;

  int64_t separate_gates() const { return gates - summed_gates; }
  int64_t tape_width(int64_t hidden) const { return tape_per_unit * hidden + tape_per_row; }
  int64_t param_size(const CellParam& p, int64_t hidden) const {
    return p.per_gate ? gates * hidden : hidden;
  }
};

// The description of `type`.
const CellKind& cell_kind(CellType type);

// The cells, one file each; registry.cpp lists them.
extern const CellKind kRnnTanhCell;
extern const CellKind kRnnReluCell;
extern const CellKind kLstmCell;
extern const CellKind kGruCell;
extern const CellKind kLayerNormLstmCell;
extern const CellKind kLayerNormGruCell;

}  // namespace recur::nn::detail
