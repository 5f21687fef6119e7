// vdpbf16ps for the bf16 per-step product (step_matmul_bf16.h). Compiled with a target attribute
// per function, not per file: the rest of the library must run on CPUs without AVX-512.
#include "step_matmul_bf16.h"

#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace recur::kernels::detail {

#if defined(__x86_64__)

namespace {
bool bf16_dot_enabled = true;
}  // namespace

bool use_bf16_dot() {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    return __get_cpuid_count(7, 1, &a, &b, &c, &d) != 0 && (a & bit_AVX512BF16) != 0;
  }();
  return has && bf16_dot_enabled;
}

#define RECUR_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

namespace {

constexpr int64_t kBf16Panel = PackedMatrix::kPanelWidth;

// v's row as bf16 pairs (v[2q], v[2q+1]) of its high parts hi = bf16(v) and low parts
// lo = bf16(v - hi); past K, zeros. hi and lo hold (K + 31) / 32 * 16 pairs.
RECUR_BF16_TARGET void split_bf16(const float* v, int64_t K, uint32_t* hi, uint32_t* lo) {
  for (int64_t k = 0; k < K; k += 16) {
    const int64_t n = K - k < 16 ? K - k : 16;
    const __m512 x = _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), v + k);
    const __m256bh h = _mm512_cvtneps_pbh(x);
    const __m512 h32 = _mm512_castsi512_ps(
        _mm512_maskz_slli_epi32(0xffff, _mm512_maskz_cvtepu16_epi32(0xffff, (__m256i)h), 16));
    const __m256bh l = _mm512_cvtneps_pbh(_mm512_sub_ps(x, h32));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(hi + k / 2), (__m256i)h);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lo + k / 2), (__m256i)l);
  }
}

// y[0, 0:G*16] (cols_left of them real) += v * G consecutive panels; hi and lo accumulate apart
// (2G independent chains of the dot product's latency).
template <int G>
RECUR_BF16_TARGET void dot_panels(int64_t pairs, const uint32_t* hi, const uint32_t* lo,
                                  const uint16_t* w, int64_t panel_stride, int64_t cols_left,
                                  float* y) {
  __m512 acc_hi[G], acc_lo[G];
  __mmask16 mask[G];
  for (int g = 0; g < G; ++g) {
    const int64_t n = cols_left - g * kBf16Panel;
    mask[g] = n >= kBf16Panel ? __mmask16{0xffff} : static_cast<__mmask16>((1u << n) - 1);
    acc_hi[g] = _mm512_maskz_loadu_ps(mask[g], y + g * kBf16Panel);
    acc_lo[g] = _mm512_setzero_ps();
  }
  for (int64_t q = 0; q < pairs; ++q) {
    const __m512i vh = _mm512_set1_epi32(static_cast<int>(hi[q]));
    const __m512i vl = _mm512_set1_epi32(static_cast<int>(lo[q]));
    for (int g = 0; g < G; ++g) {
      const __m512i wq = _mm512_load_si512(w + g * panel_stride + q * 2 * kBf16Panel);
      acc_hi[g] = _mm512_dpbf16_ps(acc_hi[g], (__m512bh)wq, (__m512bh)vh);
      acc_lo[g] = _mm512_dpbf16_ps(acc_lo[g], (__m512bh)wq, (__m512bh)vl);
    }
  }
  for (int g = 0; g < G; ++g) {
    _mm512_mask_storeu_ps(y + g * kBf16Panel, mask[g], _mm512_add_ps(acc_hi[g], acc_lo[g]));
  }
}

}  // namespace

void step_matmul_acc_bf16_dot(int64_t B, const float* v, int64_t ldv, const PackedRows16& w,
                              float* y, int64_t ldy) {
  const int64_t pairs = (w.rows + 1) / 2, stored = (w.rows + 31) / 32 * 16;
  thread_local std::vector<uint32_t> split;
  if (static_cast<int64_t>(split.size()) < 2 * stored) split.resize(2 * stored);
  const int64_t panels = (w.cols + kBf16Panel - 1) / kBf16Panel;
  const auto* data = w.data;
  for (int64_t b = 0; b < B; ++b) {
    split_bf16(v + b * ldv, w.rows, split.data(), split.data() + stored);
    float* yb = y + b * ldy;
    int64_t p = 0;
    for (; p + 4 <= panels; p += 4) {
      dot_panels<4>(pairs, split.data(), split.data() + stored, data + p * w.panel_stride,
                    w.panel_stride, w.cols - p * kBf16Panel, yb + p * kBf16Panel);
    }
    for (; p < panels; ++p) {
      dot_panels<1>(pairs, split.data(), split.data() + stored, data + p * w.panel_stride,
                    w.panel_stride, w.cols - p * kBf16Panel, yb + p * kBf16Panel);
    }
  }
}

#undef RECUR_BF16_TARGET

#else

bool use_bf16_dot() { return false; }
void step_matmul_acc_bf16_dot(int64_t, const float*, int64_t, const PackedRows16&, float*,
                              int64_t) {}

#endif

}  // namespace recur::kernels::detail

namespace recur::kernels {

void set_bf16_dot_product(bool enabled) {
#if defined(__x86_64__)
  detail::bf16_dot_enabled = enabled;
#else
  static_cast<void>(enabled);
#endif
}

}  // namespace recur::kernels
