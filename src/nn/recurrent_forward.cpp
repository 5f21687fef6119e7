// The engine's forward: the input projection, each direction's time loop, the tape backward
// reads, and dropout between layers.
#include "recur/kernels/gemm.h"
#include "recurrent_engine.h"
#include "recurrent_schedule.h"

namespace recur::nn::detail {

namespace {

using kernels::gemm;
using kernels::Trans;

// P[r, :] = x[r, :] W_ih^T for every row: the one input-projection GEMM of a direction. The
// bias is added per step (GateInput), to rows already in cache, instead of being written into
// all of P first, which made the GEMM read P back (two passes over T*B*G*H floats).
void input_projection(const CellSpec& cell, const DirectionWeights& w, int64_t rows,
                      int64_t input_size, const float* x, float* p) {
  const int64_t G = cell.gates();
  gemm(Trans::No, Trans::Yes, rows, G, input_size, 1.0f, x, input_size, w.w_ih, input_size, 0.0f, p,
       G);
}

// Where a direction's gate pre-activations come from. Either all of P = X W_ih^T was computed
// before the time loop (one GEMM, `p` [N, G*H]) and each step adds the bias to its rows, or
// each step computes its rows x_t W_ih^T + bias with the packed kernel just before using them
// (`w_ih` set): for a small layer this beats a BLAS call and keeps P_t in cache between its product
// and the gate pass, and each batch slice projects its own rows. Per step, `p` is the tape's gate
// buffer when training keeps one, else null and each part uses a small scratch.
struct GateInput {
  float* p = nullptr;
  const float* x = nullptr;                     // layer input [N, I] (per step)
  int64_t input_size = 0;                       // I
  const kernels::PackedMatrix* w_ih = nullptr;  // W_ih^T packed (per step)
  const float* bias = nullptr;                  // [G*H] folded
  bool per_step() const { return w_ih != nullptr; }
};

// Sizes a tape for one direction of one layer: what the cell's kind says its BPTT reads.
void allocate_tape(const CellSpec& cell, const StepLayout& layout, DirectionTape& tape) {
  const CellKind& kind = *cell.kind;
  const int64_t rows = layout.rows, H = cell.hidden;
  tape.h_prev = FloatBuffer(rows * cell.out());
  if (kind.keeps_gates) tape.gates = FloatBuffer(rows * cell.gates());
  if (kind.tape_width(H) > 0) tape.cell = FloatBuffer(rows * kind.tape_width(H));
  if (kind.cell_state) tape.c_prev = FloatBuffer(rows * H);
  if (kind.after_step != AfterStep::None) tape.last = FloatBuffer(layout.batch * H);
  if (cell.proj > 0) tape.h_raw = FloatBuffer(rows * H);
}

// The time loop of one direction of one layer, as its parts see it.
struct ForwardLoop {
  CellSpec cell;
  const StepLayout& layout;
  const DirectionWeights& w;
  const GateInput& in;
  int64_t directions;   // D: y is [N, D*H_out], this direction writes its H_out columns
  float* h;             // [B, H_out] the direction's whole state
  float* c;             // [B, H] its cell state, or null
  float* y;             // [N, D*H_out] the layer output
  DirectionTape* tape;  // null in inference
  const float* h_mask;  // [B, H_out] variational mask on h_{t-1}, or null
};

// The time loop of one part (direction, batch rows) of one layer.
void direction_forward(const ForwardLoop& loop, const Part& part) {
  const CellSpec& cell = loop.cell;
  const StepLayout& layout = loop.layout;
  const GateInput& in = loop.in;
  DirectionTape* tape = loop.tape;
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out(), D = loop.directions;
  const int64_t T = layout.steps(), lo = part.begin, width = part.end - lo;
  FloatBuffer p_scratch(in.p == nullptr ? width * G : 0);
  FloatBuffer gh_scratch(cell.separate() > 0 ? width * G : 0);
  FloatBuffer raw_scratch(cell.proj > 0 && tape == nullptr ? width * H : 0);
  FloatBuffer masked_h(loop.h_mask != nullptr ? width * Hout : 0);
  float* h = loop.h + lo * Hout;
  float* c = loop.c != nullptr ? loop.c + lo * H : nullptr;
  for (int64_t k = 0; k < T; ++k) {
    const int64_t t = step_at(k, T, part.direction);
    const int64_t rows = std::min(part.end, layout.batch_sizes[t]) - lo;
    if (rows <= 0) continue;  // every sequence of this slice has ended (packed batches)
    const int64_t row = layout.offsets[t] + lo;  // first row of this slice at step t
    StepBuffers b{.gates = in.p != nullptr ? in.p + row * G : p_scratch.data(),
                  .gh = gh_scratch.data(),
                  .h = h,
                  .c = c,
                  .h_raw = raw_scratch.data()};
    if (loop.h_mask != nullptr) {
      const float* mask = loop.h_mask + lo * Hout;
      for (int64_t i = 0; i < rows * Hout; ++i) masked_h[i] = h[i] * mask[i];
      b.h_in = masked_h.data();
    }
    if (tape != nullptr) {
      std::copy(h, h + rows * Hout, tape->h_prev.data() + row * Hout);
      if (!tape->cell.empty()) b.save_tape = tape->cell.data() + row * cell.kind->tape_width(H);
      if (!tape->h_raw.empty()) b.h_raw = tape->h_raw.data() + row * H;
      if (!tape->c_prev.empty()) b.save_c_prev = tape->c_prev.data() + row * H;
    }
    if (in.per_step()) {
      copy_rows(rows, G, in.bias, 0, b.gates, G);
      kernels::step_matmul_acc(rows, in.x + row * in.input_size, in.input_size, in.w_ih->all(),
                               b.gates, G);
    } else {
      add_rows(rows, G, in.bias, 0, b.gates, G);
    }
    step_forward(cell, loop.w, rows, b);
    copy_rows(rows, Hout, h, Hout, loop.y + row * D * Hout + part.direction * Hout, D * Hout);
  }
  if (tape != nullptr && !tape->last.empty()) {
    const float* last = cell.kind->after_step == AfterStep::C ? c : h;
    std::copy(last, last + width * H, tape->last.data() + lo * H);
  }
}

// Inverted dropout between layers: draws the mask into `mask` and scales `v` by it.
void apply_dropout(float p, Generator& gen, FloatBuffer& v, FloatBuffer& mask) {
  const float scale = 1.0f / (1.0f - p);
  mask = FloatBuffer(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    mask[i] = gen.bernoulli(p) ? 0.0f : scale;
    v[i] *= mask[i];
  }
}

}  // namespace

std::vector<float> folded_bias(const CellSpec& cell, const DirectionWeights& w) {
  const int64_t G = cell.gates(), summed = cell.summed();
  std::vector<float> bias(G, 0.0f);
  if (w.b_ih == nullptr || cell.kind->own_biases) return bias;
  for (int64_t j = 0; j < G; ++j) bias[j] = w.b_ih[j] + (j < summed ? w.b_hh[j] : 0.0f);
  return bias;
}

void step_forward(const CellSpec& cell, const DirectionWeights& w, int64_t rows,
                  const StepBuffers& b) {
  const bool separate = cell.separate() > 0;
  forward_product(rows, cell.out(), cell.gates(), b.h_in != nullptr ? b.h_in : b.h, w.w_hh,
                  w.hh_packed, separate ? 0.0f : 1.0f, separate ? b.gh : b.gates);
  step_gates(cell, w, rows, b);
}

void step_gates(const CellSpec& cell, const DirectionWeights& w, int64_t rows,
                const StepBuffers& b) {
  const bool projected = cell.proj > 0;
  const bool hidden_bias = cell.separate() > 0 && w.b_hh != nullptr;
  cell.kind->forward(GateStep{.rows = rows,
                              .hidden = cell.hidden,
                              .gates = b.gates,
                              .gh = b.gh,
                              .hidden_bias = hidden_bias ? w.b_hh + cell.summed() : nullptr,
                              .input_bias = cell.kind->own_biases ? w.b_ih : nullptr,
                              .params = w.cell.data(),
                              .h = projected ? b.h_raw : b.h,
                              .c = b.c,
                              .save_c_prev = b.save_c_prev,
                              .save_tape = b.save_tape});
  if (projected)
    forward_product(rows, cell.hidden, cell.out(), b.h_raw, w.w_hr, w.hr_packed, 0.0f, b.h);
}

void scale_by_sequence(const StepLayout& layout, int64_t width, const float* mask, const float* src,
                       float* dst) {
  for (int64_t t = 0; t < layout.steps(); ++t) {
    for (int64_t i = 0; i < layout.batch_sizes[t]; ++i) {
      const int64_t r = layout.offsets[t] + i;
      for (int64_t j = 0; j < width; ++j)
        dst[r * width + j] = src[r * width + j] * mask[i * width + j];
    }
  }
}

void stack_forward(const StackSpec& spec, const StepLayout& layout, const float* x,
                   const std::vector<DirectionWeights>& weights, float* h, float* c, float* y,
                   bool training, Generator& gen, VariationalMaskRows masks, StackTape* tape) {
  const CellSpec& cell = spec.cell;
  const int64_t D = spec.directions, L = spec.layers, N = layout.rows, B = layout.batch;
  const int64_t G = cell.gates(), Hout = cell.out();
  if (tape != nullptr) {
    tape->layer_inputs = std::vector<FloatBuffer>(L);
    tape->masks = std::vector<FloatBuffer>(L);
    tape->dirs = std::vector<DirectionTape>(L * D);
  }
  FloatBuffer next_input;                   // input of layer l + 1 (inference)
  FloatBuffer masked_x;                     // x times the first layer's input mask (inference)
  FloatBuffer layer_out;                    // output of a layer below the top
  std::vector<FloatBuffer> projections(D);  // inference gate buffers
  const float* input = x;
  for (int64_t l = 0; l < L; ++l) {
    const int64_t I = spec.layer_input_size(l);
    const bool top = l == L - 1;
    if (!masks.input.empty() && l == 0) {
      FloatBuffer& dest = tape != nullptr ? tape->layer_inputs[0] : masked_x;
      dest = FloatBuffer(N * I);
      scale_by_sequence(layout, I, masks.input[0].data(), x, dest.data());
      input = dest.data();
    }
    if (!top) layer_out = FloatBuffer(N * D * Hout);
    float* out = top ? y : layer_out.data();
    std::vector<DirectionWeights> w(weights.begin() + l * D, weights.begin() + (l + 1) * D);
    const bool packed_steps = use_packed_steps(cell, B, D);
    // Measured: per step pays off for small projections (S1: 4-5%); above ~2^20 multiply-adds
    // per step the one GEMM over all steps is faster (10-15% on S3).
    const bool project_per_step = packed_steps && B * G * I < kBlasStepMacs;
    std::vector<PackedStepWeights> packed(D);
    std::vector<GateInput> in(D);
    for (int64_t d = 0; d < D; ++d) {
      DirectionTape* dt = tape != nullptr ? &tape->dirs[l * D + d] : nullptr;
      if (dt != nullptr) allocate_tape(cell, layout, *dt);
      if (dt != nullptr && !dt->gates.empty()) in[d].p = dt->gates.data();
      if (packed_steps) pack_step_weights(cell, PackFor::Forward, w[d], packed[d]);
      packed[d].bias = folded_bias(cell, w[d]);
      in[d].bias = packed[d].bias.data();
      if (project_per_step) {
        packed[d].ih = kernels::PackedMatrix::from_transposed(G, I, w[d].w_ih);
        in[d] = GateInput{in[d].p, input, I, &packed[d].ih, in[d].bias};
        continue;
      }
      if (in[d].p == nullptr) {  // inference, or a cell whose tape keeps no gates
        projections[d] = FloatBuffer(N * G);
        in[d].p = projections[d].data();
      }
      input_projection(cell, w[d], N, I, input, in[d].p);
    }
    for_each_part(D, batch_slices(cell, B, D), B, [&](const Part& part) {
      const int64_t s = l * D + part.direction;
      direction_forward(
          ForwardLoop{.cell = cell,
                      .layout = layout,
                      .w = w[part.direction],
                      .in = in[part.direction],
                      .directions = D,
                      .h = h + s * B * Hout,
                      .c = cell.has_c() ? c + s * B * cell.hidden : nullptr,
                      .y = out,
                      .tape = tape != nullptr ? &tape->dirs[s] : nullptr,
                      .h_mask = masks.recurrent.empty() ? nullptr : masks.recurrent[s].data()},
          part);
    });
    if (top) break;
    FloatBuffer& dest = tape != nullptr ? tape->layer_inputs[l + 1] : next_input;
    dest = std::move(layer_out);
    if (training && spec.dropout > 0.0f) {
      FloatBuffer scratch_mask;
      apply_dropout(spec.dropout, gen, dest, tape != nullptr ? tape->masks[l + 1] : scratch_mask);
    }
    if (!masks.input.empty()) {
      scale_by_sequence(layout, D * Hout, masks.input[l + 1].data(), dest.data(), dest.data());
    }
    input = dest.data();
  }
  if (tape != nullptr) tape->variational = std::move(masks);
}

}  // namespace recur::nn::detail
