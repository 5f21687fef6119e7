#include "recur/seq/masks.h"

#include <gtest/gtest.h>

namespace recur {
namespace {

TEST(LengthMask, TimeMajorAndBatchFirst) {
  Tensor tm = length_mask({2, 0, 3});
  EXPECT_EQ(tm.shape(), (Shape{3, 3}));
  EXPECT_EQ(tm.to_vector(), (std::vector<float>{1, 0, 1, 1, 0, 1, 0, 0, 1}));
  Tensor bf = length_mask({2, 0, 3}, true, 4);
  EXPECT_EQ(bf.shape(), (Shape{3, 4}));
  EXPECT_EQ(bf.to_vector(), (std::vector<float>{1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0}));
}

TEST(LengthMask, EmptyBatchAndBadLengths) {
  EXPECT_EQ(length_mask({}).shape(), (Shape{0, 0}));
  EXPECT_THROW(length_mask({2, -1}), ValueError);
  EXPECT_THROW(length_mask({5, 1}, false, 4), ValueError);
  EXPECT_THROW(length_mask({1}, false, -2), ValueError);
}

}  // namespace
}  // namespace recur
