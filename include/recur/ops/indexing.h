// Ops that pick, place or compare by position, with PyTorch's semantics: argmax/max/topk along a
// dim (returning the positions as an IndexTensor), gather and index_select by an IndexTensor,
// masked_fill and where under a mask, and one_hot. Values are differentiable (one autograd node
// per op; the gradient flows to the picked or kept elements, repeated picks add up); positions
// and masks are IndexTensors and carry no gradient. Negative dims count from the end.
//
// Ties and NaN, for argmax, max and topk: NaN ranks above every number (as PyTorch, so a NaN is
// never hidden by a max), and equal values keep their order, so the lowest index wins a tie
// (PyTorch documents this for argmax/max; for topk it leaves the order of ties unspecified, and
// recur fixes it to this one so that results are reproducible).
//
// Masks are IndexTensors holding only 0 and 1 (anything else is a ValueError naming the
// position), chosen over a separate bool type so that a mask built from lengths, token ids or a
// comparison is the same kind of value as the ids themselves. They broadcast as in NumPy.
//
//   auto [logp, best] = max(log_softmax(logits, -1), -1);          // [B, T, V] -> [B, T] twice
//   Tensor picked = gather(logp, -1, targets.reshape({B, T, 1}));   // [B, T, 1]
//   Tensor scores = masked_fill(scores, pad_mask, -INFINITY);       // padded steps never win
#pragma once

#include <cstdint>

#include "recur/tensor/index_tensor.h"
#include "recur/tensor/tensor.h"

namespace recur {

struct ValuesIndices {
  Tensor values;
  IndexTensor indices;
};

// Position of the largest entry along dim (x.size(dim) > 0); shape x without dim, or with dim
// of size 1 when keepdim. The overload without dim looks at all elements (flattened) and
// returns a rank-0 IndexTensor.
IndexTensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
IndexTensor argmax(const Tensor& x);
// The largest entries along dim and their positions (values differentiable).
ValuesIndices max(const Tensor& x, int64_t dim, bool keepdim = false);
// The k largest (or, with largest = false, smallest) entries along dim, sorted from the first
// pick on (descending for largest), and their positions; 0 <= k <= x.size(dim). Result shapes
// are x's with size k along dim.
ValuesIndices topk(const Tensor& x, int64_t k, int64_t dim = -1, bool largest = true);

// y[p] = x[p with its dim coordinate replaced by index[p]]: index has x's rank, and
// index.size(d) <= x.size(d) for every d != dim; y has index's shape. Differentiable in x
// (repeated positions add their gradients).
Tensor gather(const Tensor& x, int64_t dim, const IndexTensor& index);
// The entries index[0], index[1], ... along dim (index of rank 1; see shape.h's overload).
Tensor index_select(const Tensor& x, int64_t dim, const IndexTensor& index);

// x with `value` where mask is 1; mask broadcasts to x's shape. Differentiable in x (no
// gradient reaches the filled entries).
Tensor masked_fill(const Tensor& x, const IndexTensor& mask, float value);
// a where mask is 1, b where it is 0; mask, a and b broadcast together. Differentiable in a and
// b (each gets the gradient of the entries it supplied, summed over broadcast dimensions).
Tensor where(const IndexTensor& mask, const Tensor& a, const Tensor& b);

// float32 [*index.shape, num_classes] with 1 at each index and 0 elsewhere (PyTorch returns
// int64; float is what a network consumes). num_classes = -1 uses max(index) + 1. Every index
// must be in [0, num_classes).
Tensor one_hot(const IndexTensor& index, int64_t num_classes = -1);

}  // namespace recur
