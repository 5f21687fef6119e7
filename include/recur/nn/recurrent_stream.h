// RecurrentStream: stateful step-by-step inference for a trained (unidirectional) RNN/LSTM/GRU,
// for serving loops that receive one time step at a time (sensor frames, ticks, tokens).
// Feeding a sequence step by step gives what RecurrentLayer::forward gives on the whole
// sequence (within float rounding, ~1e-6). Each row of the batch is an independent sequence and
// can be reset on its own.
//
//   nn::LSTM lstm(opts);  ...train or load...
//   nn::RecurrentStream stream(lstm, /*batch_size=*/1);
//   for (...) { Tensor y = stream.step(x_t); }   // x_t [1, I] -> y [1, H_out]
//
// The stream copies the weights at construction into the layout its per-step kernel wants
// (packed, biases folded; kernels/step_matmul.h), so later changes to the layer's weights are not
// seen: build a new stream after training further. All buffers are allocated once; the raw step()
// overload does no heap allocation at all.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/kernels/step_matmul.h"
#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

class RecurrentStream {
 public:
  // ValueError for a bidirectional layer (its reverse direction needs the whole sequence).
  RecurrentStream(const RecurrentLayer& layer, int64_t batch_size);

  // x_t [B, I] -> output of the top layer for this step, [B, H_out]. Not tracked by autograd.
  Tensor step(const Tensor& x_t);
  // Raw form: x_t is B*I floats; returns B*H_out floats owned by the stream (valid until the
  // next call). No allocation.
  const float* step(const float* x_t);

  void reset();           // all sequences back to zero state
  void reset(int64_t b);  // sequence b back to zero state
  // h [num_layers, B, H_out], c [num_layers, B, H] (LSTM; undefined means zeros).
  void set_state(const Tensor& h, const Tensor& c = {});
  Tensor h() const;
  Tensor c() const;  // undefined unless LSTM

  int64_t batch_size() const { return batch_; }

 private:
  struct Layer {
    int64_t input_size = 0;
    kernels::PackedMatrix w_ih;  // W_ih^T [I, G]
    kernels::PackedMatrix w_hh;  // W_hh^T [H_out, G]
    kernels::PackedMatrix w_hr;  // W_hr^T [H, P] (projection)
    std::vector<float> bias;     // [G] folded bias (see the engine)
    std::vector<float> b_hh;     // GRU: [G] (its n part stays out of the folded bias)
    std::vector<float> h, c;     // state [B, H_out], [B, H]
  };
  void layer_step(Layer& layer, const float* x);
  void matmul_acc(const float* v, const kernels::PackedMatrix& w, float* y) const;

  CellType type_;
  int64_t hidden_ = 0, out_ = 0, gates_ = 0, batch_ = 0;
  std::vector<Layer> layers_;
  std::vector<float> gates_buf_, gh_buf_, raw_buf_;  // per-step scratch, preallocated
};

}  // namespace recur::nn
