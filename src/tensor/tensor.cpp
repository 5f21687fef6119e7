#include "recur/tensor/tensor.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>

#include "recur/autograd/backward.h"
#include "recur/autograd/node.h"

namespace recur {

std::string shape_str(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) {
    if (s < 0) throw ValueError("negative size in shape " + shape_str(shape));
    if (s != 0 && n > std::numeric_limits<int64_t>::max() / s) {
      throw ValueError("shape " + shape_str(shape) + " has too many elements");
    }
    n *= s;
  }
  return n;
}

namespace {

std::shared_ptr<TensorImpl> make_impl(const Shape& shape) {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->numel = shape_numel(shape);
  impl->storage = std::make_shared<FloatBuffer>(static_cast<size_t>(impl->numel));
  return impl;
}

// A new handle on the same numbers, with no autograd state.
std::shared_ptr<TensorImpl> alias(const TensorImpl& src, int64_t offset, Shape shape) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = src.storage;
  impl->offset = offset;
  impl->numel = shape_numel(shape);
  impl->shape = std::move(shape);
  return impl;
}

int64_t flat_index(const Shape& shape, std::initializer_list<int64_t> index) {
  if (index.size() != shape.size()) {
    throw ShapeError("index of rank " + std::to_string(index.size()) + " into tensor of shape " +
                     shape_str(shape));
  }
  int64_t flat = 0;
  size_t d = 0;
  for (int64_t i : index) {
    if (i < 0 || i >= shape[d]) {
      throw ShapeError("index " + std::to_string(i) + " out of range for dimension " +
                       std::to_string(d) + " of shape " + shape_str(shape));
    }
    flat = flat * shape[d] + i;
    ++d;
  }
  return flat;
}

}  // namespace

void Tensor::throw_undefined() { throw Error("use of an undefined Tensor"); }

Tensor Tensor::empty(const Shape& shape) { return Tensor(make_impl(shape)); }
Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.0f); }
Tensor Tensor::ones(const Shape& shape) { return full(shape, 1.0f); }

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  t.fill_(value);
  return t;
}

Tensor Tensor::scalar(float value) { return full({}, value); }

Tensor Tensor::from_vector(const Shape& shape, std::vector<float> values) {
  const int64_t n = shape_numel(shape);
  if (static_cast<int64_t>(values.size()) != n) {
    throw ShapeError("from_vector: shape " + shape_str(shape) + " needs " + std::to_string(n) +
                     " values, got " + std::to_string(values.size()));
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->numel = n;
  impl->storage = std::make_shared<FloatBuffer>(values.size());
  std::copy(values.begin(), values.end(), impl->storage->data());
  return Tensor(impl);
}

Tensor Tensor::arange(int64_t n) {
  Tensor t = empty({n});
  for (int64_t i = 0; i < n; ++i) t.data()[i] = static_cast<float>(i);
  return t;
}

Tensor Tensor::uniform(const Shape& shape, float low, float high, Generator& gen) {
  Tensor t = empty(shape);
  for (float& v : t.span()) v = gen.uniform(low, high);
  return t;
}

Tensor Tensor::normal(const Shape& shape, float mean, float stddev, Generator& gen) {
  Tensor t = empty(shape);
  for (float& v : t.span()) v = gen.normal(mean, stddev);
  return t;
}

Tensor Tensor::bernoulli(const Shape& shape, float p, Generator& gen) {
  if (!(p >= 0.0f && p <= 1.0f)) {
    throw ValueError("bernoulli: probability must be in [0, 1], got " + std::to_string(p));
  }
  Tensor t = empty(shape);
  for (float& v : t.span()) v = gen.bernoulli(p) ? 1.0f : 0.0f;
  return t;
}

int64_t Tensor::size(int64_t d) const {
  const int64_t rank = dim();
  const int64_t axis = d < 0 ? d + rank : d;
  if (axis < 0 || axis >= rank) {
    throw ShapeError("dimension " + std::to_string(d) + " out of range for tensor of shape " +
                     shape_str(shape()));
  }
  return shape()[static_cast<size_t>(axis)];
}

float& Tensor::at(std::initializer_list<int64_t> index) {
  return data()[flat_index(shape(), index)];
}

float Tensor::at(std::initializer_list<int64_t> index) const {
  return data()[flat_index(shape(), index)];
}

float Tensor::item() const {
  if (numel() != 1) {
    throw ShapeError("item() needs a one-element tensor, got shape " + shape_str(shape()));
  }
  return data()[0];
}

Tensor Tensor::rows(int64_t begin, int64_t end) const {
  if (dim() == 0) throw ShapeError("rows() on a scalar tensor");
  const int64_t n = shape()[0];
  if (begin < 0 || end < begin || end > n) {
    throw ShapeError("rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") out of range for tensor of shape " + shape_str(shape()));
  }
  Shape s = shape();
  s[0] = end - begin;
  const int64_t row_size = n == 0 ? 0 : numel() / n;
  return Tensor(alias(impl(), impl().offset + begin * row_size, std::move(s)));
}

Tensor Tensor::row(int64_t i) const {
  Tensor r = rows(i, i + 1);
  Shape s(shape().begin() + 1, shape().end());
  return Tensor(alias(r.impl(), r.impl().offset, std::move(s)));
}

Tensor Tensor::view(const Shape& new_shape) const {
  Shape s = new_shape;
  int64_t known = 1;
  int inferred = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (inferred >= 0) throw ShapeError("view: more than one -1 in " + shape_str(new_shape));
      inferred = static_cast<int>(i);
    } else {
      if (s[i] < 0) throw ShapeError("view: negative size in " + shape_str(new_shape));
      known *= s[i];
    }
  }
  if (inferred >= 0) {
    if (known == 0 || numel() % known != 0) {
      throw ShapeError("view: cannot view shape " + shape_str(shape()) + " as " +
                       shape_str(new_shape));
    }
    s[static_cast<size_t>(inferred)] = numel() / known;
  }
  if (shape_numel(s) != numel()) {
    throw ShapeError("view: cannot view shape " + shape_str(shape()) + " (" +
                     std::to_string(numel()) + " elements) as " + shape_str(new_shape));
  }
  return Tensor(alias(impl(), impl().offset, std::move(s)));
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape());
  std::copy(data(), data() + numel(), t.data());
  return t;
}

Tensor& Tensor::fill_(float value) {
  std::fill(data(), data() + numel(), value);
  return *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
  if (src.numel() != numel()) {
    throw ShapeError("copy_: source of shape " + shape_str(src.shape()) +
                     " does not fit destination of shape " + shape_str(shape()));
  }
  std::copy(src.data(), src.data() + numel(), data());
  return *this;
}

bool Tensor::shares_storage_with(const Tensor& other) const {
  return defined() && other.defined() && impl().storage == other.impl().storage;
}

Tensor& Tensor::set_requires_grad(bool on) {
  if (!is_leaf()) {
    throw Error("set_requires_grad: only leaf tensors can be marked; use detach() first");
  }
  impl().requires_grad = on;
  return *this;
}

void Tensor::set_grad(const Tensor& grad) {
  if (grad.defined() && grad.shape() != shape()) {
    throw ShapeError("set_grad: gradient of shape " + shape_str(grad.shape()) +
                     " for tensor of shape " + shape_str(shape()));
  }
  impl().grad = grad.defined() ? grad.impl_ptr() : nullptr;
}

void Tensor::zero_grad() { impl().grad = nullptr; }

Tensor Tensor::detach() const { return Tensor(alias(impl(), impl().offset, shape())); }

void Tensor::backward(const Tensor& grad_output) const { run_backward(*this, grad_output); }

void check_shape(const Tensor& t, const Shape& expected, const std::string& what,
                 const std::string& pattern) {
  bool ok = t.defined() && t.dim() == static_cast<int64_t>(expected.size());
  for (size_t i = 0; ok && i < expected.size(); ++i) {
    ok = expected[i] < 0 || expected[i] == t.shape()[i];
  }
  if (!ok) {
    const std::string want = pattern.empty() ? shape_str(expected) : pattern;
    throw ShapeError(what + ": expected " + want + ", got " +
                     (t.defined() ? shape_str(t.shape()) : std::string("an undefined tensor")));
  }
}

void check_rank(const Tensor& t, int64_t rank, const std::string& what,
                const std::string& pattern) {
  if (!t.defined() || t.dim() != rank) {
    const std::string want = pattern.empty() ? std::to_string(rank) + " dimensions" : pattern;
    throw ShapeError(what + ": expected " + want + ", got " +
                     (t.defined() ? shape_str(t.shape()) : std::string("an undefined tensor")));
  }
}

float max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) {
    throw ShapeError("max_abs_diff: shapes " + shape_str(a.shape()) + " and " +
                     shape_str(b.shape()) + " differ");
  }
  float worst = 0.0f;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const float d = std::fabs(a.data()[i] - b.data()[i]);
    if (!(d <= worst)) worst = d;  // NaN propagates as the worst difference
  }
  return worst;
}

bool allclose(const Tensor& a, const Tensor& b, float rtol, float atol) {
  if (a.shape() != b.shape()) return false;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const float x = a.data()[i];
    const float y = b.data()[i];
    if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y))) return false;
  }
  return true;
}

namespace {

void print_dim(std::ostream& os, const Tensor& t, size_t d, int64_t offset, int64_t stride,
               int indent) {
  const int64_t n = t.shape()[d];
  const int64_t inner = stride / std::max<int64_t>(n, 1);
  constexpr int64_t kEdge = 3;  // items shown at each end of a long dimension
  const bool summarise = t.numel() > 1000 && n > 2 * kEdge;
  os << '[';
  for (int64_t i = 0; i < n; ++i) {
    if (summarise && i == kEdge) {
      os << "...";
      i = n - kEdge - 1;
      if (d + 1 < t.shape().size())
        os << ",\n" << std::string(indent + 1, ' ');
      else
        os << ", ";
      continue;
    }
    if (d + 1 == t.shape().size()) {
      os << std::fixed << std::setprecision(4) << t.data()[offset + i];
    } else {
      print_dim(os, t, d + 1, offset + i * inner, inner, indent + 1);
    }
    if (i + 1 < n) {
      if (d + 1 < t.shape().size())
        os << ",\n" << std::string(indent + 1, ' ');
      else
        os << ", ";
    }
  }
  os << ']';
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  const auto flags = os.flags();
  os << "tensor(";
  if (t.dim() == 0) {
    os << std::fixed << std::setprecision(4) << t.data()[0];
  } else {
    print_dim(os, t, 0, 0, t.numel(), 7);
  }
  if (t.numel() == 0 || t.numel() > 1000) os << ", shape=" << shape_str(t.shape());
  if (t.grad_fn())
    os << ", grad_fn=<" << t.grad_fn()->name() << ">";
  else if (t.requires_grad())
    os << ", requires_grad=True";
  os << ')';
  os.flags(flags);
  return os;
}

std::string to_string(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

}  // namespace recur
