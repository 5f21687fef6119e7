#include "recur/train/sequence_loader.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "recur/data/length_buckets.h"

namespace recur::train {

SequenceLoader::SequenceLoader(std::vector<std::vector<int64_t>> tokens,
                               std::vector<std::vector<int64_t>> targets,
                               const SequenceLoaderOptions& options)
    : tokens_(std::move(tokens)), targets_(std::move(targets)), options_(options) {
  if (tokens_.size() != targets_.size()) {
    throw ValueError("SequenceLoader: " + std::to_string(tokens_.size()) + " sequences but " +
                     std::to_string(targets_.size()) + " targets");
  }
  if (options_.batch_size < 1) throw ValueError("SequenceLoader: batch_size must be at least 1");
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const size_t want = options_.targets == SequenceTargets::kPerStep ? tokens_[i].size() : 1;
    if (tokens_[i].empty()) {
      throw ValueError("SequenceLoader: sequence " + std::to_string(i) + " is empty");
    }
    if (targets_[i].size() != want) {
      throw ValueError("SequenceLoader: sequence " + std::to_string(i) + " has " +
                       std::to_string(targets_[i].size()) + " targets, expected " +
                       std::to_string(want));
    }
    lengths_.push_back(static_cast<int64_t>(tokens_[i].size()));
  }
}

int64_t SequenceLoader::num_batches() const {
  const int64_t n = num_samples(), b = options_.batch_size;
  return (n + b - 1) / b;
}

std::vector<Batch> SequenceLoader::epoch(int64_t epoch_index) const {
  const auto plan = data::bucket_by_length(
      lengths_,
      {.batch_size = options_.batch_size, .shuffle = options_.shuffle, .seed = options_.seed},
      epoch_index);
  std::vector<Batch> batches;
  batches.reserve(plan.size());
  for (const std::vector<int64_t>& items : plan) batches.push_back(collate(items));
  return batches;
}

Batch SequenceLoader::collate(const std::vector<int64_t>& items) const {
  const int64_t B = static_cast<int64_t>(items.size());
  int64_t T = 0;
  for (int64_t i : items) T = std::max(T, lengths_.at(static_cast<size_t>(i)));
  const bool per_step = options_.targets == SequenceTargets::kPerStep;
  Batch batch;
  batch.tokens = IndexTensor::full({B, T}, options_.pad_id);
  batch.labels =
      per_step ? IndexTensor::full({B, T}, options_.ignore_index) : IndexTensor::zeros({B});
  for (int64_t b = 0; b < B; ++b) {
    const size_t item = static_cast<size_t>(items[static_cast<size_t>(b)]);
    const std::vector<int64_t>& ids = tokens_[item];
    std::copy(ids.begin(), ids.end(), batch.tokens.data() + b * T);
    const std::vector<int64_t>& target = targets_[item];
    std::copy(target.begin(), target.end(), batch.labels.data() + (per_step ? b * T : b));
    batch.lengths.push_back(lengths_[item]);
  }
  // Per step, the loss averages the batch's tokens, not its sequences.
  if (per_step) {
    batch.row_terms = batch.lengths;
    batch.loss_terms = std::accumulate(batch.lengths.begin(), batch.lengths.end(), int64_t{0});
  }
  return batch;
}

}  // namespace recur::train
