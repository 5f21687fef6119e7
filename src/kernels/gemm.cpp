#include "recur/kernels/gemm.h"

#include <cblas.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "blas_threads.h"
#include "recur/kernels/parallel.h"
#include "recur/tensor/error.h"

// Two libraries, each where it measured fastest (docs/BLAS.md): oneDNN's sgemm for products of
// two or more rows (ahead of OpenBLAS on 11 of 16 recurrent shapes, up to 34% on the input
// projections, and in whole runs), OpenBLAS's sgemv for one row (also the BLAS under LAPACKE).
// Both are OpenMP builds, so their threads are recur's one pool. This is the only file that
// names them.
namespace recur::kernels {

namespace {

// Thread-count invariance (docs/KERNELS.md): the same product gives the same bits on any number
// of threads. Neither library promises that when it threads a call itself (OpenBLAS's threaded
// sgemm and sgemv cut K or the output by the thread count: training moved weights by 7e-9
// between 1 and 2 threads), and oneDNN's one-thread sgemm blocks K differently for different M
// (a 129 x 779 x 412 product cut at row 64 differs in the last bits from the whole). So every
// call runs on one thread, and a product is cut into slices that never depend on the thread
// count: threads take whole slices, and one thread computes them one after another. Slices are
// cut at multiples of kAlign rows of C (columns when C has too few rows).
constexpr int64_t kAlign = 64;
// A slice holds at least this many multiply-adds (OpenBLAS's own threading cut-off, 2^18), so
// that a product too small to share stays one call.
constexpr int64_t kSliceMacs = int64_t{1} << 18;

// Slices of a product: one per processor the process may run on (fixed for the process, so
// every thread count up to it gets an even share), fewer when a slice would fall below kAlign
// rows or kSliceMacs. Not more: a oneDNN call on fewer rows runs slower (12 slices of S2's input
// projection ran 7% slower than one call, 2 slices 0-2.5%; docs/BLAS.md).
int64_t gemm_slice_count(int64_t units, int64_t macs) {
  static const int64_t processors = std::max(1, omp_get_num_procs());
  return std::max<int64_t>(1, std::min({processors, units, macs / kSliceMacs}));
}

char dnnl_trans(Trans t) { return t == Trans::Yes ? 'T' : 'N'; }

blasint to_blas(int64_t v) { return static_cast<blasint>(v); }

// Makes the library calls in its scope single-threaded. Both OpenMP builds thread a call by
// omp_get_max_threads() unless the call sits inside a parallel region, where it runs serially.
class OneBlasThread {
 public:
  OneBlasThread() : saved_(omp_in_parallel() ? 1 : omp_get_max_threads()) {
    if (saved_ > 1) omp_set_num_threads(1);
  }
  ~OneBlasThread() {
    if (saved_ > 1) omp_set_num_threads(saved_);
  }
  OneBlasThread(const OneBlasThread&) = delete;
  OneBlasThread& operator=(const OneBlasThread&) = delete;

 private:
  int saved_;
};

// Runs fn(begin, end) on each slice of [0, n) (gemm_slice_count), threads taking whole slices;
// each call's library work runs on one thread.
template <class Fn>
void for_each_slice(int64_t n, int64_t macs, const Fn& fn) {
  const int64_t units = (n + kAlign - 1) / kAlign;
  const int64_t slices = gemm_slice_count(units, macs);
  parallel_for(0, slices, 1, [&](int64_t first, int64_t last) {
    OneBlasThread serial;  // a no-op inside parallel_for's region
    for (int64_t s = first; s < last; ++s) {
      fn(std::min(n, units * s / slices * kAlign), std::min(n, units * (s + 1) / slices * kAlign));
    }
  });
}

// C[1,N] = alpha * a[1,K] * op(B)[K,N] + beta * C as matrix-vector products: OpenBLAS's sgemm
// has no small-M path, and sgemv was measured 2-5x faster on the batch-1 recurrent step.
void gemm_one_row(Trans trans_a, Trans trans_b, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, const float* B, int64_t ldb, float beta, float* C) {
  const blasint inc_a = trans_a == Trans::Yes ? to_blas(lda) : 1;
  for_each_slice(N, N * K, [&](int64_t j0, int64_t j1) {
    if (trans_b == Trans::Yes) {  // B stored [N,K]: C = B a
      cblas_sgemv(CblasRowMajor, CblasNoTrans, to_blas(j1 - j0), to_blas(K), alpha, B + j0 * ldb,
                  to_blas(ldb), A, inc_a, beta, C + j0, 1);
    } else {  // B stored [K,N]: C = B^T a
      cblas_sgemv(CblasRowMajor, CblasTrans, to_blas(K), to_blas(j1 - j0), alpha, B + j0,
                  to_blas(ldb), A, inc_a, beta, C + j0, 1);
    }
  });
}

}  // namespace

namespace detail {

void set_blas_threads(int n) { openblas_set_num_threads(n); }

}  // namespace detail

void gemm(Trans trans_a, Trans trans_b, int64_t M, int64_t N, int64_t K, float alpha,
          const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
          int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t i = 0; i < M; ++i) {
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
    }
    return;
  }
  if (M == 1) {
    gemm_one_row(trans_a, trans_b, N, K, alpha, A, lda, B, ldb, beta, C);
    return;
  }
  // A failure (out of memory for oneDNN's packing buffers) is kept and thrown after the slices:
  // an exception must not leave an OpenMP region.
  std::atomic<dnnl_status_t> failure{dnnl_success};
  auto sgemm = [&](int64_t m, int64_t n, const float* a, const float* b, float* c) {
    const dnnl_status_t status = dnnl_sgemm(dnnl_trans(trans_a), dnnl_trans(trans_b), m, n, K,
                                            alpha, a, lda, b, ldb, beta, c, ldc);
    if (status != dnnl_success) failure.store(status);
  };
  const int64_t macs = M * N * K;
  if (M >= 2 * kAlign || N < 2 * kAlign) {  // slices of rows: rows of A (or columns of A^T)
    for_each_slice(M, macs, [&](int64_t i0, int64_t i1) {
      sgemm(i1 - i0, N, trans_a == Trans::Yes ? A + i0 : A + i0 * lda, B, C + i0 * ldc);
    });
  } else {  // few rows, many columns: slices of columns of B (or rows of B^T)
    for_each_slice(N, macs, [&](int64_t j0, int64_t j1) {
      sgemm(M, j1 - j0, A, trans_b == Trans::Yes ? B + j0 * ldb : B + j0, C + j0);
    });
  }
  if (failure.load() != dnnl_success) {
    throw Error("gemm: oneDNN's sgemm failed (dnnl_status_t " + std::to_string(failure.load()) +
                ") on a " + std::to_string(M) + " x " + std::to_string(N) + " x " +
                std::to_string(K) + " product");
  }
}

}  // namespace recur::kernels
