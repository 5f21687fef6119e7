#include "recur/train/sequence_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "recur/tensor/error.h"

namespace recur::train {
namespace {

TEST(SequenceLoader, CollatesPaddedIdsLengthsAndSequenceLabels) {
  SequenceLoader loader({{5, 6, 7}, {8}, {9, 10}}, {{1}, {0}, {2}}, {.batch_size = 3, .pad_id = 0});
  const Batch b = loader.collate({0, 1, 2});
  EXPECT_EQ(b.tokens, IndexTensor::from_vector({3, 3}, {5, 6, 7, 8, 0, 0, 9, 10, 0}));
  EXPECT_EQ(b.lengths, (std::vector<int64_t>{3, 1, 2}));
  EXPECT_EQ(b.labels, IndexTensor::from_vector({3}, {1, 0, 2}));
  EXPECT_EQ(b.size(), 3);
  EXPECT_FALSE(b.inputs.defined());
}

TEST(SequenceLoader, PerStepTargetsArePaddedWithIgnoreIndex) {
  SequenceLoader loader({{5, 6}, {7}}, {{1, 2}, {3}},
                        {.targets = SequenceTargets::kPerStep, .pad_id = 1, .ignore_index = -100});
  const Batch b = loader.collate({1, 0});
  EXPECT_EQ(b.tokens, IndexTensor::from_vector({2, 2}, {7, 1, 5, 6}));
  EXPECT_EQ(b.labels, IndexTensor::from_vector({2, 2}, {3, -100, 1, 2}));
}

TEST(SequenceLoader, AnEpochCoversEverySequenceOnceAndIsReproducible) {
  std::vector<std::vector<int64_t>> ids, labels;
  for (int64_t i = 0; i < 100; ++i) {
    ids.push_back(std::vector<int64_t>(static_cast<size_t>(1 + i % 13), i));
    labels.push_back({i});
  }
  SequenceLoader loader(ids, labels, {.batch_size = 8, .shuffle = true, .seed = 4});
  const std::vector<Batch> epoch = loader.epoch(1);
  EXPECT_EQ(static_cast<int64_t>(epoch.size()), loader.num_batches());
  std::vector<int64_t> seen;
  for (const Batch& b : epoch) {
    for (int64_t label : b.labels.span()) seen.push_back(label);
  }
  std::sort(seen.begin(), seen.end());
  for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
  const std::vector<Batch> again = loader.epoch(1);
  for (size_t i = 0; i < epoch.size(); ++i) EXPECT_EQ(epoch[i].tokens, again[i].tokens);
}

TEST(SequenceLoader, BadSequencesAreValueErrorsNamingThem) {
  EXPECT_THROW(SequenceLoader({{1}, {}}, {{0}, {0}}, {}), ValueError);
  EXPECT_THROW(SequenceLoader({{1}}, {{0}, {1}}, {}), ValueError);
  EXPECT_THROW(SequenceLoader({{1, 2}}, {{0}}, {.targets = SequenceTargets::kPerStep}), ValueError);
  EXPECT_THROW(SequenceLoader({{1}}, {{0}}, {.batch_size = 0}), ValueError);
}

}  // namespace
}  // namespace recur::train
