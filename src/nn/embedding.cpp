#include "recur/nn/embedding.h"

#include <cmath>

#include "recur/nn/init.h"
#include "recur/ops/embedding.h"

namespace recur::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim,
                     std::optional<int64_t> padding_idx, Generator& gen)
    : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {
  if (num_embeddings < 0 || embedding_dim < 0) {
    throw ValueError(
        "Embedding: sizes must be >= 0, got num_embeddings=" + std::to_string(num_embeddings) +
        ", embedding_dim=" + std::to_string(embedding_dim));
  }
  if (padding_idx) {
    const int64_t p = *padding_idx < 0 ? *padding_idx + num_embeddings : *padding_idx;
    if (p < 0 || p >= num_embeddings) {
      throw ValueError("Embedding: padding_idx " + std::to_string(*padding_idx) +
                       " must be within num_embeddings " + std::to_string(num_embeddings));
    }
    padding_idx_ = p;
  }
  weight = register_parameter("weight", Tensor::zeros({num_embeddings, embedding_dim}));
  reset_parameters(gen);
}

void Embedding::reset_parameters(Generator& gen) {
  init::normal_(weight, gen);
  if (padding_idx_) weight.row(*padding_idx_).fill_(0.0f);
}

Tensor Embedding::forward(const std::vector<int64_t>& indices, const Shape& index_shape) const {
  return embedding(weight, indices, index_shape, padding_idx_.value_or(-1));
}

Tensor Embedding::forward(const IndexTensor& ids) const {
  return forward(ids.to_vector(), ids.shape());
}

Tensor Embedding::forward(const Tensor& indices) const {
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(indices.numel()));
  for (float v : indices.span()) {
    if (v != std::floor(v) || std::abs(v) > 16777216.0f) {
      throw ValueError("Embedding input: indices must be whole numbers below 2^24, got " +
                       std::to_string(v));
    }
    ids.push_back(static_cast<int64_t>(v));
  }
  return forward(ids, indices.shape());
}

}  // namespace recur::nn
