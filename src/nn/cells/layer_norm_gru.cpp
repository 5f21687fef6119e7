// Layer-normalised GRU: PyTorch's GRU (gates r, z, n) with each side's product layer-normalised
// over its 3H units before its bias is added (Ba et al. 2016 applied to the GRU):
//   gi = LN(x W_ih^T) * ln_weight_ih + b_ih,   gh = LN(h W_hh^T) * ln_weight_hh + b_hh
//   r = sigmoid(gi_r + gh_r),  z = sigmoid(gi_z + gh_z),  n = tanh(gi_n + r * gh_n)
//   h' = (1 - z) * n + z * h
// Both products go to the gate pass raw (every block "separate"); h' keeps a direct path to h,
// which backward leaves in dh as the GRU does.
// Tape row: x_hat [3H] | h_hat [3H] | gh_n [H] | rstd of x, h. dparams row: d gi | d gh [3H each].
#include <algorithm>

#include "cell.h"
#include "layer_norm_rows.h"
#include "recur/kernels/activations.h"

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

void ln_gru_row(const GateStep& s, int64_t r) {
  const int64_t H = s.hidden, G = 3 * H;
  const float* const* p = s.params;
  float* a = s.gates + r * G;
  const float* gh = s.gh + r * G;
  float* h = s.h + r * H;
  const RowMoments mx = row_moments(a, G), mh = row_moments(gh, G);
  const LnGruTapeRow<float> t(s.save_tape, H, r);
  for (int64_t j = 0; j < G; ++j) {
    const float x_hat = (a[j] - mx.mean) * mx.rstd;
    if (t.x_hat != nullptr) t.x_hat[j] = x_hat;
    a[j] = x_hat * p[kGruGainIh][j] + (s.input_bias != nullptr ? s.input_bias[j] : 0.0f);
  }
  auto hidden_side = [&](int64_t j) {  // gh at j, normalised, scaled and biased
    const float h_hat = (gh[j] - mh.mean) * mh.rstd;
    if (t.h_hat != nullptr) t.h_hat[j] = h_hat;
    return h_hat * p[kGruGainHh][j] + (s.hidden_bias != nullptr ? s.hidden_bias[j] : 0.0f);
  };
  for (int64_t j = 0; j < 2 * H; ++j) a[j] += hidden_side(j);
  kernels::sigmoid(a, a, 2 * H);  // r, z
  const float *rg = a, *z = a + H;
  float* n = a + 2 * H;
  for (int64_t j = 0; j < H; ++j) {
    const float gh_n = hidden_side(2 * H + j);
    if (t.gh_n != nullptr) t.gh_n[j] = gh_n;
    n[j] += rg[j] * gh_n;
  }
  kernels::tanh(n, n, H);
  for (int64_t j = 0; j < H; ++j) h[j] = n[j] + z[j] * (h[j] - n[j]);
  if (t.rstd != nullptr) {
    t.rstd[0] = mx.rstd;
    t.rstd[1] = mh.rstd;
  }
}

void ln_gru_gate_pass(const GateStep& s) {
  for (int64_t r = 0; r < s.rows; ++r) ln_gru_row(s, r);
}

void ln_gru_row_grads(const GateGradStep& s, int64_t r) {
  const int64_t H = s.hidden, G = 3 * H;
  const float* const* p = s.params;
  const float* act = s.gates + r * G;
  const float *rg = act, *z = act + H, *n = act + 2 * H;
  const LnGruTapeRow<const float> t(s.tape, H, r);
  const float* h_prev = s.h_prev + r * H;
  float* dh = s.dh + r * H;
  float* dgi = s.dparams + r * 2 * G;
  float* dgh_side = dgi + G;
  for (int64_t j = 0; j < H; ++j) {
    const float dn = dh[j] * (1.0f - z[j]) * (1.0f - n[j] * n[j]);
    const float dz = dh[j] * (h_prev[j] - n[j]) * z[j] * (1.0f - z[j]);
    const float dr = dn * t.gh_n[j] * rg[j] * (1.0f - rg[j]);
    dgi[j] = dgh_side[j] = dr;
    dgi[H + j] = dgh_side[H + j] = dz;
    dgi[2 * H + j] = dn;
    dgh_side[2 * H + j] = dn * rg[j];
    dh[j] *= z[j];  // the direct path to h_{t-1}
  }
  float* dx = s.dgates + r * G;
  float* dgh = s.dgh + r * G;
  std::fill(dx, dx + G, 0.0f);
  std::fill(dgh, dgh + G, 0.0f);
  add_row_norm_backward(dgi, p[kGruGainIh], t.x_hat, t.rstd[0], G, dx);
  add_row_norm_backward(dgh_side, p[kGruGainHh], t.h_hat, t.rstd[1], G, dgh);
}

void ln_gru_gate_grads(const GateGradStep& s) {
  for (int64_t r = 0; r < s.rows; ++r) ln_gru_row_grads(s, r);
}

void ln_gru_param_grads(const CellParamGrads& g) {
  const int64_t H = g.hidden, G = 3 * H, N = g.rows, tape_w = 7 * H + 2, grad_w = 2 * G;
  const auto& out = *g.params;
  // dparams row: dgi [G] | dgh [G]; tape row: x_hat [G] | h_hat [G] | gh_n [H] | rstd.
  sum_columns<4>(N, g.dparams, grad_w, g.tape, tape_w,
                 {{{0, -1, G, g.b_ih},
                   {G, -1, G, g.b_hh},
                   {0, 0, G, out[kGruGainIh]},
                   {G, G, G, out[kGruGainHh]}}});
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
