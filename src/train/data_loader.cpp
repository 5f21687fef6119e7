#include "recur/train/data_loader.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace recur::train {

Tensor gather_rows(const Tensor& t, const std::vector<int64_t>& rows) {
  Shape shape = t.shape();
  shape[0] = static_cast<int64_t>(rows.size());
  Tensor out = Tensor::empty(shape);
  const int64_t row_size = t.size(0) == 0 ? 0 : t.numel() / t.size(0);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || rows[i] >= t.size(0)) {
      throw ShapeError("gather_rows: row " + std::to_string(rows[i]) + " out of range for " +
                       shape_str(t.shape()));
    }
    std::memcpy(out.data() + static_cast<int64_t>(i) * row_size, t.data() + rows[i] * row_size,
                static_cast<size_t>(row_size) * sizeof(float));
  }
  return out;
}

DataLoader::DataLoader(Tensor inputs, Tensor targets, const DataLoaderOptions& options)
    : inputs_(std::move(inputs)), targets_(std::move(targets)), options_(options) {
  if (inputs_.dim() == 0 || targets_.dim() == 0 || inputs_.size(0) != targets_.size(0)) {
    throw ShapeError("DataLoader: inputs " + shape_str(inputs_.shape()) + " and targets " +
                     shape_str(targets_.shape()) + " must have the same number of rows");
  }
  if (options_.batch_size <= 0) {
    throw ValueError("DataLoader: batch_size must be positive, got " +
                     std::to_string(options_.batch_size));
  }
}

int64_t DataLoader::num_batches() const {
  const int64_t n = num_samples(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

std::vector<int64_t> DataLoader::order(int64_t epoch_index) const {
  std::vector<int64_t> idx(static_cast<size_t>(num_samples()));
  std::iota(idx.begin(), idx.end(), 0);
  if (!options_.shuffle) return idx;
  // A generator per epoch, seeded from (seed, epoch): no state carried between epochs.
  Generator gen(options_.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch_index));
  for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[gen.below(i)]);
  return idx;
}

std::vector<Batch> DataLoader::epoch(int64_t epoch_index) const {
  const std::vector<int64_t> idx = order(epoch_index);
  std::vector<Batch> batches;
  for (int64_t b = 0; b < num_batches(); ++b) {
    const auto begin = idx.begin() + b * options_.batch_size;
    const auto end = idx.begin() + std::min<int64_t>((b + 1) * options_.batch_size,
                                                     static_cast<int64_t>(idx.size()));
    const std::vector<int64_t> rows(begin, end);
    batches.push_back({gather_rows(inputs_, rows), gather_rows(targets_, rows)});
  }
  return batches;
}

}  // namespace recur::train
