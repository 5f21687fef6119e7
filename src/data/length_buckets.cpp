#include "recur/data/length_buckets.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "recur/tensor/error.h"
#include "recur/tensor/random.h"

namespace recur::data {
namespace {

template <class T>
void shuffle(std::vector<T>& v, Generator& gen) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[gen.below(i)]);
}

}  // namespace

std::vector<std::vector<int64_t>> bucket_by_length(std::span<const int64_t> lengths,
                                                   const BucketOptions& options, int64_t epoch) {
  if (options.batch_size < 1 || options.pool_batches < 1) {
    throw ValueError("bucket_by_length: batch_size and pool_batches must be at least 1");
  }
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] < 0) {
      throw ValueError("bucket_by_length: item " + std::to_string(i) + " has a negative length");
    }
  }
  std::vector<int64_t> items(lengths.size());
  std::iota(items.begin(), items.end(), 0);
  // The same seed-and-epoch mixing as train::DataLoader: no state carried between epochs.
  Generator gen(options.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch));
  if (options.shuffle) shuffle(items, gen);
  const size_t batch = static_cast<size_t>(options.batch_size);
  const size_t pool = options.shuffle ? batch * static_cast<size_t>(options.pool_batches)
                                      : std::max<size_t>(items.size(), 1);
  auto by_length = [&](int64_t a, int64_t b) { return lengths[a] < lengths[b]; };
  std::vector<std::vector<int64_t>> batches;
  for (size_t begin = 0; begin < items.size(); begin += pool) {
    const auto first = items.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last =
        items.begin() + static_cast<std::ptrdiff_t>(std::min(begin + pool, items.size()));
    std::stable_sort(first, last, by_length);
    for (auto b = first; b < last;
         b += static_cast<std::ptrdiff_t>(std::min<size_t>(batch, last - b))) {
      batches.emplace_back(b, b + static_cast<std::ptrdiff_t>(std::min<size_t>(batch, last - b)));
    }
  }
  if (options.shuffle) shuffle(batches, gen);
  return batches;
}

}  // namespace recur::data
