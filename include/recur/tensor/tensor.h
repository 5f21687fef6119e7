// Tensor: a float32 n-dimensional array, contiguous and row-major, whose storage is shared
// between copies of the handle (copying a Tensor is cheap and aliases the same numbers; use
// clone() for a deep copy). Views along the first axis (rows(), row()) and reshape() share
// storage too. A Tensor also carries the autograd state used by layer 3: requires_grad, the
// accumulated grad, and the node that produced it. The data-level functions here are NOT
// tracked by autograd; the differentiable operations live in recur/ops/.
//
//   Tensor x = Tensor::zeros({2, 3});
//   x.at({1, 2}) = 5.0f;
//   Tensor w = Tensor::uniform({4, 3}, -0.5f, 0.5f, gen).set_requires_grad(true);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "recur/tensor/buffer.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"

namespace recur {

using Shape = std::vector<int64_t>;

// "[3, 4]"
std::string shape_str(const Shape& shape);
// Product of the sizes (1 for a scalar of rank 0). Throws ValueError on negative sizes or overflow.
int64_t shape_numel(const Shape& shape);

class Node;  // autograd node (recur/autograd/node.h)

struct TensorImpl {
  std::shared_ptr<FloatBuffer> storage;
  int64_t offset = 0;  // first element of this tensor inside storage
  Shape shape;
  int64_t numel = 0;
  // Autograd state. A leaf has grad_fn == nullptr; requires_grad on a leaf asks for .grad.
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;
  int output_nr = 0;  // which output of grad_fn this tensor is
};

class Tensor {
 public:
  Tensor() = default;  // undefined: defined() is false
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // --- Factories -------------------------------------------------------------------------
  static Tensor empty(const Shape& shape);  // uninitialised contents
  static Tensor zeros(const Shape& shape);
  static Tensor ones(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor scalar(float value);  // rank 0
  static Tensor from_vector(const Shape& shape, std::vector<float> values);
  static Tensor arange(int64_t n);  // [0, 1, ..., n-1]
  static Tensor uniform(const Shape& shape, float low, float high,
                        Generator& gen = default_generator());
  static Tensor normal(const Shape& shape, float mean = 0.0f, float stddev = 1.0f,
                       Generator& gen = default_generator());
  static Tensor bernoulli(const Shape& shape, float p, Generator& gen = default_generator());

  // --- Shape -----------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  int64_t dim() const { return static_cast<int64_t>(impl().shape.size()); }
  // Size of dimension d; negative d counts from the end. Throws ShapeError if out of range.
  int64_t size(int64_t d) const;
  int64_t numel() const { return impl().numel; }

  // --- Data ------------------------------------------------------------------------------
  float* data() { return impl().storage->data() + impl().offset; }
  const float* data() const { return impl().storage->data() + impl().offset; }
  std::span<float> span() { return {data(), static_cast<size_t>(numel())}; }
  std::span<const float> span() const { return {data(), static_cast<size_t>(numel())}; }
  std::vector<float> to_vector() const { return {data(), data() + numel()}; }
  // Element access with bounds checks (for tests and small code; kernels use data()).
  float& at(std::initializer_list<int64_t> index);
  float at(std::initializer_list<int64_t> index) const;
  float item() const;  // the value of a one-element tensor

  // --- Views and copies (not tracked by autograd) ------------------------------------------
  Tensor rows(int64_t begin, int64_t end) const;  // [begin, end) along axis 0, shares storage
  Tensor row(int64_t i) const;                    // axis 0 removed, shares storage
  Tensor view(const Shape& shape) const;          // same numbers, new shape (one -1 allowed)
  Tensor clone() const;                           // deep copy, no autograd history
  Tensor& fill_(float value);
  Tensor& copy_(const Tensor& src);  // same numel required; shapes may differ
  bool shares_storage_with(const Tensor& other) const;

  // --- Autograd state --------------------------------------------------------------------
  // True for leaves that asked for gradients and for results computed from them.
  bool requires_grad() const { return impl().requires_grad || impl().grad_fn != nullptr; }
  // Only on leaves (tensors that no operation produced).
  Tensor& set_requires_grad(bool on = true);
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  // Accumulated gradient (undefined until a backward pass reaches this tensor).
  Tensor grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }
  void set_grad(const Tensor& grad);
  void zero_grad();  // drops the gradient, as PyTorch's set_to_none=True
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }
  // Same storage, cut from the graph: the result is a leaf that does not require grad.
  Tensor detach() const;
  // Runs reverse-mode differentiation from this tensor (see recur/autograd/backward.h).
  // Without an argument the tensor must hold one element and the seed gradient is 1.
  void backward(const Tensor& grad_output = Tensor()) const;

  // Inline because every data() goes through it; the error path stays out of line.
  TensorImpl& impl() const {
    if (impl_ == nullptr) [[unlikely]]
      throw_undefined();
    return *impl_;
  }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  [[noreturn]] static void throw_undefined();
  std::shared_ptr<TensorImpl> impl_;
};

// Throws ShapeError unless t has the expected shape. -1 in `expected` matches any size;
// `what` names the tensor and `pattern` spells the expectation, e.g.
//   check_shape(x, {-1, -1, 3}, "lstm input", "[T, B, 3]")
//   -> "lstm input: expected [T, B, 3], got [3, 4]"
void check_shape(const Tensor& t, const Shape& expected, const std::string& what,
                 const std::string& pattern = "");
// Throws ShapeError unless t has `rank` dimensions.
void check_rank(const Tensor& t, int64_t rank, const std::string& what,
                const std::string& pattern = "");

// Elementwise comparison helpers for tests and tools.
float max_abs_diff(const Tensor& a, const Tensor& b);
bool allclose(const Tensor& a, const Tensor& b, float rtol = 1e-5f, float atol = 1e-6f);

// Prints like PyTorch: tensor([[0.1000, 2.0000], ...]) with large tensors summarised.
std::ostream& operator<<(std::ostream& os, const Tensor& t);
std::string to_string(const Tensor& t);

}  // namespace recur
