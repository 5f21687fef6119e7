#include "recur/kernels/gemm.h"

#include <cblas.h>

#include "blas_threads.h"

// The BLAS is OpenBLAS, its OpenMP build (docs/BLAS.md has the measurements). It is the only
// file that names it.
namespace recur::kernels {

namespace {

CBLAS_TRANSPOSE cblas_trans(Trans t) { return t == Trans::Yes ? CblasTrans : CblasNoTrans; }

blasint to_blas(int64_t v) { return static_cast<blasint>(v); }

// C[1,N] = alpha * a[1,K] * op(B)[K,N] + beta * C as a matrix-vector product: OpenBLAS's sgemm
// has no small-M path, and sgemv was measured 2-5x faster on the batch-1 recurrent step.
void gemm_one_row(Trans trans_a, Trans trans_b, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, const float* B, int64_t ldb, float beta, float* C) {
  const blasint inc_a = trans_a == Trans::Yes ? to_blas(lda) : 1;
  if (trans_b == Trans::Yes) {  // B stored [N,K]: C = B a
    cblas_sgemv(CblasRowMajor, CblasNoTrans, to_blas(N), to_blas(K), alpha, B, to_blas(ldb), A,
                inc_a, beta, C, 1);
  } else {  // B stored [K,N]: C = B^T a
    cblas_sgemv(CblasRowMajor, CblasTrans, to_blas(K), to_blas(N), alpha, B, to_blas(ldb), A, inc_a,
                beta, C, 1);
  }
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
  cblas_sgemm(CblasRowMajor, cblas_trans(trans_a), cblas_trans(trans_b), to_blas(M), to_blas(N),
              to_blas(K), alpha, A, to_blas(lda), B, to_blas(ldb), beta, C, to_blas(ldc));
}

}  // namespace recur::kernels
