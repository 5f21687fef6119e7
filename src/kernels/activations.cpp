// Compiled once per SIMD target (hwy/foreach_target.h re-includes this file); the public
// functions at the bottom pick the best target the CPU has, at run time.
#include "recur/kernels/activations.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/activations.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

#include "vec_math.h"

HWY_BEFORE_NAMESPACE();
namespace recur::kernels::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;
using simd::D;
using simd::V;

void exp_impl(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Exp<D>); }

void sigmoid_impl(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Sigmoid<D>); }

void tanh_impl(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Tanh<D>); }

void relu_impl(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Relu); }

void gelu_impl(const float* x, float* y, int64_t n) { simd::Map(x, y, n, simd::Gelu); }

void sigmoid_backward_impl(const float* y, const float* dy, float* dx, int64_t n) {
  simd::Map2(y, dy, dx, n,
             [](D d, V s, V g) { return hn::Mul(g, hn::Mul(s, hn::Sub(hn::Set(d, 1.0f), s))); });
}

void tanh_backward_impl(const float* y, const float* dy, float* dx, int64_t n) {
  simd::Map2(y, dy, dx, n,
             [](D d, V t, V g) { return hn::Mul(g, hn::NegMulAdd(t, t, hn::Set(d, 1.0f))); });
}

void relu_backward_impl(const float* x, const float* dy, float* dx, int64_t n) {
  simd::Map2(x, dy, dx, n,
             [](D d, V v, V g) { return hn::IfThenElseZero(hn::Gt(v, hn::Zero(d)), g); });
}

void gelu_backward_impl(const float* x, const float* dy, float* dx, int64_t n) {
  simd::Map2(x, dy, dx, n, [](D d, V v, V g) { return hn::Mul(g, simd::GeluDerivative(d, v)); });
}

const char* simd_target_impl() { return hwy::TargetName(HWY_TARGET); }

}  // namespace recur::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace recur::kernels {

HWY_EXPORT(exp_impl);
HWY_EXPORT(sigmoid_impl);
HWY_EXPORT(tanh_impl);
HWY_EXPORT(relu_impl);
HWY_EXPORT(gelu_impl);
HWY_EXPORT(sigmoid_backward_impl);
HWY_EXPORT(tanh_backward_impl);
HWY_EXPORT(relu_backward_impl);
HWY_EXPORT(gelu_backward_impl);
HWY_EXPORT(simd_target_impl);

void exp(const float* x, float* y, int64_t n) { HWY_DYNAMIC_DISPATCH(exp_impl)(x, y, n); }

void sigmoid(const float* x, float* y, int64_t n) { HWY_DYNAMIC_DISPATCH(sigmoid_impl)(x, y, n); }

void tanh(const float* x, float* y, int64_t n) { HWY_DYNAMIC_DISPATCH(tanh_impl)(x, y, n); }

void relu(const float* x, float* y, int64_t n) { HWY_DYNAMIC_DISPATCH(relu_impl)(x, y, n); }

void gelu(const float* x, float* y, int64_t n) { HWY_DYNAMIC_DISPATCH(gelu_impl)(x, y, n); }

void sigmoid_backward(const float* y, const float* dy, float* dx, int64_t n) {
  HWY_DYNAMIC_DISPATCH(sigmoid_backward_impl)(y, dy, dx, n);
}

void tanh_backward(const float* y, const float* dy, float* dx, int64_t n) {
  HWY_DYNAMIC_DISPATCH(tanh_backward_impl)(y, dy, dx, n);
}

void relu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  HWY_DYNAMIC_DISPATCH(relu_backward_impl)(x, dy, dx, n);
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n) {
  HWY_DYNAMIC_DISPATCH(gelu_backward_impl)(x, dy, dx, n);
}

const char* simd_target() { return HWY_DYNAMIC_DISPATCH(simd_target_impl)(); }

}  // namespace recur::kernels
#endif  // HWY_ONCE
