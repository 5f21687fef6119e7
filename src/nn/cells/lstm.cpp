// LSTM (PyTorch's torch.nn.LSTM): gates i, f, g, o;
//   c' = f * c + i * g,  h' = o * tanh(c')  (then h' W_hr^T with proj_size).
// Its tape keeps the activations and c_{t-1}; backward rebuilds tanh(c_t) from the next step's
// c_{t-1} (or c_n) instead of keeping a copy.
#include "cell.h"
#include "recur/kernels/activations.h"
#include "recur/kernels/rnn_gates.h"

namespace recur::nn::detail {

namespace {

void lstm_gate_pass(const GateStep& s) {
  kernels::lstm_forward(s.rows, s.hidden, s.gates, s.c, s.h, s.hidden, s.save_c_prev);
}

void lstm_gate_grads(const GateGradStep& s) {
  kernels::tanh(s.after, s.after, s.rows * s.hidden);  // after = c_t
  kernels::lstm_backward(s.rows, s.hidden, s.gates, s.c_prev, s.after, s.d_out, s.dc, s.dgates);
}

}  // namespace

constinit const CellKind kLstmCell{
    .type = CellType::Lstm,
    .name = "LSTM",
    .flag = "lstm",
    .alias = nullptr,
    .gates = 4,
    .gate_order = "i, f, g, o",
    .summed_gates = 4,
    .cell_state = true,
    .projection = true,
    .keeps_gates = true,
    .mixes_h = false,
    .after_step = AfterStep::C,
    .forget_gate = 1,
    .chrono_keep_gate = 1,   // f
    .chrono_input_gate = 0,  // i
    .forward = lstm_gate_pass,
    .backward = lstm_gate_grads,
};

}  // namespace recur::nn::detail
