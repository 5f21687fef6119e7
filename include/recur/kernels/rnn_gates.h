// Fused gate passes of the recurrent cells: after the GEMMs of a time step have produced the
// gate pre-activations, ONE pass over the rows applies the nonlinearities, updates the state and
// writes what backward needs; the backward passes do the reverse in one pass too. Equations and
// gate order are PyTorch's:
//   LSTM (i, f, g, o): c' = f*c + i*g, h' = o*tanh(c')
//   GRU  (r, z, n):    n = tanh(x_n + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h
//   RNN:               h' = tanh(pre) or relu(pre)
// All buffers are row-major [rows, width] with the leading dimension given where it may differ
// from the width. Nonlinearities use the vectorised kernels of activations.h row by row; the
// arithmetic between them is written so the compiler vectorises it (AVX2/FMA here).
#pragma once

#include <cstdint>

namespace recur::kernels {

// --- LSTM --------------------------------------------------------------------------------------
// gates [B, 4H] holds i, f, g, o pre-activations and is overwritten with their activations.
// c [B, H] is the cell state, updated in place. h_raw [B, ldh] receives o*tanh(c') (the hidden
// state, or its input to the projection). save_c_prev ([B, H], may be null) keeps c for
// backward.
void lstm_forward(int64_t B, int64_t H, float* gates, float* c, float* h_raw, int64_t ldh,
                  float* save_c_prev);
// From the saved activations and tanh(c') (which backward recomputes from c' rather than keep
// it): dh_raw [B, H] is the gradient of o*tanh(c'); dc [B, H] holds
// dL/dc' on entry and dL/dc on return; dgates [B, 4H] receives the pre-activation gradients.
void lstm_backward(int64_t B, int64_t H, const float* gates, const float* c_prev,
                   const float* tanh_c, const float* dh_raw, float* dc, float* dgates);

// --- LSTM split at c' ---------------------------------------------------------------------------
// For cells that transform c' before its tanh (the layer-normalised LSTM normalises it): the
// same arithmetic as lstm_forward/lstm_backward, one row at a time, in two halves.
// gates [4H]: pre-activations in, activations i, f, g, o out; c [H]: c in, c' = f*c + i*g out;
// save_c_prev [H] (may be null) keeps c.
void lstm_state_forward(int64_t H, float* gates, float* c, float* save_c_prev);
// h [H] holds y, the cell's transform of c', and receives o * tanh(y).
void lstm_output_forward(int64_t H, const float* o, float* h);
// Backward of lstm_output_forward from its gradient dh: t [H] holds tanh(y) on entry and dL/dy
// on return; da_o [H] receives the o gate's pre-activation gradient.
void lstm_output_backward(int64_t H, const float* o, const float* dh, float* t, float* da_o);
// Backward of lstm_state_forward: dc [H] holds dL/dc' on entry and dL/dc on return; dgates [3H]
// receives the i, f, g pre-activation gradients (gates: the saved activations).
void lstm_state_backward(int64_t H, const float* gates, const float* c_prev, float* dc,
                         float* dgates);

// --- GRU ---------------------------------------------------------------------------------------
// gx [B, 3H]: x W_ih^T + b_ih + (b_hr, b_hz, 0); overwritten with r, z, n.
// gh [B, 3H]: h W_hh^T (no bias), read only. b_hn [H] may be null. h [B, H] is updated in place.
// save_hn [B, H] (may be null) receives W_hn h + b_hn, the one hidden-side part backward needs.
void gru_forward(int64_t B, int64_t H, float* gx, const float* gh, const float* b_hn, float* h,
                 float* save_hn);
// hn [B, H] is the saved W_hn h + b_hn. dh [B, H] holds dL/dh' on entry and the direct part
// dL/dh' * z on return (the caller adds the hidden-side products). dgx [B, 3H] receives the
// gradients of the input-side pre-activations; the hidden-side ones equal them for r and z, and
// for n they are dgx_n * r, which goes to dgh_n [B, H].
void gru_backward(int64_t B, int64_t H, const float* gx, const float* hn, const float* h_prev,
                  float* dh, float* dgx, float* dgh_n);

// --- Vanilla RNN -------------------------------------------------------------------------------
// pre [B, H] is overwritten with h' = act(pre); h [B, ldh] receives a copy.
void rnn_forward(int64_t B, int64_t H, bool relu, float* pre, float* h, int64_t ldh);
// h_new [B, H] are the saved outputs; dh [B, H] the gradient w.r.t. them; dpre [B, H] receives
// the pre-activation gradient.
void rnn_backward(int64_t B, int64_t H, bool relu, const float* h_new, const float* dh,
                  float* dpre);

}  // namespace recur::kernels
