#include "recur/train/stream_loader.h"

#include <algorithm>
#include <string>

#include "recur/tensor/error.h"

namespace recur::train {

StreamLoader::StreamLoader(std::vector<int64_t> ids, const StreamLoaderOptions& options)
    : ids_(std::move(ids)), options_(options) {
  if (options_.streams < 1 || options_.chunk_length < 1) {
    throw ValueError("StreamLoader: streams and chunk_length must be at least 1, got " +
                     std::to_string(options_.streams) + " and " +
                     std::to_string(options_.chunk_length));
  }
  const int64_t n = static_cast<int64_t>(ids_.size());
  steps_ = n > 0 ? (n - 1) / options_.streams : 0;
  if (steps_ < 1) {
    throw ValueError("StreamLoader: " + std::to_string(n) + " tokens are too few for " +
                     std::to_string(options_.streams) + " streams (at least " +
                     std::to_string(options_.streams + 1) + " needed)");
  }
}

int64_t StreamLoader::num_batches() const {
  return (steps_ + options_.chunk_length - 1) / options_.chunk_length;
}

Batch StreamLoader::chunk(int64_t c) const {
  if (c < 0 || c >= num_batches()) {
    throw ValueError("StreamLoader: chunk " + std::to_string(c) + " out of range [0, " +
                     std::to_string(num_batches()) + ")");
  }
  const int64_t B = options_.streams, begin = c * options_.chunk_length;
  const int64_t k = std::min(options_.chunk_length, steps_ - begin);
  Batch batch;
  batch.tokens = IndexTensor::zeros({B, k});
  batch.labels = IndexTensor::zeros({B, k});
  for (int64_t s = 0; s < B; ++s) {
    const auto from = ids_.begin() + s * steps_ + begin;
    std::copy(from, from + k, batch.tokens.data() + s * k);
    std::copy(from + 1, from + 1 + k, batch.labels.data() + s * k);
  }
  batch.lengths.assign(static_cast<size_t>(B), k);
  batch.continues_streams = c > 0;
  batch.loss_terms = B * k;
  return batch;
}

std::vector<Batch> StreamLoader::epoch(int64_t /*epoch_index*/) const {
  std::vector<Batch> batches;
  batches.reserve(static_cast<size_t>(num_batches()));
  for (int64_t c = 0; c < num_batches(); ++c) batches.push_back(chunk(c));
  return batches;
}

}  // namespace recur::train
