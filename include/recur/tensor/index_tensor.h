// IndexTensor: an int64 n-dimensional array, contiguous and row-major, for the integer data of
// sequence models: token ids, sequence lengths, class targets, chosen indices (argmax, topk,
// sampling) and 0/1 masks. It is a separate type from the float32 Tensor rather than a dtype
// flag on it because indices never take part in arithmetic or autograd: a separate type keeps
// Tensor's kernels, autograd state and storage float-only (no dtype branch in every op, no
// "gradient of an index" to reject at run time), and an op's signature says which arguments are
// positions (IndexTensor) and which are values (Tensor), so passing one for the other is a
// compile error. It has value semantics: copying an IndexTensor copies its numbers (index data
// is small next to activations, and no aliasing means no surprise writes through a row), so
// row(i), rows() and reshape() return copies. As with Tensor, a wrong shape or an access
// outside the shape (at, row) is a ShapeError; an index VALUE outside what it indexes
// (check_range, and the ops) is a ValueError; each names the shape or value at fault.
//
//   IndexTensor ids = IndexTensor::from_vector({2, 3}, {5, 1, 0, 7, 7, 2});
//   ids.at({1, 0});             // 7
//   IndexTensor first = ids.row(0);   // [3]: {5, 1, 0}
//   Tensor e = embedding(table, ids); // ops take IndexTensor for positions
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur {

class IndexTensor {
 public:
  IndexTensor() = default;  // shape [0], no elements

  // --- Factories -------------------------------------------------------------------------
  // values.size() must equal shape_numel(shape) (ShapeError naming both otherwise).
  static IndexTensor from_vector(const Shape& shape, std::vector<int64_t> values);
  static IndexTensor zeros(const Shape& shape) { return full(shape, 0); }
  static IndexTensor full(const Shape& shape, int64_t value);
  static IndexTensor scalar(int64_t value) { return full({}, value); }
  static IndexTensor arange(int64_t n);  // [0, 1, ..., n-1]; n >= 0

  // --- Shape -----------------------------------------------------------------------------
  const Shape& shape() const { return shape_; }
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  // Size of dimension d; negative d counts from the end. ShapeError if out of range.
  int64_t size(int64_t d) const;
  int64_t numel() const { return static_cast<int64_t>(values_.size()); }

  // --- Data ------------------------------------------------------------------------------
  int64_t* data() { return values_.data(); }
  const int64_t* data() const { return values_.data(); }
  std::span<int64_t> span() { return values_; }
  std::span<const int64_t> span() const { return values_; }
  const std::vector<int64_t>& to_vector() const { return values_; }
  // Bounds-checked element access: ShapeError for the wrong number of indices or one outside
  // its dimension (naming both).
  int64_t& at(std::initializer_list<int64_t> index);
  int64_t at(std::initializer_list<int64_t> index) const;
  int64_t item() const;  // the value of a one-element tensor

  // --- Copies ----------------------------------------------------------------------------
  IndexTensor row(int64_t i) const;                    // axis 0 removed
  IndexTensor rows(int64_t begin, int64_t end) const;  // [begin, end) along axis 0
  IndexTensor reshape(const Shape& shape) const;       // same numbers; one -1 inferred
  // The values as float32 (exact up to 2^24): for masks and targets that float ops consume.
  Tensor to_float() const;
  // The integer values of a float tensor; ValueError naming `what` and the position of the
  // first entry that is not an integer (NaN, 0.5, ...).
  static IndexTensor from_float(const Tensor& t, const std::string& what = "tensor");

  // ValueError naming `what`, the position and the range unless every entry is in [low, high).
  void check_range(int64_t low, int64_t high, const std::string& what) const;

  friend bool operator==(const IndexTensor& a, const IndexTensor& b) = default;

 private:
  explicit IndexTensor(Shape shape, std::vector<int64_t> values)
      : shape_(std::move(shape)), values_(std::move(values)) {}
  Shape shape_ = {0};
  std::vector<int64_t> values_;
};

// "[1, 2]": the multi-dimensional position of flat element `flat` in `shape`, for messages.
std::string position_str(const Shape& shape, int64_t flat);

// Prints like PyTorch: tensor([[5, 1, 0], [7, 7, 2]]).
std::ostream& operator<<(std::ostream& os, const IndexTensor& t);
std::string to_string(const IndexTensor& t);

}  // namespace recur
