// Mini-batches of variable-length sequences grouped by length, so a padded batch wastes few steps
// on padding (the "bucket iterator" of torchtext, the sort-within-pools of fairseq). For one
// epoch: the items are shuffled by a generator seeded from (seed, epoch), cut into pools of
// `pool_batches` batches, each pool sorted by length (stable), cut into batches, and the batches
// themselves shuffled. The plan depends only on (lengths, options, epoch): a resumed run sees
// exactly the batches an uninterrupted one would have seen. Without shuffling, the items are
// sorted by length once and the batches come in that order (evaluation).
//
//   const auto plan = data::bucket_by_length(lengths, {.batch_size = 32, .shuffle = true,
//                                                       .seed = 7}, epoch);
//   for (const std::vector<int64_t>& items : plan) { ... collate items ... }
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recur::data {

struct BucketOptions {
  int64_t batch_size = 32;
  bool shuffle = true;
  uint64_t seed = 0;
  int64_t pool_batches = 50;  // batches per pool sorted by length: larger = less padding, less
                              // randomness
};

// The item indices of each batch of the epoch. ValueError on a batch size or pool below 1 or a
// negative length.
std::vector<std::vector<int64_t>> bucket_by_length(std::span<const int64_t> lengths,
                                                   const BucketOptions& options, int64_t epoch);

}  // namespace recur::data
