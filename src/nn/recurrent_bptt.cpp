// The engine's backward (BPTT): each direction's reverse time loop, then every weight gradient
// as one GEMM over all steps, and the input gradient through W_ih and the dropout masks.
#include "recur/kernels/gemm.h"
#include "recurrent_engine.h"
#include "recurrent_schedule.h"

namespace recur::nn::detail {

namespace {

using kernels::gemm;
using kernels::Trans;

// out[j] = sum over rows of m[r, j].
void column_sums(int64_t rows, int64_t width, const float* m, int64_t ld, float* out) {
  std::fill(out, out + width, 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = m + r * ld;
#pragma omp simd
    for (int64_t j = 0; j < width; ++j) out[j] += row[j];
  }
}

// Scratch gradients of one direction during backward, shared by its batch slices.
struct DirectionGradScratch {
  FloatBuffer dg;       // [N, G*H] input-side pre-activation gradients
  FloatBuffer dgh;      // [N, separate] hidden-side gradients of the separate blocks (GRU's n)
  FloatBuffer dh;       // projection: [N, P] gradient of h (the projection's output)
  FloatBuffer dparams;  // [N, grad_width] rows the cell's param_grads sums
  DirectionGradScratch(const CellSpec& cell, int64_t rows)
      : dg(rows * cell.gates()),
        dgh(rows * cell.separate()),
        dh(cell.proj > 0 ? rows * cell.out() : 0),
        dparams(rows * cell.kind->grad_per_unit * cell.hidden) {}
};

// The reverse time loop of one direction of one layer, as its parts see it.
struct BackwardLoop {
  CellSpec cell;
  const StepLayout& layout;
  const DirectionWeights& w;  // W_hh, W_hr packed for the backward products where used
  const DirectionTape& tape;
  int64_t directions;  // D: dy is [N, D*H_out], this direction reads its H_out columns
  const float* dy;     // [N, D*H_out] gradient of the layer output
  float* dh;           // [B, H_out] the direction's whole state gradient (dh_n in, dh0 out)
  float* dc;           // [B, H] its cell state gradient, or null
  DirectionGradScratch& scratch;
  const float* h_mask;  // [B, H_out] the variational mask on h_{t-1}, or null
};

// Backward needs some values after step t that the tape does not keep, because the value
// before the next step already holds them (the cell's after_step: LSTM's c_t, the vanilla
// RNN's h_t; each as much memory as the state itself). This rebuilds them for the part's rows
// of step t (the k-th step the direction processed): a row that continues into the next
// processed step finds its value in the tape's copy of the state entering that step, a sequence
// that ended at t in the tape's `last`.
void rebuild_after_step(const BackwardLoop& loop, const Part& part, int64_t k, int64_t rows,
                        float* out) {
  const StepLayout& layout = loop.layout;
  const FloatBuffer& before =
      loop.cell.kind->after_step == AfterStep::C ? loop.tape.c_prev : loop.tape.h_prev;
  const int64_t width = loop.cell.hidden, T = layout.steps(), lo = part.begin;
  int64_t continuing = 0;
  if (k + 1 < T) {
    const int64_t next = step_at(k + 1, T, part.direction);
    continuing = std::clamp<int64_t>(std::min(part.end, layout.batch_sizes[next]) - lo, 0, rows);
    const float* from = before.data() + (layout.offsets[next] + lo) * width;
    std::copy(from, from + continuing * width, out);
  }
  const float* from_last = loop.tape.last.data() + (lo + continuing) * width;
  std::copy(from_last, from_last + (rows - continuing) * width, out + continuing * width);
}

// BPTT through one part (direction, batch rows).
void direction_backward(const BackwardLoop& loop, const Part& part) {
  const CellSpec& cell = loop.cell;
  const CellKind& kind = *cell.kind;
  const StepLayout& layout = loop.layout;
  const DirectionWeights& w = loop.w;
  const DirectionTape& tape = loop.tape;
  DirectionGradScratch& s = loop.scratch;
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out(), D = loop.directions;
  const int64_t summed = cell.summed(), separate = cell.separate();
  const int64_t T = layout.steps(), lo = part.begin;
  FloatBuffer dr(cell.proj > 0 ? (part.end - lo) * H : 0);
  FloatBuffer after(kind.after_step != AfterStep::None ? (part.end - lo) * H : 0);
  // With a mask on h_{t-1}, the products' gradient (of the masked h) goes through it first.
  FloatBuffer d_masked(loop.h_mask != nullptr ? (part.end - lo) * Hout : 0);
  float* dh = loop.dh + lo * Hout;
  float* dc = loop.dc != nullptr ? loop.dc + lo * H : nullptr;
  // The first product into dh adds to what the gate pass left there (a direct path to h_{t-1})
  // or replaces the consumed dL/dh_t.
  const float first_beta = kind.mixes_h ? 1.0f : 0.0f;
  for (int64_t k = T - 1; k >= 0; --k) {
    const int64_t t = step_at(k, T, part.direction);
    const int64_t rows = std::min(part.end, layout.batch_sizes[t]) - lo;
    if (rows <= 0) continue;
    const int64_t row = layout.offsets[t] + lo;
    add_rows(rows, Hout, loop.dy + row * D * Hout + part.direction * Hout, D * Hout, dh, Hout);
    const float* d_out = dh;
    if (cell.proj > 0) {
      std::copy(dh, dh + rows * Hout, s.dh.data() + row * Hout);
      backward_product(rows, 0, Hout, H, dh, Hout, w.w_hr, w.hr_packed, 0.0f, dr.data());
      d_out = dr.data();
    }
    if (!after.empty()) rebuild_after_step(loop, part, k, rows, after.data());
    float* dg = s.dg.data() + row * G;
    float* dgh = separate > 0 ? s.dgh.data() + row * separate : nullptr;
    kind.backward(GateGradStep{
        .rows = rows,
        .hidden = H,
        .gates = tape.gates.empty() ? nullptr : tape.gates.data() + row * G,
        .h_prev = tape.h_prev.data() + row * Hout,
        .c_prev = tape.c_prev.empty() ? nullptr : tape.c_prev.data() + row * H,
        .tape = tape.cell.empty() ? nullptr : tape.cell.data() + row * kind.tape_width(H),
        .params = w.cell.data(),
        .after = after.data(),
        .d_out = d_out,
        .dh = dh,
        .dc = dc,
        .dgates = dg,
        .dgh = dgh,
        .dparams = s.dparams.empty() ? nullptr : s.dparams.data() + row * kind.grad_per_unit * H});
    // dh_{t-1} (+)= [dG over the summed blocks, dGh over the separate ones] W_hh (* mask).
    float* d_product = loop.h_mask != nullptr ? d_masked.data() : dh;
    const float beta = loop.h_mask != nullptr ? 0.0f : first_beta;
    if (summed > 0) {
      backward_product(rows, 0, summed, Hout, dg, G, w.w_hh, w.hh_packed, beta, d_product);
    }
    if (separate > 0) {
      backward_product(rows, summed, separate, Hout, dgh, separate, w.w_hh, w.hh_packed,
                       summed > 0 ? 1.0f : beta, d_product);
    }
    if (loop.h_mask != nullptr) {
      const float* mask = loop.h_mask + lo * Hout;
      for (int64_t i = 0; i < rows * Hout; ++i) {
        dh[i] = first_beta * dh[i] + d_masked[i] * mask[i];
      }
    }
  }
}

// Parameter gradients of one direction: each weight gradient is ONE GEMM over all steps.
void direction_param_grads(const CellSpec& cell, const StepLayout& layout, int64_t input_size,
                           const float* x, const DirectionTape& tape, const DirectionGradScratch& s,
                           const float* h_mask, const DirectionGrads& g) {
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out(), N = layout.rows;
  // W_hh multiplied the masked state.
  FloatBuffer masked_h_prev;
  const float* h_prev = tape.h_prev.data();
  if (h_mask != nullptr && g.w_hh != nullptr) {
    masked_h_prev = FloatBuffer(N * Hout);
    scale_by_sequence(layout, Hout, h_mask, h_prev, masked_h_prev.data());
    h_prev = masked_h_prev.data();
  }
  if (g.w_ih != nullptr) {
    gemm(Trans::Yes, Trans::No, G, input_size, N, 1.0f, s.dg.data(), G, x, input_size, 0.0f, g.w_ih,
         input_size);
  }
  // The hidden-side gradient equals dg over the summed blocks; the separate ones have their own.
  const int64_t summed = cell.summed(), separate = cell.separate();
  if (g.w_hh != nullptr && summed > 0) {
    gemm(Trans::Yes, Trans::No, summed, Hout, N, 1.0f, s.dg.data(), G, h_prev, Hout, 0.0f, g.w_hh,
         Hout);
  }
  if (g.w_hh != nullptr && separate > 0) {
    gemm(Trans::Yes, Trans::No, separate, Hout, N, 1.0f, s.dgh.data(), separate, h_prev, Hout, 0.0f,
         g.w_hh + summed * Hout, Hout);
  }
  if (cell.kind->param_grads != nullptr) {
    cell.kind->param_grads(CellParamGrads{.rows = N,
                                          .hidden = H,
                                          .tape = tape.cell.data(),
                                          .dparams = s.dparams.data(),
                                          .b_ih = g.b_ih,
                                          .b_hh = g.b_hh,
                                          .params = &g.cell});
  } else {
    if (g.b_ih != nullptr) column_sums(N, G, s.dg.data(), G, g.b_ih);
    if (g.b_hh != nullptr) column_sums(N, summed, s.dg.data(), G, g.b_hh);
    if (g.b_hh != nullptr && separate > 0) {
      column_sums(N, separate, s.dgh.data(), separate, g.b_hh + summed);
    }
  }
  if (g.w_hr != nullptr) {
    gemm(Trans::Yes, Trans::No, Hout, H, N, 1.0f, s.dh.data(), Hout, tape.h_raw.data(), H, 0.0f,
         g.w_hr, H);
  }
}

}  // namespace

void stack_backward(const StackSpec& spec, const StepLayout& layout, const float* x,
                    const std::vector<DirectionWeights>& weights, const StackTape& tape,
                    const float* dy, float* dh, float* dc, float* dx,
                    const std::vector<DirectionGrads>& grads) {
  const CellSpec& cell = spec.cell;
  const int64_t D = spec.directions, L = spec.layers, N = layout.rows, B = layout.batch;
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out();
  FloatBuffer dy_below;  // gradient w.r.t. the input of layer l (output of l - 1)
  const float* dy_layer = dy;
  std::vector<DirectionGradScratch> scratch;  // reused by every layer: same sizes
  for (int64_t d = 0; d < D; ++d) scratch.emplace_back(cell, N);
  const int64_t slices = batch_slices(cell, B, D);
  for (int64_t l = L - 1; l >= 0; --l) {
    const int64_t I = spec.layer_input_size(l);
    const float* input = tape.layer_inputs[l].empty() ? x : tape.layer_inputs[l].data();
    const VariationalMaskRows& masks = tape.variational;
    auto h_mask = [&](int64_t s) {
      return masks.recurrent.empty() ? nullptr : masks.recurrent[s].data();
    };
    std::vector<DirectionWeights> w(weights.begin() + l * D, weights.begin() + (l + 1) * D);
    std::vector<PackedStepWeights> packed(D);
    if (use_packed_steps(cell, B, D)) {
      for (int64_t d = 0; d < D; ++d) pack_step_weights(cell, PackFor::Backward, w[d], packed[d]);
    }
    for_each_part(D, slices, B, [&](const Part& part) {
      const int64_t s = l * D + part.direction;
      direction_backward(BackwardLoop{.cell = cell,
                                      .layout = layout,
                                      .w = w[part.direction],
                                      .tape = tape.dirs[s],
                                      .directions = D,
                                      .dy = dy_layer,
                                      .dh = dh + s * B * Hout,
                                      .dc = cell.has_c() ? dc + s * B * H : nullptr,
                                      .scratch = scratch[part.direction],
                                      .h_mask = h_mask(s)},
                         part);
    });
    for (int64_t d = 0; d < D; ++d) {
      const int64_t s = l * D + d;
      direction_param_grads(cell, layout, I, input, tape.dirs[s], scratch[d], h_mask(s), grads[s]);
    }
    float* dinput = nullptr;
    FloatBuffer next_dy;
    if (l > 0) {
      next_dy = FloatBuffer(N * I);
      dinput = next_dy.data();
    } else {
      dinput = dx;
    }
    if (dinput != nullptr) {
      for (int64_t d = 0; d < D; ++d) {
        gemm(Trans::No, Trans::No, N, I, G, 1.0f, scratch[d].dg.data(), G, weights[l * D + d].w_ih,
             I, d == 0 ? 0.0f : 1.0f, dinput, I);
      }
      if (!masks.input.empty()) scale_by_sequence(layout, I, masks.input[l].data(), dinput, dinput);
    }
    if (l > 0) {
      const FloatBuffer& mask = tape.masks[l];
      if (!mask.empty()) {
        for (size_t i = 0; i < next_dy.size(); ++i) next_dy[i] *= mask[i];
      }
      dy_below = std::move(next_dy);
      dy_layer = dy_below.data();
    }
  }
}

}  // namespace recur::nn::detail
