#include "recur/ops/embedding.h"

#include <algorithm>
#include <string>

#include "op_node.h"

namespace recur {

Tensor embedding(const Tensor& weight, const std::vector<int64_t>& indices,
                 const Shape& index_shape, int64_t padding_idx) {
  check_rank(weight, 2, "embedding weight", "[num_embeddings, embedding_dim]");
  const int64_t V = weight.size(0);
  const int64_t D = weight.size(1);
  const int64_t n = shape_numel(index_shape);
  if (static_cast<int64_t>(indices.size()) != n) {
    throw ShapeError("embedding: index_shape " + shape_str(index_shape) + " needs " +
                     std::to_string(n) + " indices, got " + std::to_string(indices.size()));
  }
  for (size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] < 0 || indices[k] >= V) {
      throw ValueError("embedding: index " + std::to_string(indices[k]) + " at position " +
                       std::to_string(k) + " out of range [0, " + std::to_string(V) +
                       ") for weight " + shape_str(weight.shape()));
    }
  }
  if (padding_idx >= V) {
    throw ValueError("embedding: padding_idx " + std::to_string(padding_idx) +
                     " out of range for " + std::to_string(V) + " embeddings");
  }
  Shape out_shape = index_shape;
  out_shape.push_back(D);
  Tensor y = Tensor::empty(out_shape);
  for (int64_t k = 0; k < n; ++k) {
    const float* row = weight.data() + indices[static_cast<size_t>(k)] * D;
    std::copy(row, row + D, y.data() + k * D);
  }
  ops_detail::record(
      "EmbeddingBackward", {weight}, {&y},
      [shape = weight.shape(), indices, padding_idx, D](const ops_detail::Grads& g, const Node&) {
        Tensor dw = Tensor::zeros(shape);
        const float* pg = g[0].data();
        for (size_t k = 0; k < indices.size(); ++k) {
          if (indices[k] == padding_idx) continue;
          float* dst = dw.data() + indices[k] * D;
          const float* src = pg + static_cast<int64_t>(k) * D;
          for (int64_t j = 0; j < D; ++j) dst[j] += src[j];
        }
        return ops_detail::Grads{dw};
      });
  return y;
}

Tensor embedding(const Tensor& weight, const IndexTensor& indices, int64_t padding_idx) {
  return embedding(weight, indices.to_vector(), indices.shape(), padding_idx);
}

}  // namespace recur
