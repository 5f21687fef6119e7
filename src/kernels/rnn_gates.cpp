#include "recur/kernels/rnn_gates.h"

#include <algorithm>
#include <cstdint>

#include "recur/kernels/activations.h"

namespace recur::kernels {

void lstm_forward(int64_t B, int64_t H, float* gates, float* c, float* h_raw, int64_t ldh,
                  float* save_c_prev, float* save_tanh_c) {
  for (int64_t b = 0; b < B; ++b) {
    float* g = gates + b * 4 * H;
    float* cb = c + b * H;
    float* hb = h_raw + b * ldh;
    const float* i_g = g;
    const float* f_g = g + H;
    const float* g_g = g + 2 * H;
    const float* o_g = g + 3 * H;
    // Activations row by row with the vectorised kernels (i and f are adjacent: one call).
    sigmoid(g, g, 2 * H);
    tanh(g + 2 * H, g + 2 * H, H);
    sigmoid(g + 3 * H, g + 3 * H, H);
    if (save_c_prev != nullptr) std::copy(cb, cb + H, save_c_prev + b * H);
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) cb[j] = f_g[j] * cb[j] + i_g[j] * g_g[j];
    // tanh(c') goes where backward wants it, or straight into h.
    float* tc = save_tanh_c != nullptr ? save_tanh_c + b * H : hb;
    tanh(cb, tc, H);
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) hb[j] = o_g[j] * tc[j];
  }
}

void lstm_backward(int64_t B, int64_t H, const float* gates, const float* c_prev,
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
      const float i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
      const float t = tc[j];
      const float d_o = dh[j] * t;
      const float dcn = dcb[j] + dh[j] * o * (1.0f - t * t);
      dg[j] = dcn * gg * i * (1.0f - i);
      dg[H + j] = dcn * cp[j] * f * (1.0f - f);
      dg[2 * H + j] = dcn * i * (1.0f - gg * gg);
      dg[3 * H + j] = d_o * o * (1.0f - o);
      dcb[j] = dcn * f;
    }
  }
}

void gru_forward(int64_t B, int64_t H, float* gx, float* gh, const float* b_hn, float* h) {
  for (int64_t b = 0; b < B; ++b) {
    float* x = gx + b * 3 * H;
    float* hh = gh + b * 3 * H;
    float* hb = h + b * H;
#pragma omp simd
    for (int64_t j = 0; j < 2 * H; ++j) x[j] += hh[j];
    sigmoid(x, x, 2 * H);  // r, z
    float* hn = hh + 2 * H;
    float* n = x + 2 * H;
    if (b_hn != nullptr) {
#pragma omp simd
      for (int64_t j = 0; j < H; ++j) hn[j] += b_hn[j];
    }
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) n[j] += x[j] * hn[j];
    tanh(n, n, H);
    const float* z = x + H;
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) hb[j] = n[j] + z[j] * (hb[j] - n[j]);
  }
}

void gru_backward(int64_t B, int64_t H, const float* gx, const float* gh, const float* h_prev,
                  float* dh, float* dgx, float* dgh) {
  for (int64_t b = 0; b < B; ++b) {
    const float* x = gx + b * 3 * H;
    const float* hh = gh + b * 3 * H;
    const float* hp = h_prev + b * H;
    float* dhb = dh + b * H;
    float* dx = dgx + b * 3 * H;
    float* dhh = dgh + b * 3 * H;
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
      const float r = x[j], z = x[H + j], n = x[2 * H + j];
      const float d = dhb[j];
      const float dn_pre = d * (1.0f - z) * (1.0f - n * n);
      const float dz_pre = d * (hp[j] - n) * z * (1.0f - z);
      const float dr_pre = dn_pre * hh[2 * H + j] * r * (1.0f - r);
      dx[j] = dr_pre;
      dx[H + j] = dz_pre;
      dx[2 * H + j] = dn_pre;
      dhh[j] = dr_pre;
      dhh[H + j] = dz_pre;
      dhh[2 * H + j] = dn_pre * r;
      dhb[j] = d * z;
    }
  }
}

void rnn_forward(int64_t B, int64_t H, bool relu_act, float* pre, float* h, int64_t ldh) {
  if (relu_act) {
    relu(pre, pre, B * H);
  } else {
    tanh(pre, pre, B * H);
  }
  for (int64_t b = 0; b < B; ++b) std::copy(pre + b * H, pre + (b + 1) * H, h + b * ldh);
}

void rnn_backward(int64_t B, int64_t H, bool relu, const float* h_new, const float* dh,
                  float* dpre) {
  const int64_t n = B * H;
  if (relu) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) dpre[i] = h_new[i] > 0.0f ? dh[i] : 0.0f;
  } else {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) dpre[i] = dh[i] * (1.0f - h_new[i] * h_new[i]);
  }
}

}  // namespace recur::kernels
