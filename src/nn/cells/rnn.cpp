// Elman RNN (PyTorch's torch.nn.RNN): one block, h' = tanh(pre) or relu(pre). Its activation is
// h' itself, so the tape keeps no gates: backward rebuilds h_t from the next step's h_{t-1}
// (or h_n).
#include "cell.h"
#include "recur/kernels/rnn_gates.h"

namespace recur::nn::detail {

namespace {

template <bool Relu>
void rnn_gate_pass(const GateStep& s) {
  kernels::rnn_forward(s.rows, s.hidden, Relu, s.gates, s.h, s.hidden);
}

template <bool Relu>
void rnn_gate_grads(const GateGradStep& s) {
  kernels::rnn_backward(s.rows, s.hidden, Relu, s.after, s.d_out, s.dgates);  // after = h_t
}

constexpr CellKind elman_kind(CellType type, const char* flag, const char* alias, bool relu) {
  return CellKind{
      .type = type,
      .name = "RNN",
      .flag = flag,
      .alias = alias,
      .gates = 1,
      .gate_order = "h",
      .summed_gates = 1,
      .cell_state = false,
      .projection = false,
      .keeps_gates = false,
      .mixes_h = false,
      .after_step = AfterStep::H,
      .forget_gate = -1,
      .chrono_keep_gate = -1,
      .chrono_input_gate = -1,
      .forward = relu ? rnn_gate_pass<true> : rnn_gate_pass<false>,
      .backward = relu ? rnn_gate_grads<true> : rnn_gate_grads<false>,
  };
}

}  // namespace

constinit const CellKind kRnnTanhCell = elman_kind(CellType::RnnTanh, "rnn_tanh", "rnn", false);
constinit const CellKind kRnnReluCell = elman_kind(CellType::RnnRelu, "rnn_relu", nullptr, true);

}  // namespace recur::nn::detail
