#include "recur/tensor/index_tensor.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>

namespace recur {

namespace {

int64_t index_flat(const Shape& shape, std::initializer_list<int64_t> index) {
  if (index.size() != shape.size()) {
    throw ShapeError("IndexTensor: index of rank " + std::to_string(index.size()) + " into shape " +
                     shape_str(shape));
  }
  int64_t flat = 0;
  size_t d = 0;
  for (int64_t i : index) {
    if (i < 0 || i >= shape[d]) {
      throw ShapeError("IndexTensor: index " + std::to_string(i) + " out of range [0, " +
                       std::to_string(shape[d]) + ") for dimension " + std::to_string(d) +
                       " of shape " + shape_str(shape));
    }
    flat = flat * shape[d] + i;
    ++d;
  }
  return flat;
}

// `requested` with its one -1 replaced so that it holds `numel` elements.
Shape resolve_index_shape(const Shape& from, const Shape& requested, int64_t numel) {
  Shape s = requested;
  int64_t known = 1;
  size_t inferred = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1 && inferred == s.size()) {
      inferred = i;
    } else if (s[i] < 0) {
      throw ShapeError("IndexTensor reshape: bad size in " + shape_str(requested));
    } else {
      known *= s[i];
    }
  }
  if (inferred < s.size() && known != 0 && numel % known == 0) s[inferred] = numel / known;
  if (std::find(s.begin(), s.end(), -1) != s.end() || shape_numel(s) != numel) {
    throw ShapeError("IndexTensor reshape: cannot reshape " + shape_str(from) + " (" +
                     std::to_string(numel) + " elements) to " + shape_str(requested));
  }
  return s;
}

void print_index_nested(std::ostream& os, const IndexTensor& t, size_t d, int64_t& next) {
  if (d == t.shape().size()) {
    os << t.data()[next++];
    return;
  }
  os << '[';
  for (int64_t i = 0; i < t.shape()[d]; ++i) {
    if (i > 0) os << ", ";
    print_index_nested(os, t, d + 1, next);
  }
  os << ']';
}

}  // namespace

std::string position_str(const Shape& shape, int64_t flat) {
  Shape pos(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 0) break;
    pos[d] = flat % shape[d];
    flat /= shape[d];
  }
  return shape_str(pos);
}

IndexTensor IndexTensor::from_vector(const Shape& shape, std::vector<int64_t> values) {
  const int64_t n = shape_numel(shape);
  if (static_cast<int64_t>(values.size()) != n) {
    throw ShapeError("IndexTensor::from_vector: shape " + shape_str(shape) + " needs " +
                     std::to_string(n) + " values, got " + std::to_string(values.size()));
  }
  return IndexTensor(shape, std::move(values));
}

IndexTensor IndexTensor::full(const Shape& shape, int64_t value) {
  return IndexTensor(shape, std::vector<int64_t>(static_cast<size_t>(shape_numel(shape)), value));
}

IndexTensor IndexTensor::arange(int64_t n) {
  if (n < 0) throw ValueError("IndexTensor::arange: n must be >= 0, got " + std::to_string(n));
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return IndexTensor({n}, std::move(v));
}

int64_t IndexTensor::size(int64_t d) const {
  const int64_t axis = d < 0 ? d + dim() : d;
  if (axis < 0 || axis >= dim()) {
    throw ShapeError("IndexTensor: dimension " + std::to_string(d) + " out of range for shape " +
                     shape_str(shape_));
  }
  return shape_[static_cast<size_t>(axis)];
}

int64_t& IndexTensor::at(std::initializer_list<int64_t> index) {
  return values_[static_cast<size_t>(index_flat(shape_, index))];
}

int64_t IndexTensor::at(std::initializer_list<int64_t> index) const {
  return values_[static_cast<size_t>(index_flat(shape_, index))];
}

int64_t IndexTensor::item() const {
  if (numel() != 1) {
    throw ShapeError("IndexTensor::item needs one element, got shape " + shape_str(shape_));
  }
  return values_[0];
}

IndexTensor IndexTensor::rows(int64_t begin, int64_t end) const {
  if (dim() == 0) throw ShapeError("IndexTensor::rows on a scalar");
  if (begin < 0 || end < begin || end > shape_[0]) {
    throw ShapeError("IndexTensor::rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") out of range for shape " + shape_str(shape_));
  }
  Shape s = shape_;
  s[0] = end - begin;
  const int64_t row_size = shape_numel(Shape(shape_.begin() + 1, shape_.end()));
  auto first = values_.begin() + begin * row_size;
  return IndexTensor(std::move(s), std::vector<int64_t>(first, first + (end - begin) * row_size));
}

IndexTensor IndexTensor::row(int64_t i) const {
  if (dim() == 0) throw ShapeError("IndexTensor::row on a scalar");
  if (i < 0 || i >= shape_[0]) {
    throw ShapeError("IndexTensor::row " + std::to_string(i) + " out of range [0, " +
                     std::to_string(shape_[0]) + ") for shape " + shape_str(shape_));
  }
  IndexTensor r = rows(i, i + 1);
  r.shape_.erase(r.shape_.begin());
  return r;
}

IndexTensor IndexTensor::reshape(const Shape& shape) const {
  return IndexTensor(resolve_index_shape(shape_, shape, numel()), values_);
}

Tensor IndexTensor::to_float() const {
  Tensor t = Tensor::empty(shape_);
  for (int64_t i = 0; i < numel(); ++i) t.data()[i] = static_cast<float>(values_[i]);
  return t;
}

IndexTensor IndexTensor::from_float(const Tensor& t, const std::string& what) {
  std::vector<int64_t> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) {
    const float x = t.data()[i];
    // 2^62 keeps the cast defined; larger magnitudes are no index anyway.
    if (!(std::trunc(x) == x && std::fabs(x) < 0x1.0p62f)) {
      throw ValueError(what + ": entry " + std::to_string(x) + " at position " +
                       position_str(t.shape(), i) + " is not an integer");
    }
    v[static_cast<size_t>(i)] = static_cast<int64_t>(x);
  }
  return IndexTensor(t.shape(), std::move(v));
}

void IndexTensor::check_range(int64_t low, int64_t high, const std::string& what) const {
  for (int64_t i = 0; i < numel(); ++i) {
    const int64_t v = values_[static_cast<size_t>(i)];
    if (v < low || v >= high) {
      throw ValueError(what + ": index " + std::to_string(v) + " at position " +
                       position_str(shape_, i) + " out of range [" + std::to_string(low) + ", " +
                       std::to_string(high) + ")");
    }
  }
}

std::ostream& operator<<(std::ostream& os, const IndexTensor& t) {
  os << "tensor(";
  int64_t next = 0;
  print_index_nested(os, t, 0, next);
  return os << ")";
}

std::string to_string(const IndexTensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

}  // namespace recur
