// Compiled once per SIMD target (hwy/foreach_target.h re-includes this file); the public
// functions at the bottom pick the best target the CPU has, at run time. The backward passes are
// plain `omp simd` loops: compiled inside the per-target block, they too get each target's width.
#include "recur/kernels/rnn_gates.h"

#include <algorithm>
#include <cstdint>

#include "recur/kernels/activations.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/rnn_gates.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

#include "vec_math.h"

HWY_BEFORE_NAMESPACE();
namespace recur::kernels::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// The columns [j, j + lanes of d) of one LSTM row up to c': activations, new c; o and c' are
// also left in the last two arguments.
template <class DF>
HWY_INLINE void lstm_state_lanes(DF d, int64_t j, int64_t H, float* g, float* c, float* save_c_prev,
                                 hn::Vec<DF>& o, hn::Vec<DF>& c_new) {
  const auto i = simd::Sigmoid(d, hn::LoadU(d, g + j));
  const auto f = simd::Sigmoid(d, hn::LoadU(d, g + H + j));
  const auto gg = simd::Tanh(d, hn::LoadU(d, g + 2 * H + j));
  o = simd::Sigmoid(d, hn::LoadU(d, g + 3 * H + j));
  hn::StoreU(i, d, g + j);
  hn::StoreU(f, d, g + H + j);
  hn::StoreU(gg, d, g + 2 * H + j);
  hn::StoreU(o, d, g + 3 * H + j);
  const auto c_prev = hn::LoadU(d, c + j);
  if (save_c_prev != nullptr) hn::StoreU(c_prev, d, save_c_prev + j);
  c_new = hn::MulAdd(f, c_prev, hn::Mul(i, gg));
  hn::StoreU(c_new, d, c + j);
}

// The columns [j, j + lanes of d) of one LSTM row, in one pass: activations, new c, tanh(c),
// new h. Called with full vectors, then with single lanes for the last H % lanes columns.
template <class DF>
HWY_INLINE void lstm_forward_lanes(DF d, int64_t j, int64_t H, float* g, float* c, float* h_raw,
                                   float* save_c_prev) {
  hn::Vec<DF> o, c_new;
  lstm_state_lanes(d, j, H, g, c, save_c_prev, o, c_new);
  hn::StoreU(hn::Mul(o, simd::Tanh(d, c_new)), d, h_raw + j);
}

// The columns [j, j + lanes) of one GRU row: r, z, n and the new h.
template <class DF>
HWY_INLINE void gru_forward_lanes(DF d, int64_t j, int64_t H, float* x, const float* hh,
                                  const float* b_hn, float* h, float* save_hn) {
  const auto r = simd::Sigmoid(d, hn::Add(hn::LoadU(d, x + j), hn::LoadU(d, hh + j)));
  const auto z = simd::Sigmoid(d, hn::Add(hn::LoadU(d, x + H + j), hn::LoadU(d, hh + H + j)));
  auto hn_part = hn::LoadU(d, hh + 2 * H + j);
  if (b_hn != nullptr) hn_part = hn::Add(hn_part, hn::LoadU(d, b_hn + j));
  const auto n = simd::Tanh(d, hn::MulAdd(r, hn_part, hn::LoadU(d, x + 2 * H + j)));
  hn::StoreU(r, d, x + j);
  hn::StoreU(z, d, x + H + j);
  hn::StoreU(n, d, x + 2 * H + j);
  if (save_hn != nullptr) hn::StoreU(hn_part, d, save_hn + j);
  // h' = (1 - z) * n + z * h = n + z * (h - n)
  hn::StoreU(hn::MulAdd(z, hn::Sub(hn::LoadU(d, h + j), n), n), d, h + j);
}

// Runs row_lanes(d, j) over the columns of a row: full vectors, then one lane at a time.
template <class RowLanes>
HWY_INLINE void for_columns(int64_t H, const RowLanes& row_lanes) {
  const simd::D d;
  const hn::CappedTag<float, 1> d1;
  const int64_t L = static_cast<int64_t>(hn::Lanes(d));
  int64_t j = 0;
  for (; j + L <= H; j += L) row_lanes(d, j);
  for (; j < H; ++j) row_lanes(d1, j);
}

void lstm_forward_impl(int64_t B, int64_t H, float* gates, float* c, float* h_raw, int64_t ldh,
                       float* save_c_prev) {
  for (int64_t b = 0; b < B; ++b) {
    float* g = gates + b * 4 * H;
    float* cb = c + b * H;
    float* hb = h_raw + b * ldh;
    float* sc = save_c_prev != nullptr ? save_c_prev + b * H : nullptr;
    for_columns(H, [&](auto d, int64_t j) { lstm_forward_lanes(d, j, H, g, cb, hb, sc); });
  }
}

// The LSTM's gradients element by element, shared by the whole step's backward and its two
// halves (cells that transform c' before its tanh). Output half: from dL/dh and t = tanh(y),
// the o gate's pre-activation gradient and dL/dy.
struct LstmOutputGrad {
  float da_o, dy;
};
inline LstmOutputGrad lstm_output_grad(float dh, float o, float t) {
  return {dh * t * o * (1.0f - o), dh * o * (1.0f - t * t)};
}

// State half: from dL/dc' (dcn), the i, f, g pre-activation gradients into di, df, dg, and
// dL/dc (through f) returned.
inline float lstm_state_grad(float dcn, float i, float f, float g, float c_prev, float& di,
                             float& df, float& dg) {
  di = dcn * g * i * (1.0f - i);
  df = dcn * c_prev * f * (1.0f - f);
  dg = dcn * i * (1.0f - g * g);
  return dcn * f;
}

void lstm_backward_impl(int64_t B, int64_t H, const float* gates, const float* c_prev,
                        const float* tanh_c, const float* dh_raw, float* dc, float* dgates) {
  for (int64_t b = 0; b < B; ++b) {
    const float* g = gates + b * 4 * H;
    const float* cp = c_prev + b * H;
    const float* tc = tanh_c + b * H;
    const float* dh = dh_raw + b * H;
    float* dcb = dc + b * H;
    float* dg = dgates + b * 4 * H;
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
      const LstmOutputGrad out = lstm_output_grad(dh[j], g[3 * H + j], tc[j]);
      dg[3 * H + j] = out.da_o;
      dcb[j] = lstm_state_grad(dcb[j] + out.dy, g[j], g[H + j], g[2 * H + j], cp[j], dg[j],
                               dg[H + j], dg[2 * H + j]);
    }
  }
}

void lstm_state_forward_impl(int64_t H, float* gates, float* c, float* save_c_prev) {
  for_columns(H, [&](auto d, int64_t j) {
    hn::Vec<decltype(d)> o, c_new;
    lstm_state_lanes(d, j, H, gates, c, save_c_prev, o, c_new);
  });
}

void lstm_output_forward_impl(int64_t H, const float* o, float* h) {
  for_columns(H, [&](auto d, int64_t j) {
    hn::StoreU(hn::Mul(hn::LoadU(d, o + j), simd::Tanh(d, hn::LoadU(d, h + j))), d, h + j);
  });
}

void lstm_output_backward_impl(int64_t H, const float* o, const float* dh, float* t, float* da_o) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const LstmOutputGrad out = lstm_output_grad(dh[j], o[j], t[j]);
    da_o[j] = out.da_o;
    t[j] = out.dy;
  }
}

void lstm_state_backward_impl(int64_t H, const float* gates, const float* c_prev, float* dc,
                              float* dgates) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    dc[j] = lstm_state_grad(dc[j], gates[j], gates[H + j], gates[2 * H + j], c_prev[j], dgates[j],
                            dgates[H + j], dgates[2 * H + j]);
  }
}

void gru_forward_impl(int64_t B, int64_t H, float* gx, const float* gh, const float* b_hn, float* h,
                      float* save_hn) {
  for (int64_t b = 0; b < B; ++b) {
    float* x = gx + b * 3 * H;
    const float* hh = gh + b * 3 * H;
    float* hb = h + b * H;
    float* sh = save_hn != nullptr ? save_hn + b * H : nullptr;
    for_columns(H, [&](auto d, int64_t j) { gru_forward_lanes(d, j, H, x, hh, b_hn, hb, sh); });
  }
}

void gru_backward_impl(int64_t B, int64_t H, const float* gx, const float* hn, const float* h_prev,
                       float* dh, float* dgx, float* dgh_n) {
  for (int64_t b = 0; b < B; ++b) {
    const float* x = gx + b * 3 * H;
    const float* hnb = hn + b * H;
    const float* hp = h_prev + b * H;
    float* dhb = dh + b * H;
    float* dx = dgx + b * 3 * H;
    float* dn = dgh_n + b * H;
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
      const float r = x[j], z = x[H + j], n = x[2 * H + j];
      const float d = dhb[j];
      const float dn_pre = d * (1.0f - z) * (1.0f - n * n);
      const float dz_pre = d * (hp[j] - n) * z * (1.0f - z);
      const float dr_pre = dn_pre * hnb[j] * r * (1.0f - r);
      dx[j] = dr_pre;
      dx[H + j] = dz_pre;
      dx[2 * H + j] = dn_pre;
      dn[j] = dn_pre * r;
      dhb[j] = d * z;
    }
  }
}

void rnn_backward_impl(int64_t B, int64_t H, bool relu_act, const float* h_new, const float* dh,
                       float* dpre) {
  const int64_t n = B * H;
  if (relu_act) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) dpre[i] = h_new[i] > 0.0f ? dh[i] : 0.0f;
  } else {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) dpre[i] = dh[i] * (1.0f - h_new[i] * h_new[i]);
  }
}

}  // namespace recur::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace recur::kernels {

HWY_EXPORT(lstm_forward_impl);
HWY_EXPORT(lstm_backward_impl);
HWY_EXPORT(lstm_state_forward_impl);
HWY_EXPORT(lstm_output_forward_impl);
HWY_EXPORT(lstm_output_backward_impl);
HWY_EXPORT(lstm_state_backward_impl);
HWY_EXPORT(gru_forward_impl);
HWY_EXPORT(gru_backward_impl);
HWY_EXPORT(rnn_backward_impl);

void lstm_forward(int64_t B, int64_t H, float* gates, float* c, float* h_raw, int64_t ldh,
                  float* save_c_prev) {
  HWY_DYNAMIC_DISPATCH(lstm_forward_impl)(B, H, gates, c, h_raw, ldh, save_c_prev);
}

void lstm_backward(int64_t B, int64_t H, const float* gates, const float* c_prev,
                   const float* tanh_c, const float* dh_raw, float* dc, float* dgates) {
  HWY_DYNAMIC_DISPATCH(lstm_backward_impl)(B, H, gates, c_prev, tanh_c, dh_raw, dc, dgates);
}

void lstm_state_forward(int64_t H, float* gates, float* c, float* save_c_prev) {
  HWY_DYNAMIC_DISPATCH(lstm_state_forward_impl)(H, gates, c, save_c_prev);
}

void lstm_output_forward(int64_t H, const float* o, float* h) {
  HWY_DYNAMIC_DISPATCH(lstm_output_forward_impl)(H, o, h);
}

void lstm_output_backward(int64_t H, const float* o, const float* dh, float* t, float* da_o) {
  HWY_DYNAMIC_DISPATCH(lstm_output_backward_impl)(H, o, dh, t, da_o);
}

void lstm_state_backward(int64_t H, const float* gates, const float* c_prev, float* dc,
                         float* dgates) {
  HWY_DYNAMIC_DISPATCH(lstm_state_backward_impl)(H, gates, c_prev, dc, dgates);
}

void gru_forward(int64_t B, int64_t H, float* gx, const float* gh, const float* b_hn, float* h,
                 float* save_hn) {
  HWY_DYNAMIC_DISPATCH(gru_forward_impl)(B, H, gx, gh, b_hn, h, save_hn);
}

void gru_backward(int64_t B, int64_t H, const float* gx, const float* hn, const float* h_prev,
                  float* dh, float* dgx, float* dgh_n) {
  HWY_DYNAMIC_DISPATCH(gru_backward_impl)(B, H, gx, hn, h_prev, dh, dgx, dgh_n);
}

void rnn_forward(int64_t B, int64_t H, bool relu_act, float* pre, float* h, int64_t ldh) {
  if (relu_act) {
    relu(pre, pre, B * H);
  } else {
    tanh(pre, pre, B * H);
  }
  for (int64_t b = 0; b < B; ++b) std::copy(pre + b * H, pre + (b + 1) * H, h + b * ldh);
}

void rnn_backward(int64_t B, int64_t H, bool relu_act, const float* h_new, const float* dh,
                  float* dpre) {
  HWY_DYNAMIC_DISPATCH(rnn_backward_impl)(B, H, relu_act, h_new, dh, dpre);
}

}  // namespace recur::kernels
#endif  // HWY_ONCE
