// The recurrent engine behind RecurrentLayer, RecurrentStream and the cells: forward and BPTT
// backward of a stack of layers over raw float buffers, in time-major, length-sorted order.
// Private to src/nn (the public face is recur/nn/recurrent_layer.h). The engine knows no cell
// type: what a cell computes and keeps is its CellKind (cells/cell.h).
//
// A batch is described by its steps: step t covers rows [offsets[t], offsets[t] + batch_sizes[t])
// of every [N, *] buffer, and touches state rows [0, batch_sizes[t]). A dense [T, B] batch is
// the special case batch_sizes == {B, ..., B}. Because the sequences are sorted longest first,
// one state buffer per direction serves every sequence: a forward direction simply stops
// updating the rows of finished sequences (their h_n stays there), and a reverse direction,
// walking t downwards, finds the h0 of a sequence still in its row when that sequence starts.
//
// Files: recurrent_schedule.{h,cpp} (how the time loops are cut into parts and threads, the
// per-step products), recurrent_forward.cpp (forward and the tape), recurrent_bptt.cpp (BPTT).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cells/cell.h"
#include "recur/kernels/step_matmul.h"
#include "recur/tensor/buffer.h"
#include "recur/tensor/random.h"

namespace recur::nn::detail {

// One layer's cell: its kind and sizes.
struct CellSpec {
  const CellKind* kind = nullptr;
  int64_t hidden = 0;  // H
  int64_t proj = 0;    // projection size, 0 when none
  static CellSpec of(CellType type, int64_t hidden, int64_t proj = 0) {
    return {&cell_kind(type), hidden, proj};
  }
  int64_t gates() const { return kind->gates * hidden; }          // G*H
  int64_t out() const { return proj > 0 ? proj : hidden; }        // size of h
  int64_t summed() const { return kind->summed_gates * hidden; }  // see CellKind::summed_gates
  int64_t separate() const { return gates() - summed(); }         // GRU's n block: H, else 0
  bool has_c() const { return kind->cell_state; }
};

struct StepLayout {
  std::vector<int64_t> batch_sizes;  // per step, non-increasing
  std::vector<int64_t> offsets;      // first row of each step
  int64_t rows = 0;                  // N = sum(batch_sizes)
  int64_t batch = 0;                 // batch_sizes[0]
  int64_t steps() const { return static_cast<int64_t>(batch_sizes.size()); }
  static StepLayout dense(int64_t steps, int64_t batch);
  static StepLayout packed(const std::vector<int64_t>& batch_sizes);
};

// Raw views of one direction's parameters (null where absent).
struct DirectionWeights {
  const float* w_ih = nullptr;                      // [G*H, I]
  const float* w_hh = nullptr;                      // [G*H, H_out]
  const float* b_ih = nullptr;                      // [G*H]
  const float* b_hh = nullptr;                      // [G*H]
  const float* w_hr = nullptr;                      // [P, H]
  std::array<const float*, kMaxCellParams> cell{};  // the cell's own parameters (CellKind::params)
  // W_hh and W_hr packed for the per-step kernel when the steps use it instead of the BLAS
  // (see use_packed_steps); null otherwise. Forward packs W^T ([H_out, G*H], [H, P]), backward
  // W itself ([G*H, H_out], [P, H]).
  const kernels::PackedMatrix* hh_packed = nullptr;
  const kernels::PackedMatrix* hr_packed = nullptr;
};

// True when the per-step recurrent products run on the single-threaded packed kernel
// (kernels/step_matmul.h), which beats the BLAS on every step size measured: whenever a
// direction has one thread, or enough batch rows to give each of its threads a slice (see
// batch_slices in recurrent_schedule.cpp). Otherwise (a thread to spare but a batch too small
// to cut) the BLAS threads each step when the step is large (batch x G*H x H_out >= 2^20
// multiply-adds).
bool use_packed_steps(const CellSpec& cell, int64_t batch, int64_t directions);

// Gradients of one direction's parameters, written (not accumulated); null = not wanted.
struct DirectionGrads {
  float* w_ih = nullptr;
  float* w_hh = nullptr;
  float* b_ih = nullptr;
  float* b_hh = nullptr;
  float* w_hr = nullptr;
  std::array<float*, kMaxCellParams> cell{};
};

// What backward needs from one direction of one layer (all [N, *] in step-row order). Which
// buffers a cell has is its CellKind's to say (allocate_tape in recurrent_forward.cpp).
struct DirectionTape {
  FloatBuffer gates;   // keeps_gates: [N, G*H] gate activations
  FloatBuffer cell;    // [N, tape_width] what the cell keeps for itself (GRU: W_hn h + b_hn)
  FloatBuffer h_prev;  // [N, H_out] state entering the step
  FloatBuffer c_prev;  // cell state: [N, H]
  FloatBuffer last;    // after_step: [B, H] its value after each sequence's last step
  FloatBuffer h_raw;   // projection: [N, H] the projection's input
};

// Variational dropout masks (Gal & Ghahramani 2016) in the engine's sorted sequence order,
// already scaled by 1/(1-p): one row per sequence, the same at every step. Empty = none.
struct VariationalMaskRows {
  std::vector<FloatBuffer> input;      // [layer]: [B, I_layer], on the layer's input x_t
  std::vector<FloatBuffer> recurrent;  // [layer * D + direction]: [B, H_out], on h_{t-1} into W_hh
  bool empty() const { return input.empty() && recurrent.empty(); }
};

struct StackSpec {
  CellSpec cell;
  int64_t input_size = 0;
  int64_t layers = 1;
  int64_t directions = 1;
  float dropout = 0.0f;  // applied between layers when `training` is passed to the forward
  int64_t layer_input_size(int64_t layer) const {
    return layer == 0 ? input_size : directions * cell.out();
  }
};

struct StackTape {
  // [layer]: the input the layer's products read, when it is not x itself: dropout(previous
  // output) for layer >= 1, times the variational input mask where there is one.
  std::vector<FloatBuffer> layer_inputs;
  std::vector<FloatBuffer> masks;   // [layer] (layer >= 1) dropout scale per element
  VariationalMaskRows variational;  // the forward's masks, for backward
  std::vector<DirectionTape> dirs;  // [layer * D + direction]
};

// dst[r, 0:width] = src[r, 0:width] for r < rows, with leading dimensions (lds = 0 copies one
// row into every row).
void copy_rows(int64_t rows, int64_t width, const float* src, int64_t lds, float* dst, int64_t ldd);

// The buffers of one time step of one direction, rows [0, rows) of each.
struct StepBuffers {
  float* gates = nullptr;        // [rows, G*H] the input projection with the folded bias in,
                                 // gate activations out
  float* gh = nullptr;           // [rows, G*H] scratch for h W_hh^T (cells with separate blocks)
  float* h = nullptr;            // [rows, H_out] the state, updated in place
  float* c = nullptr;            // [rows, H] the cell state, updated in place (cells with one)
  float* h_raw = nullptr;        // [rows, H] the projection's input (scratch or tape)
  const float* h_in = nullptr;   // [rows, H_out] what h W_hh^T reads instead of h (masked), or null
  float* save_c_prev = nullptr;  // tape rows for c_{t-1}, or null
  float* save_tape = nullptr;    // the cell's own tape rows, or null
};

// One time step of one direction: the recurrent product h W_hh^T, then step_gates.
void step_forward(const CellSpec& cell, const DirectionWeights& w, int64_t rows,
                  const StepBuffers& b);

// The part of step_forward after the recurrent product h W_hh^T, which b.gates (cells whose
// blocks are all summed) or b.gh already hold: the cell's gate pass, and a projection's
// product. A streaming step that splits the units of a layer between threads computes its own
// slice of that product (from all of h) and then runs this on the slice as on a narrower cell.
void step_gates(const CellSpec& cell, const DirectionWeights& w, int64_t rows,
                const StepBuffers& b);

// Bias row added to the input projection: b_ih + b_hh over the summed blocks, b_ih alone over
// the separate ones (GRU's b_hn sits inside r * (W_hn h + b_hn)). Zeros without bias, and for
// cells that add their own biases.
std::vector<float> folded_bias(const CellSpec& cell, const DirectionWeights& w);

// Forward of the stack. x [N, I]; h [L*D, B, H_out] and c [L*D, B, H] hold h0/c0 on entry and
// h_n/c_n on return; y [N, D*H_out]. With a tape, everything backward needs is recorded there
// (the variational masks moved into it); dropout between layers is applied only when
// `training`, the variational masks whenever given.
void stack_forward(const StackSpec& spec, const StepLayout& layout, const float* x,
                   const std::vector<DirectionWeights>& weights, float* h, float* c, float* y,
                   bool training, Generator& gen, VariationalMaskRows masks, StackTape* tape);

// dst[r, :] = src[r, :] * mask[s, :] for every row r of the layout, s its sequence (the row's
// place within its step); dst may be src.
void scale_by_sequence(const StepLayout& layout, int64_t width, const float* mask, const float* src,
                       float* dst);

// Backward of the stack recorded in `tape`. dy [N, D*H_out] is the output gradient;
// dh/dc hold dh_n/dc_n on entry and dh0/dc0 on return; dx [N, I] (nullable) receives the
// input gradient.
void stack_backward(const StackSpec& spec, const StepLayout& layout, const float* x,
                    const std::vector<DirectionWeights>& weights, const StackTape& tape,
                    const float* dy, float* dh, float* dc, float* dx,
                    const std::vector<DirectionGrads>& grads);

}  // namespace recur::nn::detail
