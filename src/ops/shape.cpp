#include "recur/ops/shape.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "dims.h"
#include "op_node.h"

namespace recur {

namespace {

using ops_detail::axis_view;
using ops_detail::AxisView;
using ops_detail::Grads;
using ops_detail::normalize_dim;
using ops_detail::record;

// The entries [begin, begin + count) along `axis` of x, as a new tensor of shape out_shape.
Tensor gather_range(const Tensor& x, int64_t axis, int64_t begin, int64_t count,
                    const Shape& out_shape) {
  const AxisView v = axis_view(x.shape(), axis);
  Tensor out = Tensor::empty(out_shape);
  const int64_t block = count * v.inner;
  for (int64_t o = 0; o < v.outer; ++o) {
    const float* src = x.data() + (o * v.size + begin) * v.inner;
    std::copy(src, src + block, out.data() + o * block);
  }
  return out;
}

// Writes `src` (count entries along `axis`, otherwise shaped like dst) into dst at `begin`.
void scatter_range(const float* src, Tensor& dst, int64_t axis, int64_t begin, int64_t count) {
  const AxisView v = axis_view(dst.shape(), axis);
  const int64_t block = count * v.inner;
  for (int64_t o = 0; o < v.outer; ++o) {
    std::copy(src + o * block, src + (o + 1) * block, dst.data() + (o * v.size + begin) * v.inner);
  }
}

// x's data under a new shape, sharing storage, with a node whose backward reshapes back.
Tensor view_as_op(const Tensor& x, const Shape& shape, const char* name) {
  Tensor y = x.view(shape);
  record(name, {x}, {&y}, [in_shape = x.shape()](const Grads& g, const Node&) {
    return Grads{g[0].view(in_shape)};
  });
  return y;
}

// Copy of x with dims a < b swapped: x viewed as [A, n0, B, n1, C].
Tensor swap_dims(const Tensor& x, int64_t a, int64_t b) {
  const Shape& s = x.shape();
  int64_t A = 1, B = 1, C = 1;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (d < a)
      A *= s[d];
    else if (d > a && d < b)
      B *= s[d];
    else if (d > b)
      C *= s[d];
  }
  const int64_t n0 = s[a];
  const int64_t n1 = s[b];
  Shape out_shape = s;
  std::swap(out_shape[a], out_shape[b]);
  Tensor out = Tensor::empty(out_shape);
  const float* px = x.data();
  float* po = out.data();
  if (C == 1) {
    // Swapping the last dimension: single floats, so a copy call per element would dominate
    // (it did: half of a seq2seq beam search). Tiles keep both sides in cache lines.
    constexpr int64_t kTile = 16;
    for (int64_t i = 0; i < A; ++i) {
      for (int64_t k = 0; k < B; ++k) {
        for (int64_t l0 = 0; l0 < n0; l0 += kTile) {
          for (int64_t j0 = 0; j0 < n1; j0 += kTile) {
            for (int64_t l = l0; l < std::min(n0, l0 + kTile); ++l) {
              const float* src = px + ((i * n0 + l) * B + k) * n1;
              for (int64_t j = j0; j < std::min(n1, j0 + kTile); ++j) {
                po[((i * n1 + j) * B + k) * n0 + l] = src[j];
              }
            }
          }
        }
      }
    }
    return out;
  }
  for (int64_t i = 0; i < A; ++i) {
    for (int64_t j = 0; j < n1; ++j) {
      for (int64_t k = 0; k < B; ++k) {
        for (int64_t l = 0; l < n0; ++l) {
          const float* src = px + (((i * n0 + l) * B + k) * n1 + j) * C;
          std::copy(src, src + C, po + (((i * n1 + j) * B + k) * n0 + l) * C);
        }
      }
    }
  }
  return out;
}

// Checks that `tensors` agree in everything but `axis` (all dimensions if `same_shape`).
void check_joinable(const std::vector<Tensor>& tensors, int64_t axis, bool same_shape,
                    const char* op) {
  if (tensors.empty()) throw ValueError(std::string(op) + ": needs at least one tensor");
  const Shape& first = tensors[0].shape();
  for (size_t i = 1; i < tensors.size(); ++i) {
    const Shape& s = tensors[i].shape();
    bool ok = s.size() == first.size();
    for (size_t d = 0; ok && d < s.size(); ++d) {
      ok = s[d] == first[d] || (!same_shape && static_cast<int64_t>(d) == axis);
    }
    if (!ok) {
      throw ShapeError(std::string(op) + ": tensor " + std::to_string(i) + " has shape " +
                       shape_str(s) + ", tensor 0 has " + shape_str(first) +
                       (same_shape
                            ? " (all shapes must be equal)"
                            : " (shapes must match except in dim " + std::to_string(axis) + ")"));
    }
  }
}

// Joins `tensors` (each `counts[i]` entries along `axis` of out_shape) into one tensor, with one
// node whose backward cuts the gradient back into pieces of the inputs' shapes.
Tensor join(const std::vector<Tensor>& tensors, const std::vector<int64_t>& counts, int64_t axis,
            const Shape& out_shape, const char* name) {
  Tensor y = Tensor::empty(out_shape);
  int64_t offset = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    scatter_range(tensors[i].data(), y, axis, offset, counts[i]);
    offset += counts[i];
  }
  std::vector<Shape> shapes;
  for (const Tensor& t : tensors) shapes.push_back(t.shape());
  record(name, tensors, {&y}, [shapes, counts, axis](const Grads& g, const Node& node) {
    Grads out(shapes.size());
    int64_t begin = 0;
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (node.needs_input_grad(i)) out[i] = gather_range(g[0], axis, begin, counts[i], shapes[i]);
      begin += counts[i];
    }
    return out;
  });
  return y;
}

void check_range(const Tensor& x, int64_t axis, int64_t begin, int64_t end, const char* op) {
  if (begin < 0 || end < begin || end > x.size(axis)) {
    throw ShapeError(std::string(op) + ": range [" + std::to_string(begin) + ", " +
                     std::to_string(end) + ") out of bounds for dim " + std::to_string(axis) +
                     " of shape " + shape_str(x.shape()));
  }
}

// The entries [begin, end) along axis, as out_shape (which may drop the axis), with one node.
Tensor take_range(const Tensor& x, int64_t axis, int64_t begin, int64_t end, const Shape& out_shape,
                  const char* name) {
  Tensor y = gather_range(x, axis, begin, end - begin, out_shape);
  record(name, {x}, {&y}, [shape = x.shape(), axis, begin, end](const Grads& g, const Node&) {
    Tensor dx = Tensor::zeros(shape);
    scatter_range(g[0].data(), dx, axis, begin, end - begin);
    return Grads{dx};
  });
  return y;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  return view_as_op(x, shape, "ReshapeBackward");
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  int64_t a = normalize_dim(dim0, x.dim(), "transpose");
  int64_t b = normalize_dim(dim1, x.dim(), "transpose");
  if (a > b) std::swap(a, b);
  if (a == b) return view_as_op(x, x.shape(), "TransposeBackward");
  Tensor y = swap_dims(x, a, b);
  record("TransposeBackward", {x}, {&y},
         [a, b](const Grads& g, const Node&) { return Grads{swap_dims(g[0], a, b)}; });
  return y;
}

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ValueError("cat: needs at least one tensor");
  const int64_t axis = normalize_dim(dim, tensors[0].dim(), "cat");
  check_joinable(tensors, axis, false, "cat");
  std::vector<int64_t> counts;
  for (const Tensor& t : tensors) counts.push_back(t.size(axis));
  Shape out_shape = tensors[0].shape();
  out_shape[axis] = std::accumulate(counts.begin(), counts.end(), int64_t{0});
  return join(tensors, counts, axis, out_shape, "CatBackward");
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ValueError("stack: needs at least one tensor");
  const int64_t axis = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  check_joinable(tensors, axis, true, "stack");
  Shape out_shape = tensors[0].shape();
  out_shape.insert(out_shape.begin() + axis, static_cast<int64_t>(tensors.size()));
  return join(tensors, std::vector<int64_t>(tensors.size(), 1), axis, out_shape, "StackBackward");
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  const int64_t axis = normalize_dim(dim, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw ValueError("split: negative size " + std::to_string(s));
    total += s;
  }
  if (total != x.size(axis)) {
    throw ShapeError("split: sizes add up to " + std::to_string(total) + " but dim " +
                     std::to_string(axis) + " of " + shape_str(x.shape()) + " has " +
                     std::to_string(x.size(axis)));
  }
  std::vector<Tensor> pieces;
  int64_t begin = 0;
  for (int64_t s : sizes) {
    Shape shape = x.shape();
    shape[axis] = s;
    pieces.push_back(gather_range(x, axis, begin, s, shape));
    begin += s;
  }
  std::vector<Tensor*> outputs;
  for (Tensor& p : pieces) outputs.push_back(&p);
  record("SplitBackward", {x}, outputs,
         [shape = x.shape(), sizes, axis](const Grads& g, const Node&) {
           Tensor dx = Tensor::empty(shape);
           int64_t offset = 0;
           for (size_t i = 0; i < sizes.size(); ++i) {
             scatter_range(g[i].data(), dx, axis, offset, sizes[i]);
             offset += sizes[i];
           }
           return Grads{dx};
         });
  return pieces;
}

Tensor slice(const Tensor& x, int64_t dim, int64_t begin, int64_t end) {
  const int64_t axis = normalize_dim(dim, x.dim(), "slice");
  check_range(x, axis, begin, end, "slice");
  Shape shape = x.shape();
  shape[axis] = end - begin;
  return take_range(x, axis, begin, end, shape, "SliceBackward");
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  const int64_t axis = normalize_dim(dim, x.dim(), "select");
  const int64_t n = x.size(axis);
  const int64_t i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) {
    throw ShapeError("select: index " + std::to_string(index) + " out of range for dim " +
                     std::to_string(axis) + " of shape " + shape_str(x.shape()));
  }
  Shape shape = x.shape();
  shape.erase(shape.begin() + axis);
  return take_range(x, axis, i, i + 1, shape, "SelectBackward");
}

Tensor index_select(const Tensor& x, int64_t dim, const std::vector<int64_t>& indices) {
  const int64_t axis = normalize_dim(dim, x.dim(), "index_select");
  const AxisView v = axis_view(x.shape(), axis);
  for (size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] < 0 || indices[k] >= v.size) {
      throw ValueError("index_select: index " + std::to_string(indices[k]) + " at position " +
                       std::to_string(k) + " out of range [0, " + std::to_string(v.size) +
                       ") for dim " + std::to_string(axis) + " of shape " + shape_str(x.shape()));
    }
  }
  const int64_t m = static_cast<int64_t>(indices.size());
  Shape shape = x.shape();
  shape[axis] = m;
  Tensor y = Tensor::empty(shape);
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t k = 0; k < m; ++k) {
      const float* src = x.data() + (o * v.size + indices[k]) * v.inner;
      std::copy(src, src + v.inner, y.data() + (o * m + k) * v.inner);
    }
  }
  record("IndexSelectBackward", {x}, {&y},
         [shape = x.shape(), v, indices, m](const Grads& g, const Node&) {
           Tensor dx = Tensor::zeros(shape);
           const float* pg = g[0].data();
           for (int64_t o = 0; o < v.outer; ++o) {
             for (int64_t k = 0; k < m; ++k) {
               float* dst = dx.data() + (o * v.size + indices[k]) * v.inner;
               const float* src = pg + (o * m + k) * v.inner;
               for (int64_t i = 0; i < v.inner; ++i) dst[i] += src[i];
             }
           }
           return Grads{dx};
         });
  return y;
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  const int64_t axis = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape();
  shape.insert(shape.begin() + axis, 1);
  return view_as_op(x, shape, "UnsqueezeBackward");
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  const int64_t axis = normalize_dim(dim, x.dim(), "squeeze");
  if (x.size(axis) != 1) {
    throw ShapeError("squeeze: dim " + std::to_string(axis) + " of shape " + shape_str(x.shape()) +
                     " has size " + std::to_string(x.size(axis)) + ", expected 1");
  }
  Shape shape = x.shape();
  shape.erase(shape.begin() + axis);
  return view_as_op(x, shape, "SqueezeBackward");
}

}  // namespace recur
