// Compiled once per SIMD target (hwy/foreach_target.h re-includes this file): the register
// blocks of step_matmul_acc differ per target, and the public entry point picks the best target
// the CPU has, at run time. The packing (PackedMatrix) is target-independent.
#include "recur/kernels/step_matmul.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

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

// Rows of a panel multiplied in one pass: 256 x 16 floats = 16 KiB, which stay in L1 while
// every row block uses them.
constexpr int64_t kDepth = 256;

// Where a register block finds v[r, k]: at v[r * row + k * k_step]. Rows of v as given are
// {ldv, 1}; a row block packed by pack_row_blocks is {1, kRows}.
struct VStrides {
  int64_t row, k_step;
};

// y[0:rows, 0:panels*kPanel] += v[0:rows, 0:K] * the K rows of `panels` consecutive panels,
// accumulated in registers.
template <int64_t rows, int64_t panels>
HWY_INLINE void block(int64_t K, const float* v, VStrides vs, const float* w, int64_t panel_stride,
                      float* y, int64_t ldy) {
  const DV d;
  constexpr int64_t L = kPanel / kVecs;
  constexpr int64_t cols = panels * kVecs;
  VV acc[rows][cols];
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) acc[r][c] = hn::LoadU(d, y + r * ldy + c * L);
  }
  for (int64_t k = 0; k < K; ++k) {
    VV wk[cols];
    for (int64_t p = 0; p < panels; ++p) {
      for (int64_t c = 0; c < kVecs; ++c) {
        wk[p * kVecs + c] = hn::Load(d, w + p * panel_stride + k * kPanel + c * L);
      }
    }
    for (int64_t r = 0; r < rows; ++r) {
      const VV s = hn::Set(d, v[r * vs.row + k * vs.k_step]);
      for (int64_t c = 0; c < cols; ++c) acc[r][c] = hn::MulAdd(s, wk[c], acc[r][c]);
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) hn::StoreU(acc[r][c], d, y + r * ldy + c * L);
  }
}

// The last panel when N is not a multiple of kPanel: through a full-width copy of y's columns,
// so that nothing past column N is read or written.
template <int64_t rows>
void partial_panel(int64_t K, int64_t width, const float* v, VStrides vs, const float* w, float* y,
                   int64_t ldy) {
  alignas(64) float tile[rows * kPanel] = {};
  for (int64_t r = 0; r < rows; ++r) std::memcpy(tile + r * kPanel, y + r * ldy, width * 4);
  block<rows, 1>(K, v, vs, w, 0, tile, kPanel);
  for (int64_t r = 0; r < rows; ++r) std::memcpy(y + r * ldy, tile + r * kPanel, width * 4);
}

// `rows` (< kRows) rows over every panel, for K rows of w starting at w.data. Fewer rows give
// fewer accumulators per panel, and an FMA chain must wait for its previous result, so they
// take several panels per pass (panels_per_pass).
template <int64_t rows>
void row_block(int64_t K, const float* v, int64_t ldv, const PackedRows& w, float* y, int64_t ldy) {
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

template <int64_t... R>
void leftover_rows(std::integer_sequence<int64_t, R...>, int64_t rows, int64_t K, const float* v,
                   int64_t ldv, const PackedRows& w, float* y, int64_t ldy) {
  // The fold stops at the first match; its value is not needed (clang warns without the cast).
  static_cast<void>(
      ((rows == R + 1 ? (row_block<R + 1>(K, v, ldv, w, y, ldy), true) : false) || ...));
}

// The last B % kRows rows, with the row count as a template argument.
void leftover_rows(int64_t rows, int64_t K, const float* v, int64_t ldv, const PackedRows& w,
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
void full_row_blocks(int64_t full_rows, const float* v, int64_t ldv, const PackedRows& w, float* y,
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
      const float* panel = w.data + p * w.panel_stride + k0 * kPanel;
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

void step_matmul_acc_impl(int64_t B, const float* v, int64_t ldv, const PackedRows& w, float* y,
                          int64_t ldy) {
  const int64_t full_rows = B / kRows * kRows;
  for (int64_t b = 0; b < full_rows; b += kChunkRows) {
    full_row_blocks(std::min(kChunkRows, full_rows - b), v + b * ldv, ldv, w, y + b * ldy, ldy);
  }
  // The last B % kRows rows are one pass over the panels, with nothing to reuse between passes.
  leftover_rows(B - full_rows, w.rows, v + full_rows * ldv, ldv, w, y + full_rows * ldy, ldy);
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

void step_matmul_acc(int64_t B, const float* v, int64_t ldv, const PackedRows& w, float* y,
                     int64_t ldy) {
  HWY_DYNAMIC_DISPATCH(step_matmul_acc_impl)(B, v, ldv, w, y, ldy);
}

}  // namespace recur::kernels
#endif  // HWY_ONCE
