#include "recur/train/stream_loader.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "recur/tensor/error.h"

namespace recur::train {
namespace {

// ids 0, 1, ..., n-1: every token's value is its position in the text, so a batch shows at a
// glance which stretch of the text it holds.
std::vector<int64_t> positions(int64_t n) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

// The message of the ValueError that f throws ("" if it throws none).
template <typename F>
std::string value_error_message(F&& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

// 23 tokens, B = 3: L = (23 - 1) / 3 = 7 steps per stream, streams start at 0, 7 and 14; the
// last target is 21 and token 22 is dropped. k = 3 cuts the 7 steps into 3 + 3 + 1.
class StreamLoaderLayout : public ::testing::Test {
 protected:
  StreamLoader loader{positions(23), {.streams = 3, .chunk_length = 3}};
};

TEST_F(StreamLoaderLayout, CountsStepsAndChunks) {
  EXPECT_EQ(loader.steps_per_stream(), 7);
  EXPECT_EQ(loader.num_batches(), 3);
}

TEST_F(StreamLoaderLayout, EachChunkHoldsTheSameStepsOfEveryStreamWithTargetsOneAhead) {
  const Batch b0 = loader.chunk(0);
  EXPECT_EQ(b0.tokens, IndexTensor::from_vector({3, 3}, {0, 1, 2, 7, 8, 9, 14, 15, 16}));
  EXPECT_EQ(b0.labels, IndexTensor::from_vector({3, 3}, {1, 2, 3, 8, 9, 10, 15, 16, 17}));
  const Batch b1 = loader.chunk(1);
  EXPECT_EQ(b1.tokens, IndexTensor::from_vector({3, 3}, {3, 4, 5, 10, 11, 12, 17, 18, 19}));
  EXPECT_EQ(b1.labels, IndexTensor::from_vector({3, 3}, {4, 5, 6, 11, 12, 13, 18, 19, 20}));
}

TEST_F(StreamLoaderLayout, TheLastChunkIsShorterAndTheTailIsDropped) {
  const Batch last = loader.chunk(2);
  EXPECT_EQ(last.tokens, IndexTensor::from_vector({3, 1}, {6, 13, 20}));
  EXPECT_EQ(last.labels, IndexTensor::from_vector({3, 1}, {7, 14, 21}));
  EXPECT_EQ(last.lengths, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(last.loss_terms, 3);
  // Token 22 is neither input nor target anywhere in the epoch.
  for (const Batch& b : loader.epoch(0)) {
    for (int64_t id : b.tokens.span()) EXPECT_NE(id, 22);
    for (int64_t id : b.labels.span()) EXPECT_NE(id, 22);
  }
}

TEST_F(StreamLoaderLayout, OnlyTheFirstBatchStartsTheStreamsAnew) {
  const std::vector<Batch> epoch = loader.epoch(0);
  ASSERT_EQ(epoch.size(), 3u);
  EXPECT_FALSE(epoch[0].continues_streams);
  EXPECT_TRUE(epoch[1].continues_streams);
  EXPECT_TRUE(epoch[2].continues_streams);
}

TEST_F(StreamLoaderLayout, LossTermsCountTheTokensOfTheBatch) {
  const std::vector<Batch> epoch = loader.epoch(0);
  EXPECT_EQ(epoch[0].loss_terms, 9);
  EXPECT_EQ(epoch[1].loss_terms, 9);
  EXPECT_EQ(epoch[2].loss_terms, 3);
  int64_t predicted = 0;
  for (const Batch& b : epoch) {
    EXPECT_EQ(b.size(), 3);
    EXPECT_EQ(b.loss_weight(), b.loss_terms);
    predicted += b.loss_terms;
  }
  EXPECT_EQ(predicted, 3 * loader.steps_per_stream());
}

TEST_F(StreamLoaderLayout, EveryEpochServesTheSameBatches) {
  const std::vector<Batch> first = loader.epoch(0);
  const std::vector<Batch> later = loader.epoch(5);
  ASSERT_EQ(later.size(), first.size());
  for (size_t c = 0; c < first.size(); ++c) {
    EXPECT_EQ(later[c].tokens, first[c].tokens) << "chunk " << c;
    EXPECT_EQ(later[c].labels, first[c].labels) << "chunk " << c;
    EXPECT_EQ(later[c].continues_streams, first[c].continues_streams) << "chunk " << c;
  }
}

TEST(StreamLoader, ChunkLengthAtLeastTheStreamGivesOneBatchOfWholeStreams) {
  const StreamLoader loader(positions(23), {.streams = 3, .chunk_length = 100});
  ASSERT_EQ(loader.num_batches(), 1);
  const Batch b = loader.chunk(0);
  EXPECT_EQ(b.tokens.shape(), (Shape{3, 7}));
  EXPECT_FALSE(b.continues_streams);
}

TEST(StreamLoader, TheSmallestStreamHasOneStepPerRow) {
  const StreamLoader loader({4, 5, 6, 7}, {.streams = 3, .chunk_length = 2});
  EXPECT_EQ(loader.steps_per_stream(), 1);
  const Batch b = loader.chunk(0);
  EXPECT_EQ(b.tokens, IndexTensor::from_vector({3, 1}, {4, 5, 6}));
  EXPECT_EQ(b.labels, IndexTensor::from_vector({3, 1}, {5, 6, 7}));
}

TEST(StreamLoader, OptionsBelowOneAreValueErrors) {
  EXPECT_THROW(StreamLoader(positions(10), {.streams = 0, .chunk_length = 3}), ValueError);
  EXPECT_THROW(StreamLoader(positions(10), {.streams = 2, .chunk_length = 0}), ValueError);
  EXPECT_THROW(StreamLoader(positions(10), {.streams = -1, .chunk_length = 3}), ValueError);
}

TEST(StreamLoader, TooFewTokensNamesTheCounts) {
  // B + 1 tokens are needed: B inputs and one more target.
  const std::string message =
      value_error_message([] { StreamLoader(positions(3), {.streams = 3, .chunk_length = 2}); });
  EXPECT_NE(message.find("3 tokens are too few for 3 streams"), std::string::npos) << message;
  EXPECT_NE(message.find("at least 4"), std::string::npos) << message;
  EXPECT_THROW(StreamLoader({}, {.streams = 1, .chunk_length = 1}), ValueError);
  EXPECT_NO_THROW(StreamLoader(positions(2), {.streams = 1, .chunk_length = 1}));
}

TEST(StreamLoader, AChunkOutOfRangeIsAValueError) {
  const StreamLoader loader(positions(23), {.streams = 3, .chunk_length = 3});
  EXPECT_THROW(loader.chunk(3), ValueError);
  EXPECT_THROW(loader.chunk(-1), ValueError);
}

}  // namespace
}  // namespace recur::train
