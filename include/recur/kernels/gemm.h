// The one matrix-multiply entry point of recur: a thin row-major wrapper over the BLAS chosen
// by measurement (docs/BLAS.md). Everything above the kernels layer multiplies matrices through
// this function, so swapping the BLAS touches one file.
#pragma once

#include <cstdint>

namespace recur::kernels {

enum class Trans { No, Yes };

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, all row-major with leading dimensions
// lda, ldb, ldc (op(X) = X or X^T). With beta == 0, C need not be initialised. M, N or K may
// be 0 (K == 0 scales C by beta). Threaded over recur's threads (parallel.h), with the same bits
// for any thread count (docs/KERNELS.md, "Threads and determinism").
void gemm(Trans trans_a, Trans trans_b, int64_t M, int64_t N, int64_t K, float alpha,
          const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
          int64_t ldc);

}  // namespace recur::kernels
