// Internal to the kernels layer: the SIMD nonlinearities as inline functions on one vector
// register, for kernels that fuse several steps into one pass (the LSTM/GRU gate kernels), plus
// map helpers that run such a function over an array with a masked-free tail.
//
// Built on Highway (libhwy-dev) for dynamic dispatch: a kernel source re-includes itself once
// per target through hwy/foreach_target.h (SSSE3, SSE4, AVX2, AVX-512 and a portable fallback on
// x86-64; docs/KERNELS.md), and includes this header inside each pass, so everything here lives
// in recur::kernels::HWY_NAMESPACE::simd and the include guard toggles per target.
// Accuracy (checked by tests/kernels/activations_test.cpp, bounds in docs/KERNELS.md): exp and
// sigmoid within 3 ulp, tanh within 5 ulp, erf/gelu within a few ulp of |x|-scaled absolute
// error. NaN inputs give NaN outputs; +-inf give the mathematical limits.
#if defined(RECUR_KERNELS_VEC_MATH_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RECUR_KERNELS_VEC_MATH_H_
#undef RECUR_KERNELS_VEC_MATH_H_
#else
#define RECUR_KERNELS_VEC_MATH_H_
#endif

#include <hwy/highway.h>
// Highway's math library (Exp, Expm1, Tanh) must follow highway.h.
#include <hwy/contrib/math/math-inl.h>

#include <cstdint>
#include <cstring>

HWY_BEFORE_NAMESPACE();
namespace recur::kernels::HWY_NAMESPACE::simd {

namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// Largest vector any compiled target can have, for tail buffers.
inline constexpr int64_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);

// e^x. Highway's Exp has no NaN/overflow handling: NaN would give 0, and x above ~104 garbage.
// Exp, Sigmoid and Tanh take any float tag (a full vector, or CappedTag<float, 1> for the last
// columns of a fused kernel's row).
template <class DF>
HWY_INLINE hn::Vec<DF> Exp(DF d, hn::Vec<DF> x) {
  using VF = hn::Vec<DF>;
  const VF kOverflow = hn::Set(d, 88.7228393555f);  // largest x with finite expf(x)
  const VF y = hn::Exp(d, hn::Min(x, kOverflow));
  const VF inf = hn::Set(d, HUGE_VALF);
  return hn::IfThenElse(hn::IsNaN(x), x, hn::IfThenElse(hn::Gt(x, kOverflow), inf, y));
}

// 1 / (1 + e^-x), evaluated as e^-|x| so that the exponential never overflows and small
// results (x << 0) keep full relative precision: sigmoid(x) = e^x / (1 + e^x) for x < 0.
// e^-|x| has its own lean evaluation rather than Exp's: its argument is never positive, so
// neither overflow nor NaN needs a check inside it. 1.3x the speed of going through Exp;
// three of the five activations of an LSTM unit are sigmoids.
template <class DF>
HWY_INLINE hn::Vec<DF> Sigmoid(DF d, hn::Vec<DF> x) {
  using VF = hn::Vec<DF>;
  const hn::Rebind<int32_t, DF> di;
  // Below -104 e^a rounds to 0; the clamp keeps 2^n representable in two halves.
  const VF a = hn::Max(hn::Neg(hn::Abs(x)), hn::Set(d, -104.0f));
  // a = n ln2 + r with |r| <= ln2 / 2. Adding 1.5 * 2^23 rounds a / ln2 to the integer n and
  // leaves n in the low mantissa bits, so no float-to-int conversion is needed.
  const VF shifter = hn::Set(d, 12582912.0f);
  const VF t = hn::MulAdd(a, hn::Set(d, 1.44269504088896341f), shifter);
  const VF n = hn::Sub(t, shifter);
  // ln2 split in two so that r is exact (Cody-Waite).
  VF r = hn::MulAdd(n, hn::Set(d, -0.693145751953125f), a);
  r = hn::MulAdd(n, hn::Set(d, -1.428606765330187045e-6f), r);
  // e^r = 1 + r + r^2 P(r), Highway's minimax coefficients for Exp.
  VF p = hn::Set(d, 0.000198527617612853646278381f);
  for (float k : {0.00139304355252534151077271f, 0.00833336077630519866943359f,
                  0.0416664853692054748535156f, 0.166666671633720397949219f, 0.5f}) {
    p = hn::MulAdd(p, r, hn::Set(d, k));
  }
  const VF one = hn::Set(d, 1.0f);
  const VF er = hn::Add(hn::MulAdd(p, hn::Mul(r, r), r), one);
  // n reaches -150, below the smallest normal exponent: scale by 2^(n + 64), a normal number,
  // then by 2^-64, which rounds once into the subnormals. Shifting t's bits by 23 drops the
  // shifter and leaves n's; adding the bias first makes them the exponent field.
  const auto biased = hn::Add(hn::BitCast(di, t), hn::Set(di, 127 + 64));
  const VF e = hn::Mul(hn::Mul(er, hn::BitCast(d, hn::ShiftLeft<23>(biased))),
                       hn::Set(d, 5.42101086242752217e-20f));
  const VF s = hn::Div(one, hn::Add(one, e));
  const VF y = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Mul(e, s), s);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// tanh(x) as the odd rational function Eigen and TensorFlow use for float: degree 13 over 6 on
// x clamped to +-7.905, +-1 past |x| = 9, and x itself below |x| = 4e-4 (where x - x^3/3
// rounds to x). Within 5 ulp, and twice the speed of Highway's expm1-based tanh: it is two of
// the five activations of every LSTM unit and step.
template <class DF>
HWY_INLINE hn::Vec<DF> Tanh(DF d, hn::Vec<DF> x) {
  using VF = hn::Vec<DF>;
  const VF limit = hn::Set(d, 7.90531110763549805f);
  const VF c = hn::Min(hn::Max(x, hn::Neg(limit)), limit);
  const VF c2 = hn::Mul(c, c);
  VF p = hn::MulAdd(c2, hn::Set(d, -2.76076847742355e-16f), hn::Set(d, 2.00018790482477e-13f));
  for (float a : {-8.60467152213735e-11f, 5.12229709037114e-08f, 1.48572235717979e-05f,
                  6.37261928875436e-04f, 4.89352455891786e-03f}) {
    p = hn::MulAdd(c2, p, hn::Set(d, a));
  }
  VF q = hn::MulAdd(c2, hn::Set(d, 1.19825839466702e-06f), hn::Set(d, 1.18534705686654e-04f));
  for (float b : {2.26843463243900e-03f, 4.89352518554385e-03f})
    q = hn::MulAdd(c2, q, hn::Set(d, b));
  const VF ax = hn::Abs(x);
  // Past |x| = 9 tanh rounds to +-1, which the clamped rational falls short of by an ulp or two.
  const VF r = hn::IfThenElse(hn::Gt(ax, hn::Set(d, 9.0f)), hn::CopySign(hn::Set(d, 1.0f), x),
                              hn::Div(hn::Mul(c, p), q));
  // NaN passes through (the clamp would have replaced it); tiny x returns x exactly.
  const auto keep_x = hn::Or(hn::IsNaN(x), hn::Lt(ax, hn::Set(d, 4e-4f)));
  return hn::IfThenElse(keep_x, x, r);
}

HWY_INLINE V Relu(D d, V x) {
  // Max(x, 0) would turn NaN into 0 on x86; keep NaN like std::max(0.f, x) in PyTorch does.
  return hn::IfThenZeroElse(hn::Lt(x, hn::Zero(d)), x);
}

// erf(x): the rational approximation Eigen and TensorFlow use for float (x * P(x^2) / Q(x^2)
// on [-4, 4], where erf is within half an ulp of +-1 outside).
HWY_INLINE V Erf(D d, V x) {
  const V c = hn::Min(hn::Max(x, hn::Set(d, -4.0f)), hn::Set(d, 4.0f));
  const V x2 = hn::Mul(c, c);
  V p = hn::Set(d, -2.72614225801306e-10f);
  for (float a : {2.77068142495902e-08f, -2.10102402082508e-06f, -5.69250639462346e-05f,
                  -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f}) {
    p = hn::MulAdd(p, x2, hn::Set(d, a));
  }
  V q = hn::Set(d, -1.45660718464996e-05f);
  for (float b : {-2.13374055278905e-04f, -1.68282697438203e-03f, -7.37332916720468e-03f,
                  -1.42647390514189e-02f}) {
    q = hn::MulAdd(q, x2, hn::Set(d, b));
  }
  const V y = hn::Div(hn::Mul(c, p), q);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// Exact (erf) GELU, PyTorch's default: x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2)).
HWY_INLINE V Gelu(D d, V x) {
  const V phi = hn::MulAdd(hn::Set(d, 0.5f), Erf(d, hn::Mul(x, hn::Set(d, 0.70710678118654752f))),
                           hn::Set(d, 0.5f));
  return hn::Mul(x, phi);
}

// d gelu / dx = Phi(x) + x * pdf(x), pdf(x) = e^(-x^2/2) / sqrt(2 pi).
HWY_INLINE V GeluDerivative(D d, V x) {
  const V phi = hn::MulAdd(hn::Set(d, 0.5f), Erf(d, hn::Mul(x, hn::Set(d, 0.70710678118654752f))),
                           hn::Set(d, 0.5f));
  const V pdf = hn::Mul(hn::Set(d, 0.39894228040143268f),
                        simd::Exp(d, hn::Mul(hn::Set(d, -0.5f), hn::Mul(x, x))));
  return hn::MulAdd(x, pdf, phi);
}

// y[i] = f(x[i]) for i < n; f takes (D, V) and returns V. x and y may be the same array.
template <class F>
HWY_INLINE void Map(const float* x, float* y, int64_t n, F f) {
  const D d;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(f(d, hn::LoadU(d, x + i)), d, y + i);
  if (i == n) return;
  // The tail goes through a zero-padded buffer: no read or write past the arrays.
  alignas(64) float buf[kMaxLanes] = {};
  std::memcpy(buf, x + i, static_cast<size_t>(n - i) * sizeof(float));
  hn::Store(f(d, hn::Load(d, buf)), d, buf);
  std::memcpy(y + i, buf, static_cast<size_t>(n - i) * sizeof(float));
}

// out[i] = f(a[i], b[i]); f takes (D, V, V). out may alias a or b.
template <class F>
HWY_INLINE void Map2(const float* a, const float* b, float* out, int64_t n, F f) {
  const D d;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    hn::StoreU(f(d, hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, out + i);
  }
  if (i == n) return;
  alignas(64) float buf_a[kMaxLanes] = {};
  alignas(64) float buf_b[kMaxLanes] = {};
  const size_t bytes = static_cast<size_t>(n - i) * sizeof(float);
  std::memcpy(buf_a, a + i, bytes);
  std::memcpy(buf_b, b + i, bytes);
  hn::Store(f(d, hn::Load(d, buf_a), hn::Load(d, buf_b)), d, buf_a);
  std::memcpy(out + i, buf_a, bytes);
}

}  // namespace recur::kernels::HWY_NAMESPACE::simd
HWY_AFTER_NAMESPACE();

#endif  // RECUR_KERNELS_VEC_MATH_H_ (per target)
