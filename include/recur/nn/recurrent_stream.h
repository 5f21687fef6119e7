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
//
// With threads > 1 the units of every layer are split between that many cores (each computes its
// units' gates from the whole previous state, with a barrier between layers; kernels/step_team.h):
// a step for a few sequences is bound by reading the weights from cache, and each core then reads
// only its share. The result is the same as with one thread. The team's threads spin for a short
// while after each step and then sleep. A layer with a projection (proj_size), or too little work
// to share (under 16k multiply-adds or 16 units per thread), runs on one thread. A split step
// needs free cores: when the others are busy every hand-over waits for the scheduler (S5's LSTM
// step took 88.5 us on two threads against 3.7 on one), so by default the stream times the split
// step against the same slices run one after another on the calling thread now and then, and
// runs the faster (kernels/team_choice.h); the results are bit-identical either way.
//
// StreamOptions::weights = kFloat16 or kBFloat16 stores W_ih and W_hh in 16 bits (fp32 sums,
// biases, state and projection): a step at a small batch is bound by reading those weights, and
// bf16 halves the step of bench S5's LSTM (4.1 -> 2.05 us on Zen 4; fp16 gains less there, its
// conversion being as slow as the reading: docs/PERFORMANCE.md, "16-bit streaming weights").
// The price is each weight rounded once, a relative error of at most 2^-11 (fp16) or 2^-8
// (bf16): over 1000 steps of S5's LSTM h moved by at most 6e-5 (fp16) and 5e-4 (bf16). With
// AVX512_BF16, bf16 at batch 1 also splits the input and state into two bf16 parts (relative
// error 2^-17). fp16 needs every weight below 65520 in magnitude; bf16 keeps fp32's range. As
// with fp32, the outputs do not depend on the thread count.
//
//   nn::RecurrentStream fast(lstm, 1, {.weights = kernels::WeightPrecision::kBFloat16});
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recur/kernels/step_matmul.h"
#include "recur/kernels/step_team.h"
#include "recur/kernels/team_choice.h"
#include "recur/nn/recurrent_layer.h"

namespace recur::nn {

namespace detail {
struct CellKind;  // src/nn/cells/cell.h
}

struct StreamOptions {
  int threads = 1;  // cores a step is split between (>= 1)
  // With threads > 1: time the split step against one thread now and then and run the faster
  // (false: always split, e.g. to measure the split itself).
  bool choose_by_timing = true;
  kernels::WeightPrecision weights = kernels::WeightPrecision::kFloat32;
};

class RecurrentStream {
 public:
  // ValueError for a bidirectional layer (its reverse direction needs the whole sequence).
  RecurrentStream(const RecurrentLayer& layer, int64_t batch_size, int threads = 1);
  // Also ValueError for threads < 1, an unknown precision, and fp16 with a weight that does not
  // fit fp16 (the layer and weight named).
  RecurrentStream(const RecurrentLayer& layer, int64_t batch_size, StreamOptions options);

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
  kernels::WeightPrecision weight_precision() const { return precision_; }

 private:
  // The units [begin, end) of one layer that one thread computes, as a cell of its own: its
  // rows of the weights (gate-major, packed), and scratch for its step.
  // A weight of the per-step products, packed in the stream's precision (one of the two is set).
  struct StepWeight {
    kernels::PackedMatrix f32;
    kernels::PackedMatrix16 half;
    // W^T for gate-major rows W [gates of a slice, cols]; `what` names the weight in an error.
    static StepWeight pack(const std::vector<float>& w, int64_t cols,
                           kernels::WeightPrecision precision, const std::string& what);
    // y [B, cols] += v [B, rows] * this.
    void acc(int64_t B, const float* v, int64_t ldv, float* y, int64_t ldy) const;
    bool empty() const { return f32.empty() && half.empty(); }
  };
  struct Slice {
    int64_t begin = 0, end = 0;
    StepWeight w_ih;  // [I, gates of the slice]
    StepWeight w_hh;  // [H_out, gates of the slice]: reads all of h
    // The weights of a cell that sums both products (no separate gates): [W_ih; W_hh] as one
    // [I + H_out, gates] weight times [x, h], in place of w_ih and w_hh. One pass over the
    // panels instead of two: ~0.2 us of a 2.4 us S5 step (short passes cost their set-up). In
    // fp32 the sums are the two products' to the bit (the same terms in the same order).
    StepWeight w_xh;
    std::vector<float> xh;                      // [B, I + H_out] scratch for w_xh
    kernels::PackedMatrix w_hr;                 // projection (a single slice holds all units)
    std::vector<float> bias, b_hh;              // folded bias; GRU's b_hh (its n part stays apart)
    std::vector<float> b_ih;                    // cells that add their own biases (whole layer)
    std::vector<std::vector<float>> own;        // the cell's own parameters (whole layer)
    std::vector<float> gates, gh, h, c, h_raw;  // [B, *] scratch
  };
  struct Layer {
    int64_t input_size = 0;
    std::vector<Slice> slices;
    std::vector<float> h[2];  // [B, H_out]: h[current_] is the state, the other the next one
    std::vector<float> c;     // [B, H]
  };
  void slice_step(Layer& layer, Slice& s, const float* x);
  void step_on_team(const float* x_t);
  void step_alone(const float* x_t);  // every slice on the calling thread, in turn

  CellType type_;
  const detail::CellKind* kind_;  // what the cell computes
  kernels::WeightPrecision precision_;
  int64_t hidden_ = 0, out_ = 0, proj_ = 0, batch_ = 0;
  int current_ = 0;
  std::vector<Layer> layers_;
  std::unique_ptr<kernels::StepTeam> team_;      // null with one slice per layer
  std::unique_ptr<kernels::TeamChoice> choice_;  // null: always the team (when there is one)
};

}  // namespace recur::nn
