#include "recurrent_schedule.h"

#include "recur/kernels/gemm.h"

namespace recur::nn::detail {

namespace {

using kernels::Trans;

// Smallest batch slice worth a thread of its own.
constexpr int64_t kMinPartRows = 4;

// y [bs, N] = beta * y + v [bs, K] op(W), v's rows ldv apart: by the per-step kernel when
// `packed` holds op(W), else by the BLAS on W (w [N, K] forward, op = transpose; w [K, N]
// backward).
void step_product(Trans op, int64_t bs, int64_t K, int64_t N, const float* v, int64_t ldv,
                  const float* w, const kernels::PackedRows* packed, float beta, float* y) {
  if (packed != nullptr) {
    if (beta == 0.0f) std::fill(y, y + bs * N, 0.0f);
    kernels::step_matmul_acc(bs, v, ldv, *packed, y, N);
  } else {
    kernels::gemm(Trans::No, op, bs, N, K, 1.0f, v, ldv, w, op == Trans::Yes ? K : N, beta, y, N);
  }
}

}  // namespace

bool use_packed_steps(const CellSpec& cell, int64_t batch, int64_t directions) {
  const bool spare_threads = kernels::num_threads() / directions > 1;
  const bool sliceable = batch >= 2 * kMinPartRows;
  return !spare_threads || sliceable || batch * cell.gates() * cell.out() < kBlasStepMacs;
}

// Layers on the packed per-step kernel get one slice per spare thread: rows are independent
// sequences, so each slice runs its whole time loop with no synchronisation per step, reading
// the same packed weights. A layer whose steps go to the BLAS keeps the batch whole and lets the
// BLAS thread each step.
int64_t batch_slices(const CellSpec& cell, int64_t batch, int64_t directions) {
  if (!use_packed_steps(cell, batch, directions)) return 1;
  const int64_t spare = kernels::num_threads() / directions;
  return std::max<int64_t>(1, std::min(spare, batch / kMinPartRows));
}

void forward_product(int64_t bs, int64_t K, int64_t N, const float* v, const float* w,
                     const kernels::PackedMatrix* packed, float beta, float* y) {
  const kernels::PackedRows rows = packed != nullptr ? packed->all() : kernels::PackedRows{};
  step_product(Trans::Yes, bs, K, N, v, K, w, packed != nullptr ? &rows : nullptr, beta, y);
}

void backward_product(int64_t bs, int64_t k0, int64_t K, int64_t N, const float* v, int64_t ldv,
                      const float* w, const kernels::PackedMatrix* packed, float beta, float* y) {
  const kernels::PackedRows rows =
      packed != nullptr ? packed->slice(k0, k0 + K) : kernels::PackedRows{};
  step_product(Trans::No, bs, K, N, v, ldv, w + k0 * N, packed != nullptr ? &rows : nullptr, beta,
               y);
}

void pack_step_weights(const CellSpec& cell, PackFor use, DirectionWeights& w,
                       PackedStepWeights& packed) {
  const int64_t G = cell.gates(), H = cell.hidden, Hout = cell.out();
  const bool forward = use == PackFor::Forward;
  packed.hh = forward ? kernels::PackedMatrix::from_transposed(G, Hout, w.w_hh)
                      : kernels::PackedMatrix::from_rows(G, Hout, w.w_hh);
  w.hh_packed = &packed.hh;
  if (cell.proj > 0) {
    packed.hr = forward ? kernels::PackedMatrix::from_transposed(Hout, H, w.w_hr)
                        : kernels::PackedMatrix::from_rows(Hout, H, w.w_hr);
    w.hr_packed = &packed.hr;
  }
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

void copy_rows(int64_t rows, int64_t width, const float* src, int64_t lds, float* dst,
               int64_t ldd) {
  for (int64_t r = 0; r < rows; ++r) std::copy(src + r * lds, src + r * lds + width, dst + r * ldd);
}

}  // namespace recur::nn::detail
