#include "recur/data/length_buckets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "recur/tensor/error.h"
#include "recur/tensor/random.h"

namespace recur::data {
namespace {

std::vector<int64_t> random_lengths(size_t n) {
  Generator gen(11);
  std::vector<int64_t> lengths;
  for (size_t i = 0; i < n; ++i) lengths.push_back(1 + static_cast<int64_t>(gen.below(60)));
  return lengths;
}

// Padded steps over real steps: what bucketing is for.
double padding_share(const std::vector<std::vector<int64_t>>& plan,
                     const std::vector<int64_t>& lengths) {
  double padded = 0, real = 0;
  for (const auto& batch : plan) {
    int64_t longest = 0;
    for (int64_t i : batch) longest = std::max(longest, lengths[i]);
    for (int64_t i : batch) {
      padded += static_cast<double>(longest - lengths[i]);
      real += static_cast<double>(lengths[i]);
    }
  }
  return padded / real;
}

TEST(BucketByLength, EveryItemOnceInBatchesOfTheRightSize) {
  const auto lengths = random_lengths(1003);
  const auto plan = bucket_by_length(lengths, {.batch_size = 32, .seed = 3}, 0);
  std::vector<int64_t> seen;
  size_t short_batches = 0;
  for (const auto& batch : plan) {
    EXPECT_LE(batch.size(), 32u);
    short_batches += batch.size() < 32 ? 1 : 0;
    seen.insert(seen.end(), batch.begin(), batch.end());
  }
  std::sort(seen.begin(), seen.end());
  std::vector<int64_t> all(lengths.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  EXPECT_EQ(seen, all);
  EXPECT_LE(short_batches, 1u);  // one pool: only its last batch may be short
}

TEST(BucketByLength, PadsFarLessThanRandomBatches) {
  const auto lengths = random_lengths(3200);
  const auto bucketed = bucket_by_length(lengths, {.batch_size = 32, .seed = 3}, 0);
  const auto random =
      bucket_by_length(lengths, {.batch_size = 32, .seed = 3, .pool_batches = 1}, 0);
  EXPECT_LT(padding_share(bucketed, lengths), 0.1);
  EXPECT_GT(padding_share(random, lengths), 0.5);
}

TEST(BucketByLength, APlanIsAFunctionOfSeedAndEpoch) {
  const auto lengths = random_lengths(500);
  const BucketOptions o{.batch_size = 16, .seed = 5};
  EXPECT_EQ(bucket_by_length(lengths, o, 2), bucket_by_length(lengths, o, 2));
  EXPECT_NE(bucket_by_length(lengths, o, 2), bucket_by_length(lengths, o, 3));
  EXPECT_NE(bucket_by_length(lengths, o, 2),
            bucket_by_length(lengths, {.batch_size = 16, .seed = 6}, 2));
}

TEST(BucketByLength, WithoutShufflingBatchesComeSortedByLength) {
  const std::vector<int64_t> lengths{5, 1, 4, 2, 3};
  const auto plan = bucket_by_length(lengths, {.batch_size = 2, .shuffle = false}, 0);
  const std::vector<std::vector<int64_t>> expected{{1, 3}, {4, 2}, {0}};
  EXPECT_EQ(plan, expected);
}

TEST(BucketByLength, BadOptionsAndLengthsAreValueErrors) {
  const std::vector<int64_t> lengths{3, -1};
  EXPECT_THROW(bucket_by_length(lengths, {}, 0), ValueError);
  const std::vector<int64_t> fine{3};
  EXPECT_THROW(bucket_by_length(fine, {.batch_size = 0}, 0), ValueError);
  EXPECT_THROW(bucket_by_length(fine, {.pool_batches = 0}, 0), ValueError);
  EXPECT_TRUE(bucket_by_length(std::vector<int64_t>{}, {}, 0).empty());
}

}  // namespace
}  // namespace recur::data
