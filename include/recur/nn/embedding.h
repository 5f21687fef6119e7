// Embedding: a lookup table [num_embeddings, embedding_dim] initialised N(0, 1), as
// torch.nn.Embedding. With a padding_idx, that row starts at zero and never receives a
// gradient (so it stays zero under any optimiser without weight decay).
//
//   nn::Embedding emb(1000, 64, /*padding_idx=*/0, gen);
//   Tensor x = emb.forward(token_ids);          // IndexTensor [T, B] -> [T, B, 64]
#pragma once

#include <optional>
#include <vector>

#include "recur/nn/module.h"
#include "recur/tensor/index_tensor.h"

namespace recur::nn {

class Embedding : public Module {
 public:
  // A negative padding_idx counts from the end, as in PyTorch.
  Embedding(int64_t num_embeddings, int64_t embedding_dim,
            std::optional<int64_t> padding_idx = std::nullopt,
            Generator& gen = default_generator());

  std::string type_name() const override { return "Embedding"; }
  // indices laid out as index_shape (row-major) -> index_shape + [embedding_dim]. An index out of
  // [0, num_embeddings) is a ValueError naming it.
  Tensor forward(const std::vector<int64_t>& indices, const Shape& index_shape) const;
  // ids [...] -> [..., embedding_dim], as PyTorch's embedding(input_ids).
  Tensor forward(const IndexTensor& ids) const;
  // The same with the indices stored as whole numbers in a float tensor (exact below 2^24).
  Tensor forward(const Tensor& indices) const;
  void reset_parameters(Generator& gen);

  int64_t num_embeddings() const { return num_embeddings_; }
  int64_t embedding_dim() const { return embedding_dim_; }
  std::optional<int64_t> padding_idx() const { return padding_idx_; }

  Tensor weight;  // [num_embeddings, embedding_dim]

 private:
  int64_t num_embeddings_;
  int64_t embedding_dim_;
  std::optional<int64_t> padding_idx_;  // normalised to [0, num_embeddings)
};

}  // namespace recur::nn
