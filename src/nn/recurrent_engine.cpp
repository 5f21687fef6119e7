#include "recurrent_engine.h"

#include <algorithm>

#include "recur/kernels/activations.h"
#include "recur/kernels/gemm.h"
#include "recur/kernels/parallel.h"
#include "recur/kernels/rnn_gates.h"
#include "recur/kernels/step_matmul.h"

namespace recur::nn::detail {

namespace {

using kernels::gemm;
using kernels::Trans;

// A part of a layer's time loop: one direction, batch rows [begin, end). Rows are independent
// sequences, so parts run concurrently with no synchronisation per step.
struct Part {
  int64_t direction, begin, end;
};

// Smallest batch slice worth a thread of its own.
constexpr int64_t kMinPartRows = 4;

// How many slices of the batch each direction's time loop is cut into. Layers on the packed
// per-step kernel get one per spare thread: rows are independent sequences, so each slice runs
// its whole time loop with no synchronisation per step, reading the same packed weights. A
// layer whose steps go to the BLAS keeps the batch whole and lets the BLAS thread each step.
int64_t batch_slices(const CellSpec& cell, int64_t batch, int64_t directions) {
  if (!use_packed_steps(cell, batch, directions)) return 1;
  const int64_t spare = kernels::num_threads() / directions;
  return std::max<int64_t>(1, std::min(spare, batch / kMinPartRows));
}

// Runs fn(part) for every direction and batch slice; the parts run concurrently on the OpenMP
// pool. Inside the parallel region OpenBLAS (OpenMP build) runs single-threaded, so there is
// no nested oversubscription. Each row's arithmetic is the same whatever the slicing, so results
// do not depend on the thread count.
template <class Fn>
void for_each_part(int64_t directions, int64_t slices, int64_t batch, const Fn& fn) {
  const int64_t parts = directions * slices;
  auto run = [&](int64_t k) {
    const int64_t i = k % slices;
    fn(Part{k / slices, batch * i / slices, batch * (i + 1) / slices});
  };
  if (parts == 1 || kernels::num_threads() < 2) {
    for (int64_t k = 0; k < parts; ++k) run(k);
    return;
  }
  const int threads = static_cast<int>(std::min<int64_t>(parts, kernels::num_threads()));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t k = 0; k < parts; ++k) run(k);
}

// Measured on the 2-core dev machine: below ~1M multiply-adds per step a threaded BLAS call
// costs more than the single-threaded packed kernel (used where the batch cannot be sliced).
constexpr int64_t kBlasStepMacs = int64_t{1} << 20;

// y [bs, N] = beta * y + v [bs, K] op(W), v's rows ldv apart: by the per-step kernel when
// `packed` holds op(W), else by the BLAS on W (w [N, K] forward, op = transpose; w [K, N]
// backward).
void step_product(Trans op, int64_t bs, int64_t K, int64_t N, const float* v, int64_t ldv,
                  const float* w, const kernels::PackedRows* packed, float beta, float* y) {
  if (packed != nullptr) {
    if (beta == 0.0f) std::fill(y, y + bs * N, 0.0f);
    kernels::step_matmul_acc(bs, v, ldv, *packed, y, N);
  } else {
    gemm(Trans::No, op, bs, N, K, 1.0f, v, ldv, w, op == Trans::Yes ? K : N, beta, y, N);
  }
}

void forward_product(int64_t bs, int64_t K, int64_t N, const float* v, const float* w,
                     const kernels::PackedMatrix* packed, float beta, float* y) {
  const kernels::PackedRows rows = packed != nullptr ? packed->all() : kernels::PackedRows{};
  step_product(Trans::Yes, bs, K, N, v, K, w, packed != nullptr ? &rows : nullptr, beta, y);
}

// As forward_product for rows [k0, k0 + K) of a backward weight w [*, N].
void backward_product(int64_t bs, int64_t k0, int64_t K, int64_t N, const float* v, int64_t ldv,
                      const float* w, const kernels::PackedMatrix* packed, float beta, float* y) {
  const kernels::PackedRows rows =
      packed != nullptr ? packed->slice(k0, k0 + K) : kernels::PackedRows{};
  step_product(Trans::No, bs, K, N, v, ldv, w + k0 * N, packed != nullptr ? &rows : nullptr, beta,
               y);
}

// What a direction's time loop reads besides the parameters: W_hh, and W_hr with a projection,
// packed for the per-step kernel; forward also the folded bias and, for the per-step input
// projection, W_ih^T (GateInput).
struct PackedStepWeights {
  kernels::PackedMatrix hh, hr, ih;
  std::vector<float> bias;
};

// Packs w's recurrent weights for the forward (op(W) = W^T) or the backward (op(W) = W)
// products, and points `w` at them.
void pack_step_weights(const CellSpec& cell, bool forward, DirectionWeights& w,
                       PackedStepWeights& packed) {
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out();
  packed.hh = forward ? kernels::PackedMatrix::from_transposed(G, Hout, w.w_hh)
                      : kernels::PackedMatrix::from_rows(G, Hout, w.w_hh);
  w.hh_packed = &packed.hh;
  if (cell.proj > 0) {
    packed.hr = forward ? kernels::PackedMatrix::from_transposed(Hout, H, w.w_hr)
                        : kernels::PackedMatrix::from_rows(Hout, H, w.w_hr);
    w.hr_packed = &packed.hr;
  }
}

// Step index of the k-th step a direction processes (forward: k, reverse: T-1-k).
int64_t step_at(int64_t k, int64_t steps, int64_t direction) {
  return direction == 0 ? k : steps - 1 - k;
}

void add_rows(int64_t rows, int64_t width, const float* src, int64_t lds, float* dst, int64_t ldd) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = src + r * lds;
    float* d = dst + r * ldd;
#pragma omp simd
    for (int64_t j = 0; j < width; ++j) d[j] += s[j];
  }
}

// out[j] = sum over rows of m[r, j].
void column_sums(int64_t rows, int64_t width, const float* m, int64_t ld, float* out) {
  std::fill(out, out + width, 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = m + r * ld;
#pragma omp simd
    for (int64_t j = 0; j < width; ++j) out[j] += row[j];
  }
}

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

// Sizes a tape for one direction of one layer.
void allocate_tape(const CellSpec& cell, const StepLayout& layout, DirectionTape& tape) {
  const int64_t rows = layout.rows, batch = layout.batch;
  const int64_t H = cell.hidden;
  if (cell.type == CellType::RnnTanh || cell.type == CellType::RnnRelu) {
    tape.h_last = FloatBuffer(batch * H);  // backward rebuilds h_t (the gates) from h_prev
  } else {
    tape.gates = FloatBuffer(rows * cell.gates());
  }
  tape.h_prev = FloatBuffer(rows * cell.out());
  if (cell.type == CellType::Gru) tape.hn = FloatBuffer(rows * cell.hidden);
  if (cell.lstm()) {
    tape.c_prev = FloatBuffer(rows * H);
    tape.c_last = FloatBuffer(batch * H);
    if (cell.proj > 0) tape.h_raw = FloatBuffer(rows * H);
  }
}

// The time loop of one part (direction, batch rows) of one layer. p [N, G*H] holds the input
// projection; h, c are the direction's whole state; y is the layer output [N, D*H_out], of which
// this direction writes columns [d*H_out, (d+1)*H_out).
void direction_forward(const CellSpec& cell, const StepLayout& layout, const DirectionWeights& w,
                       const Part& part, int64_t directions, const GateInput& in, float* h,
                       float* c, float* y, DirectionTape* tape) {
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out();
  const int64_t T = layout.steps(), lo = part.begin;
  FloatBuffer p_scratch(in.p == nullptr ? (part.end - lo) * G : 0);
  FloatBuffer gh_scratch(cell.type == CellType::Gru ? (part.end - lo) * G : 0);
  FloatBuffer raw_scratch(cell.proj > 0 && tape == nullptr ? (part.end - lo) * H : 0);
  h += lo * Hout;
  if (c != nullptr) c += lo * H;
  for (int64_t k = 0; k < T; ++k) {
    const int64_t t = step_at(k, T, part.direction);
    const int64_t rows = std::min(part.end, layout.batch_sizes[t]) - lo;
    if (rows <= 0) continue;  // every sequence of this slice has ended (packed batches)
    const int64_t row = layout.offsets[t] + lo;  // first row of this slice at step t
    float* gh = gh_scratch.data();
    float* h_raw = raw_scratch.data();
    float* save_c_prev = nullptr;
    float* save_hn = nullptr;
    if (tape != nullptr) {
      std::copy(h, h + rows * Hout, tape->h_prev.data() + row * Hout);
      if (!tape->hn.empty()) save_hn = tape->hn.data() + row * H;
      if (!tape->h_raw.empty()) h_raw = tape->h_raw.data() + row * H;
      if (cell.lstm()) save_c_prev = tape->c_prev.data() + row * H;
    }
    float* gates = in.p != nullptr ? in.p + row * G : p_scratch.data();
    if (in.per_step()) {
      copy_rows(rows, G, in.bias, 0, gates, G);
      kernels::step_matmul_acc(rows, in.x + row * in.input_size, in.input_size, in.w_ih->all(),
                               gates, G);
    } else {
      add_rows(rows, G, in.bias, 0, gates, G);
    }
    step_forward(cell, w, rows, gates, gh, h, c, h_raw, save_c_prev, save_hn);
    copy_rows(rows, Hout, h, Hout, y + row * directions * Hout + part.direction * Hout,
              directions * Hout);
  }
  if (tape != nullptr && !tape->c_last.empty()) {
    std::copy(c, c + (part.end - lo) * H, tape->c_last.data() + lo * H);
  }
  if (tape != nullptr && !tape->h_last.empty()) {
    std::copy(h, h + (part.end - lo) * H, tape->h_last.data() + lo * H);
  }
}

// Backward needs some values after step t that the tape does not keep, because the value
// before the next step already holds them: LSTM's tanh(c_t) and the vanilla RNN's h_t (each
// as much memory as the state itself). This rebuilds them for the part's rows of step t (the
// k-th step the direction processed): `before` is the tape's [N, width] copy of the value
// entering each step, `last` its [B, width] value after a sequence's last step. A row that
// continues into the next processed step finds its value there, a sequence that ended at t in
// `last`.
void rebuild_after_step(const StepLayout& layout, const FloatBuffer& before,
                        const FloatBuffer& last, int64_t width, const Part& part, int64_t k,
                        int64_t rows, float* out) {
  const int64_t T = layout.steps(), lo = part.begin;
  int64_t continuing = 0;
  if (k + 1 < T) {
    const int64_t next = step_at(k + 1, T, part.direction);
    continuing = std::clamp<int64_t>(std::min(part.end, layout.batch_sizes[next]) - lo, 0, rows);
    const float* from = before.data() + (layout.offsets[next] + lo) * width;
    std::copy(from, from + continuing * width, out);
  }
  const float* from_last = last.data() + (lo + continuing) * width;
  std::copy(from_last, from_last + (rows - continuing) * width, out + continuing * width);
}

// Scratch gradients of one direction during backward, shared by its batch slices.
struct DirectionGradScratch {
  FloatBuffer dg;     // [N, G*H] input-side pre-activation gradients
  FloatBuffer dgh_n;  // GRU: [N, H] hidden-side gradient of the n gate (r and z: as in dg)
  FloatBuffer dh;     // projection: [N, P] gradient of h (the projection's output)
  DirectionGradScratch(const CellSpec& cell, int64_t rows)
      : dg(rows * cell.gates()),
        dgh_n(cell.type == CellType::Gru ? rows * cell.hidden : 0),
        dh(cell.proj > 0 ? rows * cell.out() : 0) {}
};

// BPTT through one part (direction, batch rows); dh, dc are the direction's whole state
// gradients.
void direction_backward(const CellSpec& cell, const StepLayout& layout, const DirectionWeights& w,
                        const DirectionTape& tape, const Part& part, int64_t directions,
                        const float* dy, float* dh, float* dc, DirectionGradScratch& s) {
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out();
  const int64_t T = layout.steps(), lo = part.begin;
  FloatBuffer dr(cell.proj > 0 ? (part.end - lo) * H : 0);
  // tanh(c_t) (LSTM) or h_t (RNN), rebuilt per step; GRU's tape keeps what it needs.
  FloatBuffer after(cell.type == CellType::Gru ? 0 : (part.end - lo) * H);
  dh += lo * Hout;
  if (dc != nullptr) dc += lo * H;
  for (int64_t k = T - 1; k >= 0; --k) {
    const int64_t t = step_at(k, T, part.direction);
    const int64_t rows = std::min(part.end, layout.batch_sizes[t]) - lo;
    if (rows <= 0) continue;
    const int64_t row = layout.offsets[t] + lo;
    add_rows(rows, Hout, dy + row * directions * Hout + part.direction * Hout, directions * Hout,
             dh, Hout);
    const float* dh_raw = dh;
    if (cell.proj > 0) {
      std::copy(dh, dh + rows * Hout, s.dh.data() + row * Hout);
      backward_product(rows, 0, Hout, H, dh, Hout, w.w_hr, w.hr_packed, 0.0f, dr.data());
      dh_raw = dr.data();
    }
    float* dg = s.dg.data() + row * G;
    const float* gates = tape.gates.empty() ? nullptr : tape.gates.data() + row * G;
    switch (cell.type) {
      case CellType::Lstm:
        rebuild_after_step(layout, tape.c_prev, tape.c_last, H, part, k, rows, after.data());
        kernels::tanh(after.data(), after.data(), rows * H);
        kernels::lstm_backward(rows, H, gates, tape.c_prev.data() + row * H, after.data(), dh_raw,
                               dc, dg);
        backward_product(rows, 0, G, Hout, dg, G, w.w_hh, w.hh_packed, 0.0f, dh);
        break;
      case CellType::Gru: {
        float* dgh_n = s.dgh_n.data() + row * H;
        kernels::gru_backward(rows, H, gates, tape.hn.data() + row * H,
                              tape.h_prev.data() + row * H, dh, dg, dgh_n);
        // dh += [dg_r, dg_z, dgh_n] W_hh, as the r/z rows and the n rows of W_hh.
        backward_product(rows, 0, 2 * H, H, dg, G, w.w_hh, w.hh_packed, 1.0f, dh);
        backward_product(rows, 2 * H, H, H, dgh_n, H, w.w_hh, w.hh_packed, 1.0f, dh);
        break;
      }
      case CellType::RnnTanh:
      case CellType::RnnRelu:
        rebuild_after_step(layout, tape.h_prev, tape.h_last, H, part, k, rows, after.data());
        kernels::rnn_backward(rows, H, cell.type == CellType::RnnRelu, after.data(), dh, dg);
        backward_product(rows, 0, G, H, dg, G, w.w_hh, w.hh_packed, 0.0f, dh);
        break;
    }
  }
}

// Parameter gradients of one direction: each weight gradient is ONE GEMM over all steps.
void direction_param_grads(const CellSpec& cell, const StepLayout& layout, int64_t input_size,
                           const float* x, const DirectionTape& tape, const DirectionGradScratch& s,
                           const DirectionGrads& g) {
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out(), N = layout.rows;
  if (g.w_ih != nullptr) {
    gemm(Trans::Yes, Trans::No, G, input_size, N, 1.0f, s.dg.data(), G, x, input_size, 0.0f, g.w_ih,
         input_size);
  }
  if (g.b_ih != nullptr) column_sums(N, G, s.dg.data(), G, g.b_ih);
  // The hidden-side gradient equals dg except in GRU's n gate, which has its own [N, H] part.
  const int64_t shared = cell.type == CellType::Gru ? 2 * H : G;
  if (g.w_hh != nullptr) {
    gemm(Trans::Yes, Trans::No, shared, Hout, N, 1.0f, s.dg.data(), G, tape.h_prev.data(), Hout,
         0.0f, g.w_hh, Hout);
  }
  if (g.b_hh != nullptr) column_sums(N, shared, s.dg.data(), G, g.b_hh);
  if (cell.type == CellType::Gru) {
    if (g.w_hh != nullptr) {
      gemm(Trans::Yes, Trans::No, H, Hout, N, 1.0f, s.dgh_n.data(), H, tape.h_prev.data(), Hout,
           0.0f, g.w_hh + shared * Hout, Hout);
    }
    if (g.b_hh != nullptr) column_sums(N, H, s.dgh_n.data(), H, g.b_hh + shared);
  }
  if (g.w_hr != nullptr) {
    gemm(Trans::Yes, Trans::No, Hout, H, N, 1.0f, s.dh.data(), Hout, tape.h_raw.data(), H, 0.0f,
         g.w_hr, H);
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

bool use_packed_steps(const CellSpec& cell, int64_t batch, int64_t directions) {
  const bool spare_threads = kernels::num_threads() / directions > 1;
  const bool sliceable = batch >= 2 * kMinPartRows;
  return !spare_threads || sliceable || batch * cell.gates() * cell.out() < kBlasStepMacs;
}

StepLayout StepLayout::dense(int64_t steps, int64_t batch) {
  return packed(std::vector<int64_t>(steps, batch));
}

StepLayout StepLayout::packed(const std::vector<int64_t>& batch_sizes) {
  StepLayout layout;
  layout.batch_sizes = batch_sizes;
  layout.offsets.resize(batch_sizes.size());
  for (size_t t = 0; t < batch_sizes.size(); ++t) {
    layout.offsets[t] = layout.rows;
    layout.rows += batch_sizes[t];
  }
  layout.batch = batch_sizes.empty() ? 0 : batch_sizes[0];
  return layout;
}

std::vector<float> folded_bias(const CellSpec& cell, const DirectionWeights& w) {
  const int64_t G = cell.gates();
  std::vector<float> bias(G, 0.0f);
  if (w.b_ih == nullptr) return bias;
  // GRU keeps b_hn out: it is multiplied by r together with W_hn h.
  const int64_t hh_part = cell.type == CellType::Gru ? 2 * cell.hidden : G;
  for (int64_t j = 0; j < G; ++j) bias[j] = w.b_ih[j] + (j < hh_part ? w.b_hh[j] : 0.0f);
  return bias;
}

void copy_rows(int64_t rows, int64_t width, const float* src, int64_t lds, float* dst,
               int64_t ldd) {
  for (int64_t r = 0; r < rows; ++r) std::copy(src + r * lds, src + r * lds + width, dst + r * ldd);
}

void step_forward(const CellSpec& cell, const DirectionWeights& w, int64_t bs, float* gates,
                  float* gh, float* h, float* c, float* h_raw, float* save_c_prev, float* save_hn) {
  const bool gru = cell.type == CellType::Gru;
  forward_product(bs, cell.out(), cell.gates(), h, w.w_hh, w.hh_packed, gru ? 0.0f : 1.0f,
                  gru ? gh : gates);
  step_gates(cell, w, bs, gates, gh, h, c, h_raw, save_c_prev, save_hn);
}

void step_gates(const CellSpec& cell, const DirectionWeights& w, int64_t bs, float* gates,
                const float* gh, float* h, float* c, float* h_raw, float* save_c_prev,
                float* save_hn) {
  const int64_t H = cell.hidden, Hout = cell.out();
  switch (cell.type) {
    case CellType::Lstm:
      if (cell.proj > 0) {
        kernels::lstm_forward(bs, H, gates, c, h_raw, H, save_c_prev);
        forward_product(bs, H, Hout, h_raw, w.w_hr, w.hr_packed, 0.0f, h);
      } else {
        kernels::lstm_forward(bs, H, gates, c, h, H, save_c_prev);
      }
      break;
    case CellType::Gru:
      kernels::gru_forward(bs, H, gates, gh, w.b_hh != nullptr ? w.b_hh + 2 * H : nullptr, h,
                           save_hn);
      break;
    case CellType::RnnTanh:
    case CellType::RnnRelu:
      kernels::rnn_forward(bs, H, cell.type == CellType::RnnRelu, gates, h, H);
      break;
  }
}

void stack_forward(const StackSpec& spec, const StepLayout& layout, const float* x,
                   const std::vector<DirectionWeights>& weights, float* h, float* c, float* y,
                   bool training, Generator& gen, StackTape* tape) {
  const CellSpec& cell = spec.cell;
  const int64_t D = spec.directions, L = spec.layers, N = layout.rows, B = layout.batch;
  const int64_t G = cell.gates(), Hout = cell.out();
  if (tape != nullptr) {
    tape->layer_inputs = std::vector<FloatBuffer>(L);
    tape->masks = std::vector<FloatBuffer>(L);
    tape->dirs = std::vector<DirectionTape>(L * D);
  }
  FloatBuffer next_input;                   // input of layer l + 1 (inference)
  FloatBuffer layer_out;                    // output of a layer below the top
  std::vector<FloatBuffer> projections(D);  // inference gate buffers
  const float* input = x;
  for (int64_t l = 0; l < L; ++l) {
    const int64_t I = spec.layer_input_size(l);
    const bool top = l == L - 1;
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
      if (packed_steps) pack_step_weights(cell, true, w[d], packed[d]);
      packed[d].bias = folded_bias(cell, w[d]);
      in[d].bias = packed[d].bias.data();
      if (project_per_step) {
        packed[d].ih = kernels::PackedMatrix::from_transposed(G, I, w[d].w_ih);
        in[d] = GateInput{in[d].p, input, I, &packed[d].ih, in[d].bias};
        continue;
      }
      if (in[d].p == nullptr) {  // inference, or a vanilla RNN, whose tape keeps no gates
        projections[d] = FloatBuffer(N * G);
        in[d].p = projections[d].data();
      }
      input_projection(cell, w[d], N, I, input, in[d].p);
    }
    for_each_part(D, batch_slices(cell, B, D), B, [&](const Part& part) {
      const int64_t s = l * D + part.direction;
      direction_forward(cell, layout, w[part.direction], part, D, in[part.direction],
                        h + s * B * Hout, cell.lstm() ? c + s * B * cell.hidden : nullptr, out,
                        tape != nullptr ? &tape->dirs[s] : nullptr);
    });
    if (top) break;
    FloatBuffer& dest = tape != nullptr ? tape->layer_inputs[l + 1] : next_input;
    dest = std::move(layer_out);
    if (training && spec.dropout > 0.0f) {
      FloatBuffer scratch_mask;
      apply_dropout(spec.dropout, gen, dest, tape != nullptr ? tape->masks[l + 1] : scratch_mask);
    }
    input = dest.data();
  }
}

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
    const float* input = l == 0 ? x : tape.layer_inputs[l].data();
    std::vector<DirectionWeights> w(weights.begin() + l * D, weights.begin() + (l + 1) * D);
    std::vector<PackedStepWeights> packed(D);
    if (use_packed_steps(cell, B, D)) {
      for (int64_t d = 0; d < D; ++d) pack_step_weights(cell, false, w[d], packed[d]);
    }
    for_each_part(D, slices, B, [&](const Part& part) {
      const int64_t s = l * D + part.direction;
      direction_backward(cell, layout, w[part.direction], tape.dirs[s], part, D, dy_layer,
                         dh + s * B * Hout, cell.lstm() ? dc + s * B * H : nullptr,
                         scratch[part.direction]);
    });
    for (int64_t d = 0; d < D; ++d) {
      const int64_t s = l * D + d;
      direction_param_grads(cell, layout, I, input, tape.dirs[s], scratch[d], grads[s]);
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
