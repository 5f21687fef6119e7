// How the engine's time loops are scheduled: cut into parts (direction x batch slice) that run
// concurrently on the OpenMP pool, and the per-step recurrent products, on the packed kernel or
// the BLAS. Shared by recurrent_forward.cpp and recurrent_bptt.cpp; private to src/nn.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "recur/kernels/parallel.h"
#include "recur/kernels/step_matmul.h"
#include "recurrent_engine.h"

namespace recur::nn::detail {

// A part of a layer's time loop: one direction, batch rows [begin, end). Rows are independent
// sequences, so parts run concurrently with no synchronisation per step.
struct Part {
  int64_t direction, begin, end;
};

// Measured on the 2-core dev machine: below ~1M multiply-adds per step a threaded BLAS call
// costs more than the single-threaded packed kernel (used where the batch cannot be sliced).
constexpr int64_t kBlasStepMacs = int64_t{1} << 20;

// How many slices of the batch each direction's time loop is cut into (see the .cpp).
int64_t batch_slices(const CellSpec& cell, int64_t batch, int64_t directions);

// Runs fn(part) for every direction and batch slice; the parts run concurrently on the OpenMP
// pool. Inside the parallel region the matrix libraries (OpenMP builds) run single-threaded, so
// there is no nested oversubscription. Each row's arithmetic is the same whatever the slicing,
// so results do not depend on the thread count.
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

// Step index of the k-th step a direction processes (forward: k, reverse: T-1-k).
inline int64_t step_at(int64_t k, int64_t steps, int64_t direction) {
  return direction == 0 ? k : steps - 1 - k;
}

// dst[r, 0:width] += src[r, 0:width] (lds = 0 adds one row to every row).
inline void add_rows(int64_t rows, int64_t width, const float* src, int64_t lds, float* dst,
                     int64_t ldd) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = src + r * lds;
    float* d = dst + r * ldd;
#pragma omp simd
    for (int64_t j = 0; j < width; ++j) d[j] += s[j];
  }
}

// y [bs, N] = beta * y + v [bs, K] W^T, by the per-step kernel when `packed` holds W^T, else by
// the BLAS on w [N, K].
void forward_product(int64_t bs, int64_t K, int64_t N, const float* v, const float* w,
                     const kernels::PackedMatrix* packed, float beta, float* y);

// y [bs, N] = beta * y + v [bs, K] W[k0:k0+K, :] for a backward weight w [*, N], v's rows ldv
// apart; `packed` (or null) holds W.
void backward_product(int64_t bs, int64_t k0, int64_t K, int64_t N, const float* v, int64_t ldv,
                      const float* w, const kernels::PackedMatrix* packed, float beta, float* y);

// What a direction's time loop reads besides the parameters: W_hh, and W_hr with a projection,
// packed for the per-step kernel; forward also the folded bias and, for the per-step input
// projection, W_ih^T (GateInput in recurrent_forward.cpp).
struct PackedStepWeights {
  kernels::PackedMatrix hh, hr, ih;
  std::vector<float> bias;
};

// Which way a weight is packed: for the forward products (W^T) or the backward ones (W).
enum class PackFor { Forward, Backward };

// Packs w's recurrent weights into `packed` and points `w` at them.
void pack_step_weights(const CellSpec& cell, PackFor use, DirectionWeights& w,
                       PackedStepWeights& packed);

}  // namespace recur::nn::detail
