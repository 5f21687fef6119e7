// Standalone comparison behind the choice of SIMD math library for src/kernels/vec_math.h
// (docs/KERNELS.md): exp and tanh from Highway (as wrapped in vec_math.h), SLEEF (AVX2, 1.0 and
// 3.5 ulp variants), xsimd, and the scalar std:: functions. For each it prints the worst error
// in ulps over a dense sweep of [-88, 88] and the time per element on a 1024-float row (the
// size of one gate row), median of 15 repetitions. Needs AVX2+FMA; built by simd_run.sh.
#include <immintrin.h>
#include <sleef.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "../../src/kernels/vec_math.h"

namespace {

using ArrayFn = void (*)(const float*, float*, int64_t);

template <class F>
void sleef_map(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i)));
  for (; i < n; ++i) {
    alignas(32) float buf[8] = {x[i]};
    _mm256_store_ps(buf, f(_mm256_load_ps(buf)));
    y[i] = buf[0];
  }
}
void sleef_exp(const float* x, float* y, int64_t n) {
  sleef_map(x, y, n, [](__m256 v) { return Sleef_expf8_u10avx2(v); });
}
void sleef_tanh10(const float* x, float* y, int64_t n) {
  sleef_map(x, y, n, [](__m256 v) { return Sleef_tanhf8_u10avx2(v); });
}
void sleef_tanh35(const float* x, float* y, int64_t n) {
  sleef_map(x, y, n, [](__m256 v) { return Sleef_tanhf8_u35avx2(v); });
}

template <class F>
void xsimd_map(const float* x, float* y, int64_t n, F f) {
  using B = xsimd::batch<float, xsimd::avx2>;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) f(B::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) {
    alignas(32) float buf[8] = {x[i]};
    f(B::load_aligned(buf)).store_aligned(buf);
    y[i] = buf[0];
  }
}

void hwy_exp(const float* x, float* y, int64_t n) {
  recur::kernels::HWY_NAMESPACE::simd::Map(
      x, y, n, recur::kernels::HWY_NAMESPACE::simd::Exp<recur::kernels::HWY_NAMESPACE::simd::D>);
}
void hwy_tanh(const float* x, float* y, int64_t n) {
  recur::kernels::HWY_NAMESPACE::simd::Map(
      x, y, n, recur::kernels::HWY_NAMESPACE::simd::Tanh<recur::kernels::HWY_NAMESPACE::simd::D>);
}
void xsimd_exp(const float* x, float* y, int64_t n) {
  xsimd_map(x, y, n, [](auto v) { return xsimd::exp(v); });
}
void xsimd_tanh(const float* x, float* y, int64_t n) {
  xsimd_map(x, y, n, [](auto v) { return xsimd::tanh(v); });
}
void std_exp(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}
void std_tanh(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}

double ulp_at(double r) {
  const float f = static_cast<float>(std::min(std::fabs(r), double{FLT_MAX}));
  return static_cast<double>(std::nextafter(f, INFINITY)) - f;
}

double worst_ulps(ArrayFn fn, double (*ref)(double)) {
  std::vector<float> xs;
  for (uint32_t b = 0; b <= std::bit_cast<uint32_t>(88.0f); b += 97) {
    xs.push_back(std::bit_cast<float>(b));
    xs.push_back(-std::bit_cast<float>(b));
  }
  std::vector<float> ys(xs.size());
  fn(xs.data(), ys.data(), static_cast<int64_t>(xs.size()));
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double r = ref(xs[i]);
    worst = std::max(worst, std::fabs(ys[i] - r) / ulp_at(r));
  }
  return worst;
}

double ns_per_element(ArrayFn fn) {
  constexpr int64_t kN = 1024, kCalls = 2000;
  std::vector<float> x(kN), y(kN);
  for (int64_t i = 0; i < kN; ++i) x[i] = -8.0f + 16.0f * static_cast<float>(i) / kN;
  std::vector<double> t;
  for (int rep = 0; rep < 15; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t c = 0; c < kCalls; ++c) {
      fn(x.data(), y.data(), kN);
      asm volatile("" : : "r"(y.data()) : "memory");  // keep every call
    }
    t.push_back(
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() /
        (kN * kCalls));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  struct Row {
    const char* name;
    ArrayFn fn;
    double (*ref)(double);
  };
  double (*exp_ref)(double) = [](double x) { return std::exp(x); };
  double (*tanh_ref)(double) = [](double x) { return std::tanh(x); };
  const Row rows[] = {
      {"exp   std::expf (scalar)", std_exp, exp_ref},
      {"exp   Highway (vec_math.h)", hwy_exp, exp_ref},
      {"exp   SLEEF u10 avx2", sleef_exp, exp_ref},
      {"exp   xsimd 8.1 avx2", xsimd_exp, exp_ref},
      {"tanh  std::tanhf (scalar)", std_tanh, tanh_ref},
      {"tanh  Highway (vec_math.h)", hwy_tanh, tanh_ref},
      {"tanh  SLEEF u10 avx2", sleef_tanh10, tanh_ref},
      {"tanh  SLEEF u35 avx2", sleef_tanh35, tanh_ref},
      {"tanh  xsimd 8.1 avx2", xsimd_tanh, tanh_ref},
  };
  std::printf("| function / library | max error (ulp) | ns per element (1024-float row) |\n");
  std::printf("|---|---|---|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %.2f | %.3f |\n", r.name, worst_ulps(r.fn, r.ref), ns_per_element(r.fn));
  }
  return 0;
}
