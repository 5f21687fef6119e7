#include "recur/kernels/activations.h"

#include "vec_math.h"

namespace recur::kernels {

namespace hn = simd::hn;
using simd::D;
using simd::V;

void exp(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Exp<D>); }

void sigmoid(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Sigmoid<D>); }

void tanh(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Tanh<D>); }

void relu(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Relu); }

void gelu(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Gelu); }

void sigmoid_backward(const float* y, const float* dy, float* dx, int64_t n) {
  simd::Map2(y, dy, dx, n,
             [](D d, V s, V g) { return hn::Mul(g, hn::Mul(s, hn::Sub(hn::Set(d, 1.0f), s))); });
}

void tanh_backward(const float* y, const float* dy, float* dx, int64_t n) {
  simd::Map2(y, dy, dx, n,
             [](D d, V t, V g) { return hn::Mul(g, hn::NegMulAdd(t, t, hn::Set(d, 1.0f))); });
}

void relu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  simd::Map2(x, dy, dx, n,
             [](D d, V v, V g) { return hn::IfThenElseZero(hn::Gt(v, hn::Zero(d)), g); });
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  simd::Map2(x, dy, dx, n, [](D d, V v, V g) { return hn::Mul(g, simd::GeluDerivative(d, v)); });
}

}  // namespace recur::kernels
