#include "recur/ops/matmul.h"

#include <algorithm>
#include <string>

#include "op_node.h"
#include "recur/kernels/gemm.h"

namespace recur {

namespace {

using kernels::gemm;
using kernels::Trans;
using ops_detail::Grads;

// Product of all sizes but the last `drop` ones (the rows a GEMM sees).
int64_t leading_numel(const Shape& shape, size_t drop) {
  return shape_numel(Shape(shape.begin(), shape.end() - static_cast<std::ptrdiff_t>(drop)));
}

[[noreturn]] void throw_matmul_shapes(const Tensor& a, const Tensor& b) {
  throw ShapeError("matmul: shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                   " cannot be multiplied (expected [..., M, K] x [K, N] or [..., M, K] x "
                   "[..., K, N] with equal leading dimensions)");
}

// a [R, K] x b [K, N]: the left operand's leading dimensions fold into R.
Tensor matmul_folded(const Tensor& a, const Tensor& b) {
  const int64_t K = b.size(0);
  const int64_t N = b.size(1);
  const int64_t R = leading_numel(a.shape(), 1);
  Shape out_shape = a.shape();
  out_shape.back() = N;
  Tensor y = Tensor::empty(out_shape);
  gemm(Trans::No, Trans::No, R, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, y.data(), N);
  ops_detail::record(
      "MatmulBackward", {a, b}, {&y},
      [a = a.detach(), b = b.detach(), R, K, N](const Grads& g, const Node& node) {
        const float* dy = g[0].data();
        Tensor da, db;
        if (node.needs_input_grad(0)) {
          da = Tensor::empty(a.shape());
          gemm(Trans::No, Trans::Yes, R, K, N, 1.0f, dy, N, b.data(), N, 0.0f, da.data(), K);
        }
        if (node.needs_input_grad(1)) {
          db = Tensor::empty(b.shape());
          gemm(Trans::Yes, Trans::No, K, N, R, 1.0f, a.data(), K, dy, N, 0.0f, db.data(), N);
        }
        return Grads{da, db};
      });
  return y;
}

// a [B..., M, K] x op(b) for b [B..., K, N] (tb No) or [B..., N, K] (tb Yes, op = transpose):
// one GEMM per batch entry.
Tensor matmul_batched(const Tensor& a, const Tensor& b, Trans tb) {
  const bool t = tb == Trans::Yes;
  const int64_t M = a.size(-2);
  const int64_t K = a.size(-1);
  const int64_t N = t ? b.size(-2) : b.size(-1);
  const int64_t ldb = t ? K : N;
  const int64_t batch = leading_numel(a.shape(), 2);
  Shape out_shape = a.shape();
  out_shape.back() = N;
  Tensor y = Tensor::empty(out_shape);
  for (int64_t i = 0; i < batch; ++i) {
    gemm(Trans::No, tb, M, N, K, 1.0f, a.data() + i * M * K, K, b.data() + i * K * N, ldb, 0.0f,
         y.data() + i * M * N, N);
  }
  ops_detail::record(
      "BatchedMatmulBackward", {a, b}, {&y},
      [a = a.detach(), b = b.detach(), batch, M, K, N, t, ldb](const Grads& g, const Node& node) {
        const float* dy = g[0].data();
        Tensor da, db;
        if (node.needs_input_grad(0)) da = Tensor::empty(a.shape());
        if (node.needs_input_grad(1)) db = Tensor::empty(b.shape());
        for (int64_t i = 0; i < batch; ++i) {
          const float* dyi = dy + i * M * N;
          const float* ai = a.data() + i * M * K;
          if (da.defined()) {  // dy op(b)^T
            gemm(Trans::No, t ? Trans::No : Trans::Yes, M, K, N, 1.0f, dyi, N,
                 b.data() + i * K * N, ldb, 0.0f, da.data() + i * M * K, K);
          }
          if (db.defined() && t) {  // (a^T dy)^T = dy^T a  [N, K]
            gemm(Trans::Yes, Trans::No, N, K, M, 1.0f, dyi, N, ai, K, 0.0f, db.data() + i * K * N,
                 K);
          } else if (db.defined()) {  // a^T dy  [K, N]
            gemm(Trans::Yes, Trans::No, K, N, M, 1.0f, ai, K, dyi, N, 0.0f, db.data() + i * K * N,
                 N);
          }
        }
        return Grads{da, db};
      });
  return y;
}

bool same_leading(const Tensor& a, const Tensor& b) {
  return a.dim() == b.dim() && std::equal(a.shape().begin(), a.shape().end() - 2, b.shape().begin());
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.dim() < 2 || b.dim() < 2 || a.size(-1) != b.size(-2)) throw_matmul_shapes(a, b);
  if (b.dim() == 2) return matmul_folded(a, b);
  if (!same_leading(a, b)) throw_matmul_shapes(a, b);
  return matmul_batched(a, b, Trans::No);
}

Tensor matmul_transposed(const Tensor& a, const Tensor& b) {
  if (a.dim() < 3 || !same_leading(a, b) || a.size(-1) != b.size(-1)) {
    throw ShapeError("matmul_transposed: shapes " + shape_str(a.shape()) + " and " +
                     shape_str(b.shape()) +
                     " cannot be multiplied (expected [..., M, K] x [..., N, K] with equal "
                     "leading dimensions)");
  }
  return matmul_batched(a, b, Trans::Yes);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_rank(weight, 2, "linear weight", "[out_features, in_features]");
  const int64_t out_f = weight.size(0);
  const int64_t in_f = weight.size(1);
  if (x.dim() < 1 || x.size(-1) != in_f) {
    throw ShapeError("linear: input " + shape_str(x.shape()) + " does not match weight " +
                     shape_str(weight.shape()) + " (expected [..., " + std::to_string(in_f) + "])");
  }
  if (bias.defined()) check_shape(bias, {out_f}, "linear bias");
  const int64_t R = leading_numel(x.shape(), 1);
  Shape out_shape = x.shape();
  out_shape.back() = out_f;
  Tensor y = Tensor::empty(out_shape);
  float beta = 0.0f;
  if (bias.defined()) {
    // Start every row at the bias and let the GEMM accumulate onto it.
    for (int64_t r = 0; r < R; ++r)
      std::copy(bias.data(), bias.data() + out_f, y.data() + r * out_f);
    beta = 1.0f;
  }
  gemm(Trans::No, Trans::Yes, R, out_f, in_f, 1.0f, x.data(), in_f, weight.data(), in_f, beta,
       y.data(), out_f);
  ops_detail::record(
      "LinearBackward", {x, weight, bias}, {&y},
      [x = x.detach(), w = weight.detach(), R, in_f, out_f](const Grads& g, const Node& node) {
        const float* dy = g[0].data();
        Tensor dx, dw, db;
        if (node.needs_input_grad(0)) {
          dx = Tensor::empty(x.shape());
          gemm(Trans::No, Trans::No, R, in_f, out_f, 1.0f, dy, out_f, w.data(), in_f, 0.0f,
               dx.data(), in_f);
        }
        if (node.needs_input_grad(1)) {
          dw = Tensor::empty(w.shape());
          gemm(Trans::Yes, Trans::No, out_f, in_f, R, 1.0f, dy, out_f, x.data(), in_f, 0.0f,
               dw.data(), in_f);
        }
        if (node.needs_input_grad(2)) {
          db = Tensor::zeros({out_f});
          float* pdb = db.data();
          for (int64_t r = 0; r < R; ++r) {
            for (int64_t j = 0; j < out_f; ++j) pdb[j] += dy[r * out_f + j];
          }
        }
        return Grads{dx, dw, db};
      });
  return y;
}

}  // namespace recur
