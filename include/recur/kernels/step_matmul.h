// The per-step recurrent product y[b, 0:N] += sum_k v[b, k] * w[k, 0:N] for b < B, with the
// weight packed once per sequence (PackedMatrix) and reused by every time step.
//
// A recurrent layer multiplies the same weight (W_hh^T forward, W_hh backward) by a new small
// matrix at every step. A BLAS call repacks the weight on each call and has no fast path for a
// few batch rows; read unpacked, rows of the weight that lie 4 KiB apart share one L1 cache set
// and evict each other. Packing into contiguous column panels once removes both costs
// (docs/KERNELS.md has the numbers). Always single-threaded, so it can run inside a parallel
// region or next to one.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace recur::kernels {

// Rows [k_begin, k_end) of a packed matrix: what step_matmul_acc multiplies by.
struct PackedRows {
  const float* data = nullptr;  // first panel's row k_begin
  int64_t rows = 0;             // k_end - k_begin
  int64_t cols = 0;             // N
  int64_t panel_stride = 0;     // floats from one panel to the next
};

// A [K, N] matrix as panels of kPanelWidth columns, each panel's K rows contiguous; the last
// panel is zero-padded to full width.
class PackedMatrix {
 public:
  static constexpr int64_t kPanelWidth = 16;

  PackedMatrix() = default;
  // Packs w, row-major [K, N].
  static PackedMatrix from_rows(int64_t K, int64_t N, const float* w);
  // Packs W^T for W row-major [N, K], as a PyTorch weight is stored: products become v W^T.
  static PackedMatrix from_transposed(int64_t N, int64_t K, const float* W);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  bool empty() const { return data_ == nullptr; }
  PackedRows all() const { return slice(0, rows_); }
  PackedRows slice(int64_t k_begin, int64_t k_end) const;

 private:
  PackedMatrix(int64_t K, int64_t N);
  float* panel(int64_t p) { return data_.get() + p * rows_ * kPanelWidth; }

  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  int64_t rows_ = 0, cols_ = 0;
  std::unique_ptr<float[], Free> data_;  // 64-byte aligned: a panel row is one cache line
};

// y [B, N] (rows ldy apart) += v [B, K] (rows ldv apart) * w [K, N].
void step_matmul_acc(int64_t B, const float* v, int64_t ldv, const PackedRows& w, float* y,
                     int64_t ldy);

}  // namespace recur::kernels
