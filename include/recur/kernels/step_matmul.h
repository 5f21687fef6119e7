// The per-step recurrent product y[b, 0:N] += sum_k v[b, k] * w[k, 0:N] for b < B, with the
// weight packed once per sequence (PackedMatrix) and reused by every time step.
//
// A recurrent layer multiplies the same weight (W_hh^T forward, W_hh backward) by a new small
// matrix at every step. A BLAS call repacks the weight on each call and has no fast path for a
// few batch rows; read unpacked, rows of the weight that lie 4 KiB apart share one L1 cache set
// and evict each other. Packing into contiguous column panels once removes both costs
// (docs/KERNELS.md has the numbers). Always single-threaded, so it can run inside a parallel
// region or next to one.
//
// A weight can also be packed in 16 bits (PackedMatrix16, fp16 or bf16) for a product that is
// bound by reading the weight (a streaming step at batch 1): half the bytes, each weight rounded
// once at packing and widened to fp32 in registers, the sums accumulated in fp32.
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

// How a packed weight is stored. Rounding a weight to nearest even costs it a relative error of
// at most 2^-11 in fp16 (11 significant bits; magnitudes below 2^-14 lose bits, an absolute
// error of at most 2^-25, and 65520 and above do not fit) and 2^-8 in bf16 (8 bits, fp32's
// range). Widening back to fp32 is exact.
enum class WeightPrecision { kFloat32, kFloat16, kBFloat16 };

// "fp32", "fp16", "bf16"; ValueError for a value outside the enum.
const char* weight_precision_name(WeightPrecision p);
// w as a weight packed in precision p is seen by the product (rounded to nearest even).
float round_weight(float w, WeightPrecision p);

// Rows [k_begin, k_end) of a 16-bit packed matrix; data holds fp16 or bf16 bit patterns.
struct PackedRows16 {
  const uint16_t* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t panel_stride = 0;  // elements from one panel to the next
  WeightPrecision precision = WeightPrecision::kFloat16;
};

// PackedMatrix's panels (kPanelWidth columns, zero-padded) in fp16 or bf16; bf16 keeps a
// panel's rows in pairs (row 2i and 2i+1 of a column side by side: one load widens to both).
class PackedMatrix16 {
 public:
  PackedMatrix16() = default;
  // As PackedMatrix's; ValueError for precision kFloat32, and for an fp16 weight that does not
  // fit fp16 (|w| >= 65520; its row and column named).
  static PackedMatrix16 from_rows(int64_t K, int64_t N, const float* w, WeightPrecision precision);
  static PackedMatrix16 from_transposed(int64_t N, int64_t K, const float* W,
                                        WeightPrecision precision);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  WeightPrecision precision() const { return precision_; }
  bool empty() const { return data_ == nullptr; }
  PackedRows16 all() const { return slice(0, rows_); }
  // ValueError for bf16 and an odd k_begin.
  PackedRows16 slice(int64_t k_begin, int64_t k_end) const;

 private:
  static PackedMatrix16 rounded(const PackedMatrix& m, WeightPrecision precision);

  struct Free {
    void operator()(uint16_t* p) const { std::free(p); }
  };
  int64_t rows_ = 0, cols_ = 0, panel_stride_ = 0;
  WeightPrecision precision_ = WeightPrecision::kFloat16;
  std::unique_ptr<uint16_t[], Free> data_;  // 64-byte aligned
};

// y [B, N] += v [B, K] * w [K, N] with w widened to fp32 on the fly; v, y and the sums in fp32.
// bf16 at one row on a CPU with AVX512_BF16 uses vdpbf16ps instead, v split into two bf16 parts
// (relative error 2^-17).
void step_matmul_acc(int64_t B, const float* v, int64_t ldv, const PackedRows16& w, float* y,
                     int64_t ldy);

// Whether bf16 at one row may use vdpbf16ps where the CPU has it (the default). Off, it takes
// the widening kernel of CPUs without AVX512_BF16: for tests and comparisons. Not thread-safe
// against running products.
void set_bf16_dot_product(bool enabled);

}  // namespace recur::kernels
