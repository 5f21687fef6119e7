// Compiled once per SIMD target (hwy/foreach_target.h re-includes this file): the register
// blocks of step_matmul_acc differ per target, and the public entry point picks the best target
// the CPU has, at run time. The packing (PackedMatrix, PackedMatrix16) is target-independent.
// One set of register blocks serves fp32 and 16-bit weights: only the load of a panel row
// differs (PanelLoad). bf16 at a few rows goes to vdpbf16ps where the CPU has it
// (step_matmul_bf16.cpp).
#include "recur/kernels/step_matmul.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "recur/tensor/error.h"
#include "step_matmul_bf16.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/step_matmul.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace recur::kernels::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t kPanel = PackedMatrix::kPanelWidth;
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// AVX-512: a panel is one 16-lane vector, and 12 of the 32 registers hold the accumulators of a
// 12-row block (measured 8-26% faster than 6 rows x two 8-lane halves for B >= 8, docs/KERNELS.md).
using DV = hn::CappedTag<float, 16>;
#else
// A panel is two 8-lane vectors (AVX2's width; SSE4's 4-lane vectors take four).
using DV = hn::CappedTag<float, 8>;
#endif
using VV = hn::Vec<DV>;
constexpr int64_t kVecs = kPanel / static_cast<int64_t>(hn::MaxLanes(DV()));
// The main register block: kRows rows x one panel = 12 accumulators, of the 16 registers of
// AVX2 (6 x 2 vectors, leaving room for the panel's two loaded vectors and the broadcast:
// BLIS's AVX2 shape) or of AVX-512's 32 (12 x 1). SSE4 keeps 6 rows (24 accumulators, which
// spill): it is the fallback for CPUs older than 2013, not tuned.
constexpr int64_t kRows = kVecs == 1 ? 12 : 6;

// Panels per pass for a block of fewer than kRows rows: an FMA chain must wait for its previous
// result, so a pass keeps several independent accumulators (rows x kVecs per panel; 8-12 on
// AVX2). One row on AVX-512 takes 4 panels, not 8: at B = 1 the kernel waits on loads, and 8
// concurrent panel streams measured up to 10% slower.
constexpr int64_t panels_per_pass(int64_t rows) {
  const int64_t chains = rows * kVecs;
  return chains >= 8 ? 1 : chains >= 4 ? 2 : 4;
}

// A PackedRows or PackedRows16 as the register blocks read it: panels of T.
template <class T>
struct Panels {
  const T* data;
  int64_t rows, cols, panel_stride;
};

// How a register block reads a panel's weights as fp32 vectors, kRowsPerLoad rows of the panel
// at a time. fp32 as stored; fp16 widened by F16C's vcvtph2ps (AVX2, AVX-512; integer code on
// older targets). bf16 is stored as pairs of rows (PackedMatrix16: [k/2][column][k%2]), so that
// one load holds two rows and widening is a shift (even row) and a mask (odd row). On Zen 4
// vcvtph2ps takes 2 cycles per 16 lanes, as long as L2 takes to deliver 16 fp32 weights, so fp16
// measured no faster than fp32 there (1 x 128 x 512: 2.45 against 2.44 us); bf16 pairs took
// 1.75 us, their shifts sharing a port with the FMAs (PERFORMANCE.md, "16-bit streaming
// weights").
template <class T>
struct PanelLoad {
  static constexpr int64_t kRowsPerLoad = 1;
  static HWY_INLINE void load(DV d, const T* w, VV* out) {
    if constexpr (std::is_same_v<T, float>) {
      out[0] = hn::Load(d, w);
    } else {
      const hn::Rebind<T, DV> d16;
      out[0] = hn::PromoteTo(d, hn::Load(d16, w));
    }
  }
};
template <>
struct PanelLoad<hwy::bfloat16_t> {
  static constexpr int64_t kRowsPerLoad = 2;
  static HWY_INLINE void load(DV d, const hwy::bfloat16_t* w, VV* out) {
    const hn::RebindToUnsigned<DV> du;
    const auto pairs = hn::Load(du, reinterpret_cast<const uint32_t*>(w));
    out[0] = hn::BitCast(d, hn::ShiftLeft<16>(pairs));
    out[1] = hn::BitCast(d, hn::And(pairs, hn::Set(du, 0xFFFF0000u)));
  }
};

// Rows of a panel multiplied in one pass: 256 x 16 floats = 16 KiB, which stay in L1 while
// every row block uses them.
constexpr int64_t kDepth = 256;

// Where a register block finds v[r, k]: at v[r * row + k * k_step]. Rows of v as given are
// {ldv, 1}; a row block packed by pack_row_blocks is {1, kRows}.
struct VStrides {
  int64_t row, k_step;
};

// acc[rows][panels * kVecs] += v[0:rows, k:k+used] * rows k..k+used of `panels` consecutive
// panels (used <= kRowsPerLoad: bf16's odd last row takes the even half of its pair).
template <int64_t rows, int64_t panels, int64_t used, class T, class Acc>
HWY_INLINE void multiply_rows(Acc& acc, int64_t k, const float* v, VStrides vs, const T* w,
                              int64_t panel_stride) {
  const DV d;
  constexpr int64_t S = PanelLoad<T>::kRowsPerLoad, L = kPanel / kVecs, cols = panels * kVecs;
  VV wk[S][cols];
  for (int64_t p = 0; p < panels; ++p) {
    for (int64_t c = 0; c < kVecs; ++c) {
      VV loaded[S];
      PanelLoad<T>::load(d, w + p * panel_stride + k * kPanel + c * L * S, loaded);
      for (int64_t s = 0; s < S; ++s) wk[s][p * kVecs + c] = loaded[s];
    }
  }
  for (int64_t s = 0; s < used; ++s) {
    for (int64_t r = 0; r < rows; ++r) {
      const VV x = hn::Set(d, v[r * vs.row + (k + s) * vs.k_step]);
      for (int64_t c = 0; c < cols; ++c) acc[r][c] = hn::MulAdd(x, wk[s][c], acc[r][c]);
    }
  }
}

// y[0:rows, 0:panels*kPanel] += v[0:rows, 0:K] * the K rows of `panels` consecutive panels,
// accumulated in registers.
template <int64_t rows, int64_t panels, class T>
HWY_INLINE void block(int64_t K, const float* v, VStrides vs, const T* w, int64_t panel_stride,
                      float* y, int64_t ldy) {
  const DV d;
  constexpr int64_t L = kPanel / kVecs;
  constexpr int64_t cols = panels * kVecs;
  constexpr int64_t S = PanelLoad<T>::kRowsPerLoad;
  VV acc[rows][cols];
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) acc[r][c] = hn::LoadU(d, y + r * ldy + c * L);
  }
  int64_t k = 0;
  for (; k + S <= K; k += S) multiply_rows<rows, panels, S>(acc, k, v, vs, w, panel_stride);
  if (k < K) multiply_rows<rows, panels, 1>(acc, k, v, vs, w, panel_stride);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) hn::StoreU(acc[r][c], d, y + r * ldy + c * L);
  }
}

// The last panel when N is not a multiple of kPanel: through a full-width copy of y's columns,
// so that nothing past column N is read or written.
template <int64_t rows, class T>
void partial_panel(int64_t K, int64_t width, const float* v, VStrides vs, const T* w, float* y,
                   int64_t ldy) {
  alignas(64) float tile[rows * kPanel] = {};
  for (int64_t r = 0; r < rows; ++r) std::memcpy(tile + r * kPanel, y + r * ldy, width * 4);
  block<rows, 1>(K, v, vs, w, 0, tile, kPanel);
  for (int64_t r = 0; r < rows; ++r) std::memcpy(y + r * ldy, tile + r * kPanel, width * 4);
}

// `rows` (< kRows) rows over every panel, for K rows of w starting at w.data. Fewer rows give
// fewer accumulators per panel, and an FMA chain must wait for its previous result, so they
// take several panels per pass (panels_per_pass).
template <int64_t rows, class T>
void row_block(int64_t K, const float* v, int64_t ldv, const Panels<T>& w, float* y, int64_t ldy) {
  constexpr int64_t group = panels_per_pass(rows);
  const int64_t full = w.cols / kPanel;
  const VStrides vs{ldv, 1};
  int64_t p = 0;
  for (; p + group <= full; p += group) {
    block<rows, group>(K, v, vs, w.data + p * w.panel_stride, w.panel_stride, y + p * kPanel, ldy);
  }
  for (; p < full; ++p) {
    block<rows, 1>(K, v, vs, w.data + p * w.panel_stride, 0, y + p * kPanel, ldy);
  }
  if (full * kPanel < w.cols) {
    partial_panel<rows>(K, w.cols - full * kPanel, v, vs, w.data + full * w.panel_stride,
                        y + full * kPanel, ldy);
  }
}

template <class T, int64_t... R>
void leftover_rows(std::integer_sequence<int64_t, R...>, int64_t rows, int64_t K, const float* v,
                   int64_t ldv, const Panels<T>& w, float* y, int64_t ldy) {
  // The fold stops at the first match; its value is not needed (clang warns without the cast).
  static_cast<void>(
      ((rows == R + 1 ? (row_block<R + 1>(K, v, ldv, w, y, ldy), true) : false) || ...));
}

// Fewer than kRows rows, with the row count as a template argument.
template <class T>
void leftover_rows(int64_t rows, int64_t K, const float* v, int64_t ldv, const Panels<T>& w,
                   float* y, int64_t ldy) {
  leftover_rows(std::make_integer_sequence<int64_t, kRows - 1>(), rows, K, v, ldv, w, y, ldy);
}

// Rows multiplied by every panel before the next rows start (a multiple of kRows): a step's
// batch is one chunk; a whole input projection (thousands of rows) goes chunk by chunk so that
// the chunk's rows of v, packed (96 x K floats, 96 KiB for K = 256), stay in L2 while every
// panel passes over them.
constexpr int64_t kChunkRows = 96;

// Copies the first full_rows rows of v, kRows at a time, k-major ([block][k][kRows]): the
// broadcasts of a register block then read one contiguous stream instead of kRows rows.
const float* pack_row_blocks(int64_t full_rows, int64_t K, const float* v, int64_t ldv) {
  thread_local std::vector<float> packed;
  packed.resize(static_cast<size_t>(full_rows * K));
  for (int64_t b = 0; b < full_rows; b += kRows) {
    float* out = packed.data() + b * K;
    for (int64_t r = 0; r < kRows; ++r) {
      const float* row = v + (b + r) * ldv;
      for (int64_t k = 0; k < K; ++k) out[k * kRows + r] = row[k];
    }
  }
  return packed.data();
}

// The full row blocks, panel by panel and, within a panel, kDepth rows of it at a time: that
// part of the panel serves every row block while in L1, and the panel's y columns (B x 16) stay
// in L1 from one depth block to the next.
template <class T>
void full_row_blocks(int64_t full_rows, const float* v, int64_t ldv, const Panels<T>& w, float* y,
                     int64_t ldy) {
  if (full_rows == 0) return;
  const float* vp = pack_row_blocks(full_rows, w.rows, v, ldv);
  const VStrides packed_v{1, kRows};
  const int64_t full = w.cols / kPanel;
  const int64_t width = w.cols - full * kPanel;  // of a last, partial panel
  for (int64_t p = 0; p <= full; ++p) {
    if (p == full && width == 0) break;
    for (int64_t k0 = 0; k0 < w.rows; k0 += kDepth) {
      const int64_t K = std::min(kDepth, w.rows - k0);
      const T* panel = w.data + p * w.panel_stride + k0 * kPanel;
      for (int64_t b = 0; b < full_rows; b += kRows) {
        const float* vb = vp + b * w.rows + k0 * kRows;
        float* yb = y + b * ldy + p * kPanel;
        if (p < full) {
          block<kRows, 1>(K, vb, packed_v, panel, 0, yb, ldy);
        } else {
          partial_panel<kRows>(K, width, vb, packed_v, panel, yb, ldy);
        }
      }
    }
  }
}

// Rows that a pass over every panel takes alone (leftover_rows) run slower the fewer they are:
// under 8 rows, too few accumulators share each weight load. So where the last B % kRows rows
// are fewer than 8 and a full block precedes them, that block and they become two passes of 6-10
// rows each: 16 rows as 8 + 8 instead of 12 + 4 made the step 7-18% faster at B = 16 and 3-7% at
// B = 64 (bench_gemm BM_StepMatmulForward, docs/KERNELS.md). Every row's sums are the same
// either way, so the bits do not change.
constexpr int64_t kMinLeftoverRows = 8;

template <class T>
void product(int64_t B, const float* v, int64_t ldv, const Panels<T>& w, float* y, int64_t ldy) {
  int64_t full_rows = B / kRows * kRows;
  const int64_t leftover = B - full_rows;
  if (kRows > kMinLeftoverRows && full_rows > 0 && leftover > 0 && leftover < kMinLeftoverRows) {
    full_rows -= kRows;
  }
  for (int64_t b = 0; b < full_rows; b += kChunkRows) {
    full_row_blocks(std::min(kChunkRows, full_rows - b), v + b * ldv, ldv, w, y + b * ldy, ldy);
  }
  // The rest are one or two passes over the panels, with nothing to reuse between passes.
  const int64_t rest = B - full_rows;
  const int64_t first = rest >= kRows ? (rest + 1) / 2 : rest;
  leftover_rows(first, w.rows, v + full_rows * ldv, ldv, w, y + full_rows * ldy, ldy);
  const int64_t second = full_rows + first;
  leftover_rows(rest - first, w.rows, v + second * ldv, ldv, w, y + second * ldy, ldy);
}

void step_matmul_acc_impl(int64_t B, const float* v, int64_t ldv, const PackedRows& w, float* y,
                          int64_t ldy) {
  product(B, v, ldv, Panels<float>{w.data, w.rows, w.cols, w.panel_stride}, y, ldy);
}

template <class T>
Panels<T> panels_of(const PackedRows16& w) {
  return {reinterpret_cast<const T*>(w.data), w.rows, w.cols, w.panel_stride};
}

void step_matmul_acc16_impl(int64_t B, const float* v, int64_t ldv, const PackedRows16& w, float* y,
                            int64_t ldy) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if (w.precision == WeightPrecision::kBFloat16 && B <= detail::kBf16DotMaxRows &&
      detail::use_bf16_dot()) {
    detail::step_matmul_acc_bf16_dot(B, v, ldv, w, y, ldy);
    return;
  }
#endif
  if (w.precision == WeightPrecision::kBFloat16) {
    product(B, v, ldv, panels_of<hwy::bfloat16_t>(w), y, ldy);
  } else {
    product(B, v, ldv, panels_of<hwy::float16_t>(w), y, ldy);
  }
}

}  // namespace recur::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace recur::kernels {

constexpr int64_t kPanel = PackedMatrix::kPanelWidth;

PackedMatrix::PackedMatrix(int64_t K, int64_t N) : rows_(K), cols_(N) {
  const int64_t floats = K * ((N + kPanel - 1) / kPanel) * kPanel;
  const size_t bytes = static_cast<size_t>(std::max<int64_t>(1, floats)) * sizeof(float);
  data_.reset(static_cast<float*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
  if (data_ == nullptr) throw std::bad_alloc();
  std::fill(data_.get(), data_.get() + floats, 0.0f);
}

PackedMatrix PackedMatrix::from_rows(int64_t K, int64_t N, const float* w) {
  PackedMatrix m(K, N);
  for (int64_t j0 = 0; j0 < N; j0 += kPanel) {
    float* panel = m.panel(j0 / kPanel);
    const int64_t width = std::min(kPanel, N - j0);
    for (int64_t k = 0; k < K; ++k)
      std::copy(w + k * N + j0, w + k * N + j0 + width, panel + k * kPanel);
  }
  return m;
}

PackedMatrix PackedMatrix::from_transposed(int64_t N, int64_t K, const float* W) {
  PackedMatrix m(K, N);
  for (int64_t j = 0; j < N; ++j) {
    float* panel = m.panel(j / kPanel) + j % kPanel;
    for (int64_t k = 0; k < K; ++k) panel[k * kPanel] = W[j * K + k];
  }
  return m;
}

PackedRows PackedMatrix::slice(int64_t k_begin, int64_t k_end) const {
  return PackedRows{data_.get() + k_begin * kPanel, k_end - k_begin, cols_, rows_ * kPanel};
}

HWY_EXPORT(step_matmul_acc_impl);
HWY_EXPORT(step_matmul_acc16_impl);

void step_matmul_acc(int64_t B, const float* v, int64_t ldv, const PackedRows& w, float* y,
                     int64_t ldy) {
  HWY_DYNAMIC_DISPATCH(step_matmul_acc_impl)(B, v, ldv, w, y, ldy);
}

void step_matmul_acc(int64_t B, const float* v, int64_t ldv, const PackedRows16& w, float* y,
                     int64_t ldy) {
  HWY_DYNAMIC_DISPATCH(step_matmul_acc16_impl)(B, v, ldv, w, y, ldy);
}

namespace {

// fp16 bits of f, rounded to nearest even (F16C's vcvtps2ph, done portably: packing runs once).
// Magnitudes from 65520 up give infinity, which PackedMatrix16 rejects.
uint16_t float16_bits(float f) {
  const auto x = std::bit_cast<uint32_t>(f);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t mag = x & 0x7fffffffu;
  if (mag > 0x7f800000u) return sign | 0x7e00u;   // NaN stays NaN
  if (mag >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520: infinity
  if (mag < 0x38800000u) {
    // Below 2^-14: a subnormal, in units of 2^-24; nearbyint rounds half to even.
    const float units = std::nearbyint(std::bit_cast<float>(mag) * 0x1p24f);
    return sign | static_cast<uint16_t>(units);
  }
  // Round the 13 dropped mantissa bits to nearest even (a carry moves into the exponent as it
  // should), then rebias the exponent from 127 to 15.
  const uint32_t rounded = mag + 0xfffu + ((mag >> 13) & 1u);
  return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
}

float float16_value(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0) {
    const float m = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -m : m;
  }
  const uint32_t bits =
      exponent == 31 ? 0x7f800000u | (mantissa << 13) : ((exponent + 112) << 23) | (mantissa << 13);
  return std::bit_cast<float>(sign | bits);
}

uint16_t bfloat16_bits(float f) {
  const auto x = std::bit_cast<uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);
  return static_cast<uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

float bfloat16_value(uint16_t b) { return std::bit_cast<float>(uint32_t{b} << 16); }

void check_precision(WeightPrecision p) {
  if (p != WeightPrecision::kFloat32 && p != WeightPrecision::kFloat16 &&
      p != WeightPrecision::kBFloat16) {
    throw ValueError("weight precision: unknown value " + std::to_string(static_cast<int>(p)) +
                     " (expected fp32, fp16 or bf16)");
  }
}

}  // namespace

const char* weight_precision_name(WeightPrecision p) {
  check_precision(p);
  return p == WeightPrecision::kFloat32 ? "fp32" : p == WeightPrecision::kFloat16 ? "fp16" : "bf16";
}

float round_weight(float w, WeightPrecision p) {
  check_precision(p);
  if (p == WeightPrecision::kFloat16) return float16_value(float16_bits(w));
  if (p == WeightPrecision::kBFloat16) return bfloat16_value(bfloat16_bits(w));
  return w;
}

// The fp32 packing, each element rounded: the same panels, bf16 with each panel's rows in
// pairs ([k/2][column][k%2], a last odd row paired with zeros) for the kernel's pair loads.
PackedMatrix16 PackedMatrix16::rounded(const PackedMatrix& m, WeightPrecision precision) {
  check_precision(precision);
  if (precision == WeightPrecision::kFloat32) {
    throw ValueError("PackedMatrix16: precision must be fp16 or bf16, got fp32 (use PackedMatrix)");
  }
  const bool half = precision == WeightPrecision::kFloat16;
  PackedMatrix16 out;
  out.rows_ = m.rows();
  out.cols_ = m.cols();
  out.precision_ = precision;
  out.panel_stride_ = (half ? m.rows() : (m.rows() + 1) / 2 * 2) * kPanel;
  const int64_t panels = (m.cols() + kPanel - 1) / kPanel;
  const size_t bytes =
      static_cast<size_t>(std::max<int64_t>(1, panels * out.panel_stride_)) * sizeof(uint16_t);
  out.data_.reset(static_cast<uint16_t*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
  if (out.data_ == nullptr) throw std::bad_alloc();
  std::fill(out.data_.get(), out.data_.get() + panels * out.panel_stride_, uint16_t{0});
  const PackedRows src = m.all();
  for (int64_t p = 0; p < panels; ++p) {
    for (int64_t k = 0; k < m.rows(); ++k) {
      for (int64_t j = 0; j < kPanel; ++j) {
        const float w = src.data[p * src.panel_stride + k * kPanel + j];
        uint16_t* panel = out.data_.get() + p * out.panel_stride_;
        if (!half) {
          panel[k / 2 * 2 * kPanel + j * 2 + k % 2] = bfloat16_bits(w);
          continue;
        }
        panel[k * kPanel + j] = float16_bits(w);
        if (std::isfinite(w) && std::isinf(float16_value(panel[k * kPanel + j]))) {
          throw ValueError("PackedMatrix16: weight " + std::to_string(w) + " at row " +
                           std::to_string(k) + ", column " + std::to_string(p * kPanel + j) +
                           " of the packed [K, N] matrix does not fit fp16 (|w| < 65520); bf16 "
                           "keeps fp32's range");
        }
      }
    }
  }
  return out;
}

PackedMatrix16 PackedMatrix16::from_rows(int64_t K, int64_t N, const float* w,
                                         WeightPrecision precision) {
  return rounded(PackedMatrix::from_rows(K, N, w), precision);
}

PackedMatrix16 PackedMatrix16::from_transposed(int64_t N, int64_t K, const float* W,
                                               WeightPrecision precision) {
  return rounded(PackedMatrix::from_transposed(N, K, W), precision);
}

PackedRows16 PackedMatrix16::slice(int64_t k_begin, int64_t k_end) const {
  if (precision_ == WeightPrecision::kBFloat16 && k_begin % 2 != 0) {
    throw ValueError(
        "PackedMatrix16::slice: a bf16 slice must start at an even row (rows are "
        "stored in pairs), got " +
        std::to_string(k_begin));
  }
  return PackedRows16{data_.get() + k_begin * kPanel, k_end - k_begin, cols_, panel_stride_,
                      precision_};
}

}  // namespace recur::kernels
#endif  // HWY_ONCE
