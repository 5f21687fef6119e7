// Layer-normalised GRU: PyTorch's GRU (gates r, z, n) with each side's product layer-normalised
// over its 3H units before its bias is added (Ba et al. 2016 applied to the GRU):
//   gi = LN(x W_ih^T) * ln_weight_ih + b_ih,   gh = LN(h W_hh^T) * ln_weight_hh + b_hh
//   r = sigmoid(gi_r + gh_r),  z = sigmoid(gi_z + gh_z),  n = tanh(gi_n + r * gh_n)
//   h' = (1 - z) * n + z * h
// Both products go to the gate pass raw (every block "separate"); h' keeps a direct path to h,
// which backward leaves in dh as the GRU does.
// Tape row: x_hat [3H] | h_hat [3H] | gh_n [H] | rstd of x, h. dparams row: d gi | d gh [3H each].
#include <algorithm>
#include <iterator>
#include <vector>

#include "cell.h"
#include "layer_norm_rows.h"
#include "recur/kernels/rnn_gates.h"

namespace recur::nn::detail {

namespace {

enum LnGruParam { kGruGainIh, kGruGainHh };

constexpr CellParam kLnGruParams[] = {
    {"ln_weight_ih", true, 1.0f},
    {"ln_weight_hh", true, 1.0f},
};

// One row's tape, split into its parts (all null without a tape).
template <class F>
struct LnGruTapeRow {
  F *x_hat = nullptr, *h_hat = nullptr, *gh_n = nullptr, *rstd = nullptr;
  LnGruTapeRow(F* tape, int64_t H, int64_t r) {
    if (tape == nullptr) return;
    x_hat = tape + r * (7 * H + 2);
    h_hat = x_hat + 3 * H;
    gh_n = h_hat + 3 * H;
    rstd = gh_n + H;
  }
};

// The gate pass of a row is the GRU's (kernels::gru_forward) on normalised sides: gi in place of
// the raw input side, the hidden side gh_side in scratch [3H].
void ln_gru_row(const GateStep& s, int64_t r, float* gh_side) {
  const int64_t H = s.hidden, G = 3 * H;
  const float* const* p = s.params;
  float* a = s.gates + r * G;
  const float* gh = s.gh + r * G;
  const LnGruTapeRow<float> t(s.save_tape, H, r);
  const kernels::RowMoments mx = kernels::row_moments(a, G, kLayerNormEps);
  const kernels::RowMoments mh = kernels::row_moments(gh, G, kLayerNormEps);
  kernels::layer_norm_row(a, mx, p[kGruGainIh], s.input_bias, t.x_hat, a, G);
  kernels::layer_norm_row(gh, mh, p[kGruGainHh], s.hidden_bias, t.h_hat, gh_side, G);
  kernels::gru_forward(1, H, a, gh_side, nullptr, s.h + r * H, t.gh_n);
  if (t.rstd != nullptr) {
    t.rstd[0] = mx.rstd;
    t.rstd[1] = mh.rstd;
  }
}

void ln_gru_gate_pass(const GateStep& s) {
  thread_local std::vector<float> gh_side;  // kept: a stream runs this pass every few µs
  gh_side.resize(static_cast<size_t>(3 * s.hidden));
  for (int64_t r = 0; r < s.rows; ++r) ln_gru_row(s, r, gh_side.data());
}

// kernels::gru_backward gives the input side's gradients (dr, dz, dn) and the hidden side's
// n part (dn * r); the hidden side's r and z parts equal the input side's.
void ln_gru_row_grads(const GateGradStep& s, int64_t r) {
  const int64_t H = s.hidden, G = 3 * H;
  const float* const* p = s.params;
  const LnGruTapeRow<const float> t(s.tape, H, r);
  float* dgi = s.dparams + r * 2 * G;
  float* dgh_side = dgi + G;
  kernels::gru_backward(1, H, s.gates + r * G, t.gh_n, s.h_prev + r * H, s.dh + r * H, dgi,
                        dgh_side + 2 * H);
  std::copy(dgi, dgi + 2 * H, dgh_side);
  float* dx = s.dgates + r * G;
  float* dgh = s.dgh + r * G;
  std::fill(dx, dx + G, 0.0f);
  std::fill(dgh, dgh + G, 0.0f);
  kernels::layer_norm_row_backward_add(dgi, p[kGruGainIh], t.x_hat, t.rstd[0], dx, G);
  kernels::layer_norm_row_backward_add(dgh_side, p[kGruGainHh], t.h_hat, t.rstd[1], dgh, G);
}

void ln_gru_gate_grads(const GateGradStep& s) {
  for (int64_t r = 0; r < s.rows; ++r) ln_gru_row_grads(s, r);
}

void ln_gru_param_grads(const CellParamGrads& g) {
  const int64_t H = g.hidden, G = 3 * H, N = g.rows, tape_w = 7 * H + 2, grad_w = 2 * G;
  const auto& out = *g.params;
  // dparams row: dgi [G] | dgh [G]; tape row: x_hat [G] | h_hat [G] | gh_n [H] | rstd.
  const kernels::ColumnSum sums[] = {{0, -1, G, g.b_ih},
                                     {G, -1, G, g.b_hh},
                                     {0, 0, G, out[kGruGainIh]},
                                     {G, G, G, out[kGruGainHh]}};
  kernels::sum_columns(N, g.dparams, grad_w, g.tape, tape_w, sums, std::size(sums));
}

}  // namespace

constinit const CellKind kLayerNormGruCell{
    .type = CellType::LayerNormGru,
    .name = "LayerNormGRU",
    .flag = "ln_gru",
    .alias = nullptr,
    .gates = 3,
    .gate_order = "r, z, n",
    .summed_gates = 0,
    .cell_state = false,
    .projection = false,
    .keeps_gates = true,
    .mixes_h = true,
    .after_step = AfterStep::None,
    .forget_gate = -1,
    .chrono_keep_gate = 1,  // z
    .chrono_input_gate = -1,
    .forward = ln_gru_gate_pass,
    .backward = ln_gru_gate_grads,
    .params = kLnGruParams,
    .own_biases = true,
    .whole_rows = true,
    .tape_per_unit = 7,
    .tape_per_row = 2,
    .grad_per_unit = 6,
    .param_grads = ln_gru_param_grads,
};

}  // namespace recur::nn::detail
