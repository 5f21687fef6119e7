#include "recur/kernels/gemm.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>

#include "blas_threads.h"
#include "recur/kernels/parallel.h"

// The BLAS is OpenBLAS, its OpenMP build (docs/BLAS.md has the measurements). It is the only
// file that names it.
namespace recur::kernels {

namespace {

// Thread-count invariance (docs/KERNELS.md): the same product gives the same bits on any number of
// threads. OpenBLAS does not promise that:
// - threaded sgemm (level3_thread.c) cuts K into blocks differently from the one-thread driver
//   (level3.c) when K is not a multiple of its block size GEMM_Q (320 on this Cooperlake build),
//   so an element's partial sums are added in another order. Training on S&P 500 closes moved
//   weights by up to 7e-9 between 1 and 2 threads.
// - sgemv splits its work by the thread count and adds partial results (a 100 x 100 product
//   differs in the last bit between 1 and 2 threads).
// So every BLAS call here runs on one thread, and recur's own threads take fixed slices of the
// output: rows of C (columns when C has too few rows), cut at multiples of kAlign. The one-thread
// driver's K blocking depends on K alone, and a slice starting at a multiple of kAlign (a multiple
// of every register-tile size) puts each element at the same place in the same micro-kernel tile
// as the whole product does, so a slice computes exactly what the whole call would.
constexpr int64_t kAlign = 64;
// Below this many multiply-adds a product stays on one thread (OpenBLAS's own cut-off, 2^18).
constexpr int64_t kParallelMacs = int64_t{1} << 18;

CBLAS_TRANSPOSE cblas_trans(Trans t) { return t == Trans::Yes ? CblasTrans : CblasNoTrans; }

blasint to_blas(int64_t v) { return static_cast<blasint>(v); }

// Makes the BLAS calls in its scope single-threaded. OpenBLAS's OpenMP build threads a call by
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

// Runs fn(begin, end) over [0, n) cut at multiples of kAlign, in parallel when the product is
// worth it; each call's BLAS work runs on one thread.
template <class Fn>
void for_aligned_slices(int64_t n, int64_t macs, const Fn& fn) {
  const int64_t units = (n + kAlign - 1) / kAlign;
  const int64_t grain = macs >= kParallelMacs ? 1 : units;
  parallel_for(0, units, grain, [&](int64_t first, int64_t last) {
    OneBlasThread serial;  // a no-op inside parallel_for's region
    fn(first * kAlign, std::min(n, last * kAlign));
  });
}

// C[1,N] = alpha * a[1,K] * op(B)[K,N] + beta * C as matrix-vector products: OpenBLAS's sgemm
// has no small-M path, and sgemv was measured 2-5x faster on the batch-1 recurrent step.
void gemm_one_row(Trans trans_a, Trans trans_b, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, const float* B, int64_t ldb, float beta, float* C) {
  const blasint inc_a = trans_a == Trans::Yes ? to_blas(lda) : 1;
  for_aligned_slices(N, N * K, [&](int64_t j0, int64_t j1) {
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
  auto sgemm = [&](int64_t m, int64_t n, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, cblas_trans(trans_a), cblas_trans(trans_b), to_blas(m), to_blas(n),
                to_blas(K), alpha, a, to_blas(lda), b, to_blas(ldb), beta, c, to_blas(ldc));
  };
  const int64_t macs = M * N * K;
  if (M >= 2 * kAlign || N < 2 * kAlign) {  // slices of rows: rows of A (or columns of A^T)
    for_aligned_slices(M, macs, [&](int64_t i0, int64_t i1) {
      sgemm(i1 - i0, N, trans_a == Trans::Yes ? A + i0 : A + i0 * lda, B, C + i0 * ldc);
    });
  } else {  // few rows, many columns: slices of columns of B (or rows of B^T)
    for_aligned_slices(N, macs, [&](int64_t j0, int64_t j1) {
      sgemm(M, j1 - j0, A, trans_b == Trans::Yes ? B + j0 * ldb : B + j0, C + j0);
    });
  }
}

}  // namespace recur::kernels
