// GRU (PyTorch's torch.nn.GRU): gates r, z, n;
//   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h' = (1 - z) * n + z * h.
// The n block's hidden side is multiplied by r before it joins the input side, so it is not
// summed into the pre-activations: h W_hh^T goes to its own buffer, b_hn stays out of the
// folded bias, the tape keeps W_hn h + b_hn, and BPTT has a hidden-side gradient of its own for
// that block (dn * r). h' keeps a direct path to h (z * dh), which backward leaves in dh.
#include "cell.h"
#include "recur/kernels/rnn_gates.h"

namespace recur::nn::detail {

namespace {

void gru_gate_pass(const GateStep& s) {
  kernels::gru_forward(s.rows, s.hidden, s.gates, s.gh, s.hidden_bias, s.h, s.save_tape);
}

void gru_gate_grads(const GateGradStep& s) {
  kernels::gru_backward(s.rows, s.hidden, s.gates, s.tape, s.h_prev, s.dh, s.dgates, s.dgh);
}

}  // namespace

constinit const CellKind kGruCell{
    .type = CellType::Gru,
    .name = "GRU",
    .flag = "gru",
    .alias = nullptr,
    .gates = 3,
    .gate_order = "r, z, n",
    .summed_gates = 2,
    .cell_state = false,
    .projection = false,
    .keeps_gates = true,
    .mixes_h = true,
    .after_step = AfterStep::None,
    .forget_gate = -1,
    .chrono_keep_gate = 1,  // z
    .chrono_input_gate = -1,
    .forward = gru_gate_pass,
    .backward = gru_gate_grads,
    .tape_per_unit = 1,  // W_hn h + b_hn
};

}  // namespace recur::nn::detail
