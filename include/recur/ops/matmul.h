// Matrix products through recur::kernels::gemm: each product is ONE GEMM call (leading batch
// dimensions of the left operand are folded into its rows), and so is each gradient.
//
//   Tensor h = linear(x, w, b);     // x [T, B, in], w [out, in], b [out] -> [T, B, out]
//   Tensor s = matmul(q, k_t);      // [B, M, K] x [B, K, N] -> [B, M, N]
//   Tensor s = matmul_transposed(q, k);  // [B, M, K] x [B, N, K]^T -> [B, M, N], no copy of k
#pragma once

#include "recur/tensor/tensor.h"

namespace recur {

// a [M, K] x b [K, N] -> [M, N]; a [..., M, K] x b [K, N] -> [..., M, N] (one GEMM);
// a [..., M, K] x b [..., K, N] with equal leading dimensions -> [..., M, N] (one GEMM per
// batch entry). Anything else throws ShapeError naming both shapes.
Tensor matmul(const Tensor& a, const Tensor& b);

// a [..., M, K] x b [..., N, K]^T with equal leading dimensions -> [..., M, N]: the value and
// gradients of matmul(a, transpose(b, -2, -1)) with b read in place (the GEMM's transposed
// operand), as attention scores against keys that do not change between calls.
Tensor matmul_transposed(const Tensor& a, const Tensor& b);

// y = x W^T + b. x [..., in], weight [out, in], bias [out] or undefined -> [..., out].
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace recur
