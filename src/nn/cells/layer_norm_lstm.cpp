// Layer-normalised LSTM (Ba, Kiros & Hinton 2016, "Layer Normalization", eqs. 20-22), gates
// i, f, g, o as PyTorch's LSTM:
//   a  = LN(x W_ih^T) * ln_weight_ih + LN(h W_hh^T) * ln_weight_hh + b_ih + b_hh   [4H]
//   c' = f * c + i * g,   h' = o * tanh(LN(c') * ln_weight_c + ln_bias_c)
// Each LN normalises over all 4H (or H) units of a row, with no bias of its own on the gate
// sides (b_ih + b_hh play that part). Both products go to the gate pass raw: every block is a
// "separate" one and the cell adds its own biases after normalising.
// Tape row: x_hat [4H] | h_hat [4H] | c_hat [H] | rstd of x, h, c; besides the activations and
// c_{t-1} that the engine keeps. dparams row: da [4H] | d(LN(c') * w + b) [H].
#include <algorithm>
#include <iterator>

#include "cell.h"
#include "layer_norm_rows.h"
#include "recur/kernels/activations.h"
#include "recur/kernels/rnn_gates.h"

namespace recur::nn::detail {

namespace {

enum LnLstmParam { kGainIh, kGainHh, kGainC, kBiasC };

constexpr CellParam kLnLstmParams[] = {
    {"ln_weight_ih", true, 1.0f},
    {"ln_weight_hh", true, 1.0f},
    {"ln_weight_c", false, 1.0f},
    {"ln_bias_c", false, 0.0f},
};

// One row's tape, split into its parts (all null without a tape).
template <class F>
struct LnLstmTapeRow {
  F *x_hat = nullptr, *h_hat = nullptr, *c_hat = nullptr, *rstd = nullptr;
  LnLstmTapeRow(F* tape, int64_t H, int64_t r) {
    if (tape == nullptr) return;
    x_hat = tape + r * (9 * H + 3);
    h_hat = x_hat + 4 * H;
    c_hat = h_hat + 4 * H;
    rstd = c_hat + H;
  }
};

void ln_lstm_row(const GateStep& s, int64_t r) {
  const int64_t H = s.hidden, G = 4 * H;
  const float* const* p = s.params;
  float* a = s.gates + r * G;
  const float* gh = s.gh + r * G;
  float* c = s.c + r * H;
  float* h = s.h + r * H;
  const LnLstmTapeRow<float> t(s.save_tape, H, r);
  const kernels::RowMoments mx = kernels::row_moments(a, G, kLayerNormEps);
  const kernels::RowMoments mh = kernels::row_moments(gh, G, kLayerNormEps);
  kernels::layer_norm_row(a, mx, p[kGainIh], s.input_bias, t.x_hat, a, G);
  kernels::layer_norm_row_add(gh, mh, p[kGainHh], s.hidden_bias, t.h_hat, a, G);
  kernels::lstm_state_forward(H, a, c, s.save_c_prev != nullptr ? s.save_c_prev + r * H : nullptr);
  const kernels::RowMoments mc = kernels::row_moments(c, H, kLayerNormEps);
  kernels::layer_norm_row(c, mc, p[kGainC], p[kBiasC], t.c_hat, h, H);
  kernels::lstm_output_forward(H, a + 3 * H, h);
  if (t.rstd != nullptr) {
    t.rstd[0] = mx.rstd;
    t.rstd[1] = mh.rstd;
    t.rstd[2] = mc.rstd;
  }
}

void ln_lstm_gate_pass(const GateStep& s) {
  for (int64_t r = 0; r < s.rows; ++r) ln_lstm_row(s, r);
}

void ln_lstm_row_grads(const GateGradStep& s, int64_t r) {
  const int64_t H = s.hidden, G = 4 * H;
  const float* const* p = s.params;
  const float* act = s.gates + r * G;
  const LnLstmTapeRow<const float> t(s.tape, H, r);
  float* dc = s.dc + r * H;
  float* da = s.dparams + r * 5 * H;
  float* dyc = da + G;  // gradient of LN(c') * w + b
  // tanh(LN(c') * w + b) again: c_hat is normalised already, so moments (0, 1) leave it as is.
  kernels::layer_norm_row(t.c_hat, {0.0f, 1.0f}, p[kGainC], p[kBiasC], nullptr, dyc, H);
  kernels::tanh(dyc, dyc, H);
  kernels::lstm_output_backward(H, act + 3 * H, s.d_out + r * H, dyc, da + 3 * H);
  kernels::layer_norm_row_backward_add(dyc, p[kGainC], t.c_hat, t.rstd[2], dc, H);  // dL/dc'
  kernels::lstm_state_backward(H, act, s.c_prev + r * H, dc, da);
  float* dx = s.dgates + r * G;
  float* dgh = s.dgh + r * G;
  std::fill(dx, dx + G, 0.0f);
  std::fill(dgh, dgh + G, 0.0f);
  kernels::layer_norm_row_backward_add(da, p[kGainIh], t.x_hat, t.rstd[0], dx, G);
  kernels::layer_norm_row_backward_add(da, p[kGainHh], t.h_hat, t.rstd[1], dgh, G);
}

void ln_lstm_gate_grads(const GateGradStep& s) {
  for (int64_t r = 0; r < s.rows; ++r) ln_lstm_row_grads(s, r);
}

void ln_lstm_param_grads(const CellParamGrads& g) {
  const int64_t H = g.hidden, G = 4 * H, N = g.rows, tape_w = 9 * H + 3, grad_w = 5 * H;
  const auto& out = *g.params;
  // dparams row: da [G] | dyc [H]; tape row: x_hat [G] | h_hat [G] | c_hat [H] | rstd.
  float* bias = g.b_ih != nullptr ? g.b_ih : g.b_hh;  // both biases get the sum of da
  const kernels::ColumnSum sums[] = {{0, -1, G, bias},
                                     {0, 0, G, out[kGainIh]},
                                     {0, G, G, out[kGainHh]},
                                     {G, 2 * G, H, out[kGainC]},
                                     {G, -1, H, out[kBiasC]}};
  kernels::sum_columns(N, g.dparams, grad_w, g.tape, tape_w, sums, std::size(sums));
  if (g.b_ih != nullptr && g.b_hh != nullptr) std::copy(g.b_ih, g.b_ih + G, g.b_hh);
}

}  // namespace

constinit const CellKind kLayerNormLstmCell{
    .type = CellType::LayerNormLstm,
    .name = "LayerNormLSTM",
    .flag = "ln_lstm",
    .alias = nullptr,
    .gates = 4,
    .gate_order = "i, f, g, o",
    .summed_gates = 0,
    .cell_state = true,
    .projection = false,
    .keeps_gates = true,
    .mixes_h = false,
    .after_step = AfterStep::None,  // tanh(LN(c')) is rebuilt from the tape's c_hat
    .forget_gate = 1,
    .chrono_keep_gate = 1,
    .chrono_input_gate = 0,
    .forward = ln_lstm_gate_pass,
    .backward = ln_lstm_gate_grads,
    .params = kLnLstmParams,
    .own_biases = true,
    .whole_rows = true,
    .tape_per_unit = 9,
    .tape_per_row = 3,
    .grad_per_unit = 5,
    .param_grads = ln_lstm_param_grads,
};

}  // namespace recur::nn::detail
