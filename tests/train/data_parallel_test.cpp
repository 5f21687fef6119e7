// Data-parallel arithmetic in one process (the MPI run itself: tests/mpi/): how a global batch
// is cut into shards, that the shards' gradients weighted by their share of the loss terms add
// up to the batch's gradient, and that all_reduce_gradients sums buckets in rank order.
#include "recur/train/data_parallel.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "recur/ops/loss.h"
#include "recur/train/sequence_loader.h"
#include "toy_tagging.h"

namespace recur::train {
namespace {

Batch token_batch(const std::vector<int64_t>& lengths) {
  std::vector<std::vector<int64_t>> tokens, tags;
  for (int64_t n : lengths) {
    tokens.emplace_back(static_cast<size_t>(n), 1);
    tags.emplace_back(static_cast<size_t>(n), 0);
  }
  const SequenceLoader loader(tokens, tags,
                              {.batch_size = 64, .targets = SequenceTargets::kPerStep});
  std::vector<int64_t> all(lengths.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  return loader.collate(all);
}

TEST(ShardBatch, CutsRowsInOrderAndCountsEachShardsTokens) {
  const Batch batch = token_batch({3, 1, 4, 1, 5});
  ASSERT_EQ(batch.loss_weight(), 14);
  const Batch first = shard_batch(batch, 0, 2), second = shard_batch(batch, 1, 2);
  EXPECT_EQ(first.lengths, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(second.lengths, (std::vector<int64_t>{4, 1, 5}));
  EXPECT_EQ(first.loss_weight(), 4);
  EXPECT_EQ(second.loss_weight(), 10);
  EXPECT_EQ(second.tokens.shape(), (Shape{3, 5}));
  EXPECT_EQ(second.labels.to_vector(), batch.labels.rows(2, 5).to_vector());
}

TEST(ShardBatch, SpreadsEvenTermsAndRejectsUnevenOnes) {
  Batch stream;  // 4 streams of 3 steps (train::StreamLoader)
  stream.tokens = IndexTensor::zeros({4, 3});
  stream.labels = IndexTensor::zeros({4, 3});
  stream.lengths = {3, 3, 3, 3};
  stream.loss_terms = 12;
  stream.continues_streams = true;
  const Batch half = shard_batch(stream, 1, 2);
  EXPECT_EQ(half.size(), 2);
  EXPECT_EQ(half.loss_weight(), 6);
  EXPECT_TRUE(half.continues_streams);
  stream.loss_terms = 13;
  EXPECT_THROW(shard_batch(stream, 0, 2), ValueError);
}

TEST(ShardBatch, RowsOfFloatBatchesAndMoreRanksThanRows) {
  Batch batch;
  batch.inputs = Tensor::arange(6).view({3, 2});
  batch.targets = Tensor::arange(3).view({3, 1});
  const Batch last = shard_batch(batch, 2, 4);  // rows [1, 2)
  EXPECT_EQ(last.inputs.to_vector(), (std::vector<float>{2, 3}));
  EXPECT_EQ(last.loss_weight(), 1);
  EXPECT_EQ(shard_batch(batch, 0, 4).size(), 0);
  EXPECT_THROW(shard_batch(batch, 4, 4), ValueError);
}

// The gradient of the whole batch's token mean equals the shards' gradients, each weighted by
// its share of the tokens: the identity data-parallel training rests on.
TEST(DataParallel, WeightedShardGradientsAddUpToTheBatchGradient) {
  const testing::ToyTagging data = testing::toy_tagging(7, 3);
  const SequenceLoader loader(data.tokens, data.tags,
                              {.batch_size = 7, .targets = SequenceTargets::kPerStep});
  const Batch batch = loader.epoch(0).at(0);
  tag::TaggerNet net = testing::toy_tagger(5);
  auto gradients = [&net](const Batch& b) {
    for (Tensor p : net.parameters()) p.zero_grad();
    cross_entropy(net.forward(b.tokens, b.lengths), b.labels).backward();
    std::vector<std::vector<float>> out;
    for (const Tensor& p : net.parameters()) out.push_back(p.grad().to_vector());
    return out;
  };
  const auto whole = gradients(batch);
  std::vector<std::vector<double>> summed(whole.size());
  for (size_t i = 0; i < whole.size(); ++i) summed[i].assign(whole[i].size(), 0.0);
  for (int rank = 0; rank < 3; ++rank) {
    const Batch shard = shard_batch(batch, rank, 3);
    const double share = double(shard.loss_weight()) / double(batch.loss_weight());
    const auto part = gradients(shard);
    for (size_t i = 0; i < part.size(); ++i) {
      for (size_t k = 0; k < part[i].size(); ++k) summed[i][k] += share * part[i][k];
    }
  }
  for (size_t i = 0; i < whole.size(); ++i) {
    for (size_t k = 0; k < whole[i].size(); ++k) {
      ASSERT_NEAR(summed[i][k], whole[i][k], 1e-6 + 1e-5 * std::abs(whole[i][k]))
          << net.named_parameters()[i].first << "[" << k << "]";
    }
  }
}

// Rank 0 of 2 whose peer sends exactly what it sends: the reduction must then give
// (w + w) * gradient for every element, whichever bucket it fell in.
class MirrorCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 2; }
  void broadcast(void*, size_t, int) override {}
  void all_gather(const void* in, size_t bytes, void* out) override {
    std::memcpy(out, in, bytes);
    std::memcpy(static_cast<char*>(out) + bytes, in, bytes);
    ++gathers;
  }
  int gathers = 0;
};

TEST(DataParallel, AllReduceSumsEveryBucketInRankOrder) {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({4}), unused = Tensor::zeros({2});
  a.set_grad(Tensor::arange(6).view({2, 3}));
  b.set_grad(Tensor::full({4}, 8.0f));
  MirrorCommunicator comm;
  const double loss = all_reduce_gradients(comm, {a, b, unused}, 0.25, 3.0, /*bucket_floats=*/4);
  EXPECT_DOUBLE_EQ(loss, 1.5);     // 0.25 * 3 from each rank
  EXPECT_EQ(comm.gathers, 1 + 3);  // the header, then 10 floats in buckets of 4
  EXPECT_EQ(a.grad().to_vector(), (std::vector<float>{0, 0.5, 1, 1.5, 2, 2.5}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{4, 4, 4, 4}));
  EXPECT_FALSE(unused.grad().defined());  // no rank has one: it stays missing
  EXPECT_EQ(all_reduce_sum(comm, {1.0, 2.5}), (std::vector<double>{2.0, 5.0}));
}

TEST(DataParallel, OneRankChangesNothing) {
  LocalCommunicator local;
  Tensor a = Tensor::zeros({3});
  a.set_grad(Tensor::full({3}, 2.0f));
  EXPECT_EQ(all_reduce_gradients(local, {a}, 1.0, 0.7), 0.7);
  EXPECT_EQ(a.grad().to_vector(), (std::vector<float>{2, 2, 2}));
  EXPECT_EQ(world().size(), 1);  // nothing started MPI in this test program
}

}  // namespace
}  // namespace recur::train
