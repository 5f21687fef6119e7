// Vectorised nonlinearities on float arrays: the activations of the recurrent gates and of the
// feed-forward layers, and the pieces of their derivatives that backward passes need.
//
// Every function processes n contiguous floats and is cheap to call on short rows (no
// threading, no allocation; 64-2048 floats is the intended span), so layers call them per row
// or per time step. Outputs may alias inputs (in-place is fine). Accuracy against the exact
// functions is tested and documented in docs/KERNELS.md (exp, sigmoid: 2 ulp; tanh: 4 ulp;
// gelu: PyTorch's float formula or better). NaN propagates; +-inf map to the limits.
// Kernels that fuse several steps in one pass use the per-register forms in
// src/kernels/vec_math.h instead. Every kernel is compiled for several SIMD targets and picks
// the best the CPU supports at run time, so one build runs on any x86-64.
#pragma once

#include <cstdint>

namespace recur::kernels {

// y = e^x
void exp(const float* x, float* y, int64_t n);
// y = 1 / (1 + e^-x)
void sigmoid(const float* x, float* y, int64_t n);
// y = tanh(x)
void tanh(const float* x, float* y, int64_t n);
// y = max(x, 0) (NaN stays NaN)
void relu(const float* x, float* y, int64_t n);
// y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), the exact GELU (PyTorch's default).
void gelu(const float* x, float* y, int64_t n);

// Backward helpers: dx = dy * f'(.), written in terms of what the forward pass kept.
// sigmoid: from its output y, dx = dy * y * (1 - y).
void sigmoid_backward(const float* y, const float* dy, float* dx, int64_t n);
// tanh: from its output y, dx = dy * (1 - y^2).
void tanh_backward(const float* y, const float* dy, float* dx, int64_t n);
// relu: from its input x, dx = dy where x > 0, else 0.
void relu_backward(const float* x, const float* dy, float* dx, int64_t n);
// gelu: from its input x, dx = dy * (Phi(x) + x * pdf(x)).
void gelu_backward(const float* x, const float* dy, float* dx, int64_t n);

// The SIMD target these kernels run on, as Highway names it ("AVX3", "AVX2", "SSE4", "EMU128",
// ...): the best one the CPU supports among those compiled in (docs/KERNELS.md). For logs and
// benchmark reports.
const char* simd_target();

}  // namespace recur::kernels
