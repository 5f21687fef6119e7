// The picking ops share one idea: the forward pass resolves every output element to the flat
// position of the input element it came from, and the backward pass adds the output gradient
// back at those positions. max/topk keep their picks as an IndexTensor along the dim; gather and
// where keep a flat source offset per output element, masked_fill a filled flag.
#include "recur/ops/indexing.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "broadcast.h"
#include "dims.h"
#include "op_node.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/shape.h"

namespace recur {

namespace {

using ops_detail::AxisView;
using ops_detail::Grads;

// True when a should be picked before b: larger (smaller unless `largest`) first, NaN ranking
// above every number, equal values in index order (the caller breaks ties by index).
bool ranks_higher(float a, float b, bool largest) {
  if (std::isnan(a) || std::isnan(b)) return largest ? !std::isnan(b) : !std::isnan(a);
  return largest ? a > b : a < b;
}

// The k best entries along `axis` of x, in pick order, written into values/indices shaped
// `out_shape` (x's shape with k along axis, possibly squeezed: the flat layout is the same).
ValuesIndices pick_along(const Tensor& x, int64_t axis, int64_t k, bool largest,
                         const Shape& out_shape) {
  const AxisView v = ops_detail::axis_view(x.shape(), axis);
  Tensor values = Tensor::empty(out_shape);
  IndexTensor indices = IndexTensor::zeros(out_shape);
  std::vector<int64_t> order(static_cast<size_t>(v.size));
  const float* px = x.data();
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t i = 0; i < v.inner; ++i) {
      const float* slice = px + o * v.size * v.inner + i;
      auto before = [&](int64_t a, int64_t b) {
        const float xa = slice[a * v.inner];
        const float xb = slice[b * v.inner];
        if (ranks_higher(xa, xb, largest)) return true;
        return !ranks_higher(xb, xa, largest) && a < b;
      };
      for (int64_t j = 0; j < v.size; ++j) order[static_cast<size_t>(j)] = j;
      std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
      for (int64_t j = 0; j < k; ++j) {
        const int64_t at = (o * k + j) * v.inner + i;
        indices.data()[at] = order[static_cast<size_t>(j)];
        values.data()[at] = slice[order[static_cast<size_t>(j)] * v.inner];
      }
    }
  }
  return {values, indices};
}

// Records the backward of a max/topk result: each output gradient goes back to its pick. x is
// the op's input; `axis` refers to x1, x itself or (for a rank-0 x) x viewed as [1].
void record_picks(const char* name, const Tensor& x, const Tensor& x1, int64_t axis,
                  ValuesIndices& r) {
  const AxisView v = ops_detail::axis_view(x1.shape(), axis);
  const int64_t k = v.outer * v.inner == 0 ? 0 : r.indices.numel() / (v.outer * v.inner);
  ops_detail::record(name, {x}, {&r.values},
                     [shape = x.shape(), v, k, picks = r.indices](const Grads& g, const Node&) {
                       Tensor dx = Tensor::zeros(shape);
                       for (int64_t o = 0; o < v.outer; ++o) {
                         for (int64_t j = 0; j < k; ++j) {
                           for (int64_t i = 0; i < v.inner; ++i) {
                             const int64_t at = (o * k + j) * v.inner + i;
                             dx.data()[(o * v.size + picks.data()[at]) * v.inner + i] +=
                                 g[0].data()[at];
                           }
                         }
                       }
                       return Grads{dx};
                     });
}

// A rank-0 x is treated as [1], as PyTorch does for dim 0 / -1.
Tensor as_rank1_if_scalar(const Tensor& x) { return x.dim() == 0 ? x.view({1}) : x; }

// max and argmax: the best entry along dim, with dim removed unless keepdim.
ValuesIndices best_along(const Tensor& x, int64_t dim, bool keepdim, const char* op) {
  const Tensor x1 = as_rank1_if_scalar(x);
  const int64_t axis = ops_detail::normalize_dim(dim, x1.dim(), op);
  if (x1.size(axis) == 0) {
    throw ShapeError(std::string(op) + ": dim " + std::to_string(dim) + " of input " +
                     shape_str(x.shape()) + " is empty, so it has no largest entry");
  }
  Shape out_shape = x.shape();
  if (x.dim() > 0) {
    if (keepdim)
      out_shape[static_cast<size_t>(axis)] = 1;
    else
      out_shape.erase(out_shape.begin() + axis);
  }
  return pick_along(x1, axis, 1, true, out_shape);
}

// Throws ValueError naming `op` and the position unless every mask entry is 0 or 1.
void check_mask(const IndexTensor& mask, const char* op) {
  for (int64_t i = 0; i < mask.numel(); ++i) {
    const int64_t m = mask.data()[i];
    if (m != 0 && m != 1) {
      throw ValueError(std::string(op) + ": mask entry " + std::to_string(m) + " at position " +
                       position_str(mask.shape(), i) + " is not 0 or 1");
    }
  }
}

// For each element of the broadcast shape `out`, the flat position of the element of a tensor
// shaped `from` that broadcasting maps to it. ShapeError when `from` does not broadcast to out.
std::vector<int64_t> broadcast_sources(const Shape& from, const Shape& out, const char* op,
                                       const char* what) {
  const ops_detail::BroadcastPlan plan = ops_detail::plan_broadcast(from, out, op);
  if (plan.out_shape != out) {
    throw ShapeError(std::string(op) + ": " + what + " " + shape_str(from) +
                     " does not broadcast to " + shape_str(out));
  }
  std::vector<int64_t> src(static_cast<size_t>(plan.out_numel));
  ops_detail::for_each_run(plan,
                           [&](int64_t o, int64_t ia, int64_t, int64_t n, int64_t step_a, int64_t) {
                             for (int64_t i = 0; i < n; ++i)
                               src[static_cast<size_t>(o + i)] = ia + i * step_a;
                           });
  return src;
}

// Gradient of a tensor shaped `shape` whose element sources[p] fed output p when keep(p).
template <class Keep>
Tensor add_back(const Shape& shape, const std::vector<int64_t>& sources, const Tensor& g,
                Keep keep) {
  Tensor d = Tensor::zeros(shape);
  for (size_t p = 0; p < sources.size(); ++p) {
    if (keep(p)) d.data()[sources[p]] += g.data()[p];
  }
  return d;
}

// Row-major strides of `shape`.
std::vector<int64_t> strides_of(const Shape& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

// gather's flat source position in x for every element of index, checking ranges.
std::vector<int64_t> gather_sources(const Shape& x_shape, int64_t axis, const IndexTensor& index) {
  const std::vector<int64_t> xs = strides_of(x_shape);
  const Shape& is = index.shape();
  const int64_t bound = x_shape[static_cast<size_t>(axis)];
  std::vector<int64_t> pos(is.size(), 0);  // odometer over index's shape
  std::vector<int64_t> src(static_cast<size_t>(index.numel()));
  for (int64_t p = 0; p < index.numel(); ++p) {
    const int64_t at = index.data()[p];
    if (at < 0 || at >= bound) {
      throw ValueError("gather: index " + std::to_string(at) + " at position " +
                       position_str(is, p) + " out of range [0, " + std::to_string(bound) +
                       ") for dim " + std::to_string(axis) + " of input " + shape_str(x_shape));
    }
    int64_t off = 0;
    for (size_t d = 0; d < is.size(); ++d) {
      off += (static_cast<int64_t>(d) == axis ? at : pos[d]) * xs[d];
    }
    src[static_cast<size_t>(p)] = off;
    for (size_t d = is.size(); d-- > 0;) {
      if (++pos[d] < is[d]) break;
      pos[d] = 0;
    }
  }
  return src;
}

}  // namespace

IndexTensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return best_along(x, dim, keepdim, "argmax").indices;
}

IndexTensor argmax(const Tensor& x) {
  if (x.numel() == 0) throw ShapeError("argmax: input " + shape_str(x.shape()) + " is empty");
  return argmax(x.view({-1}), 0).reshape({});
}

ValuesIndices max(const Tensor& x, int64_t dim, bool keepdim) {
  ValuesIndices r = best_along(x, dim, keepdim, "max");
  const Tensor x1 = as_rank1_if_scalar(x);
  record_picks("MaxBackward", x, x1, ops_detail::normalize_dim(dim, x1.dim(), "max"), r);
  return r;
}

ValuesIndices topk(const Tensor& x, int64_t k, int64_t dim, bool largest) {
  const Tensor x1 = as_rank1_if_scalar(x);
  const int64_t axis = ops_detail::normalize_dim(dim, x1.dim(), "topk");
  if (k < 0 || k > x1.size(axis)) {
    throw ValueError("topk: k = " + std::to_string(k) + " out of range [0, " +
                     std::to_string(x1.size(axis)) + "] for dim " + std::to_string(dim) +
                     " of input " + shape_str(x.shape()));
  }
  Shape out_shape = x1.shape();
  out_shape[static_cast<size_t>(axis)] = k;
  if (x.dim() == 0 && k == 1) out_shape = {};
  ValuesIndices r = pick_along(x1, axis, k, largest, out_shape);
  record_picks("TopkBackward", x, x1, axis, r);
  return r;
}

// x [*S], index [*I] with I_d <= S_d for d != dim  ->  y [*I]
Tensor gather(const Tensor& x, int64_t dim, const IndexTensor& index) {
  const int64_t axis = ops_detail::normalize_dim(dim, x.dim(), "gather");
  if (index.dim() != x.dim()) {
    throw ShapeError("gather: index " + shape_str(index.shape()) + " must have the rank of input " +
                     shape_str(x.shape()));
  }
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (d != axis && index.size(d) > x.size(d)) {
      throw ShapeError("gather: index " + shape_str(index.shape()) + " is larger than input " +
                       shape_str(x.shape()) + " in dim " + std::to_string(d));
    }
  }
  std::vector<int64_t> sources = gather_sources(x.shape(), axis, index);
  Tensor y = Tensor::empty(index.shape());
  for (size_t p = 0; p < sources.size(); ++p) y.data()[p] = x.data()[sources[p]];
  ops_detail::record(
      "GatherBackward", {x}, {&y},
      [shape = x.shape(), sources = std::move(sources)](const Grads& g, const Node&) {
        return Grads{add_back(shape, sources, g[0], [](size_t) { return true; })};
      });
  return y;
}

// x [*S], index [m]  ->  [*S with m along dim]
Tensor index_select(const Tensor& x, int64_t dim, const IndexTensor& index) {
  if (index.dim() != 1) {
    throw ShapeError("index_select: index must have rank 1, got " + shape_str(index.shape()));
  }
  return index_select(x, dim, index.to_vector());
}

// x [*S], mask broadcastable to [*S]  ->  [*S]
Tensor masked_fill(const Tensor& x, const IndexTensor& mask, float value) {
  check_mask(mask, "masked_fill");
  std::vector<int64_t> from_mask =
      broadcast_sources(mask.shape(), x.shape(), "masked_fill", "mask");
  Tensor y = x.clone();
  std::vector<char> filled(from_mask.size());
  for (size_t p = 0; p < from_mask.size(); ++p) {
    filled[p] = mask.data()[from_mask[p]] == 1;
    if (filled[p]) y.data()[p] = value;
  }
  ops_detail::record("MaskedFillBackward", {x}, {&y},
                     [filled = std::move(filled)](const Grads& g, const Node&) {
                       Tensor dx = g[0].clone();
                       for (size_t p = 0; p < filled.size(); ++p) {
                         if (filled[p]) dx.data()[p] = 0.0f;
                       }
                       return Grads{dx};
                     });
  return y;
}

// mask, a, b broadcast together to [*S]  ->  [*S]
Tensor where(const IndexTensor& mask, const Tensor& a, const Tensor& b) {
  check_mask(mask, "where");
  const Shape out_shape =
      broadcast_shapes(broadcast_shapes(a.shape(), b.shape(), "where"), mask.shape(), "where");
  const std::vector<int64_t> from_mask =
      broadcast_sources(mask.shape(), out_shape, "where", "mask");
  std::vector<int64_t> from_a = broadcast_sources(a.shape(), out_shape, "where", "a");
  std::vector<int64_t> from_b = broadcast_sources(b.shape(), out_shape, "where", "b");
  std::vector<char> take_a(from_mask.size());
  Tensor y = Tensor::empty(out_shape);
  for (size_t p = 0; p < from_mask.size(); ++p) {
    take_a[p] = mask.data()[from_mask[p]] == 1;
    y.data()[p] = take_a[p] ? a.data()[from_a[p]] : b.data()[from_b[p]];
  }
  ops_detail::record(
      "WhereBackward", {a, b}, {&y},
      [sa = a.shape(), sb = b.shape(), from_a = std::move(from_a), from_b = std::move(from_b),
       take_a = std::move(take_a)](const Grads& g, const Node& node) {
        Grads d(2);
        if (node.needs_input_grad(0))
          d[0] = add_back(sa, from_a, g[0], [&](size_t p) { return take_a[p]; });
        if (node.needs_input_grad(1))
          d[1] = add_back(sb, from_b, g[0], [&](size_t p) { return !take_a[p]; });
        return d;
      });
  return y;
}

// index [*I]  ->  [*I, num_classes]
Tensor one_hot(const IndexTensor& index, int64_t num_classes) {
  if (num_classes == -1) {
    if (index.numel() == 0) {
      throw ValueError("one_hot: cannot infer num_classes from an empty index; pass it");
    }
    num_classes = *std::max_element(index.span().begin(), index.span().end()) + 1;
  }
  if (num_classes < 0) {
    throw ValueError("one_hot: num_classes must be >= 0 or -1, got " + std::to_string(num_classes));
  }
  index.check_range(0, num_classes, "one_hot");
  Shape shape = index.shape();
  shape.push_back(num_classes);
  Tensor y = Tensor::zeros(shape);
  for (int64_t p = 0; p < index.numel(); ++p) y.data()[p * num_classes + index.data()[p]] = 1.0f;
  return y;
}

}  // namespace recur
