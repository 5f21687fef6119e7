// FloatBuffer: sizes, fill, moves, and the cache of freed blocks (reuse, the size rule, the
// limit). Builds with AddressSanitizer cache nothing (limit 0), which the cache tests check too.
#include "recur/tensor/buffer.h"

#include <gtest/gtest.h>

#include <utility>

namespace recur {
namespace {

constexpr size_t kLarge = 1 << 18;  // 1 MiB of floats: well above the small-block threshold

TEST(FloatBuffer, SizeFillAndMove) {
  FloatBuffer empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.data(), nullptr);
  FloatBuffer filled(100, 2.5f);
  ASSERT_EQ(filled.size(), 100u);
  for (float x : filled) EXPECT_EQ(x, 2.5f);
  const float* data = filled.data();
  FloatBuffer moved(std::move(filled));
  EXPECT_EQ(moved.data(), data);
  EXPECT_TRUE(filled.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is defined
  FloatBuffer assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.data(), data);
  EXPECT_EQ(assigned[99], 2.5f);
}

TEST(FloatBuffer, FreedBlocksAreReusedUpToTheLimit) {
  const size_t limit = buffer_cache_limit();
  set_buffer_cache_limit(0);  // start from an empty cache
  set_buffer_cache_limit(limit);
  const float* first = nullptr;
  {
    FloatBuffer a(kLarge);
    first = a.data();
  }
  if (limit == 0) {  // AddressSanitizer build: nothing is kept
    EXPECT_EQ(cached_buffer_bytes(), 0u);
    return;
  }
  EXPECT_EQ(cached_buffer_bytes(), kLarge * sizeof(float));
  {
    FloatBuffer b(kLarge - 10);  // a slightly smaller request takes the cached block
    EXPECT_EQ(b.data(), first);
    EXPECT_EQ(b.size(), kLarge - 10);
    EXPECT_EQ(cached_buffer_bytes(), 0u);
  }
  {
    FloatBuffer small(kLarge / 4);  // under half the block: a new allocation, the block stays
    EXPECT_NE(small.data(), first);
    EXPECT_EQ(cached_buffer_bytes(), kLarge * sizeof(float));
  }
  set_buffer_cache_limit(0);  // lowering the limit frees what no longer fits
  EXPECT_EQ(cached_buffer_bytes(), 0u);
  { FloatBuffer c(kLarge); }
  EXPECT_EQ(cached_buffer_bytes(), 0u);  // a full cache returns blocks to the system
  set_buffer_cache_limit(limit);
}

}  // namespace
}  // namespace recur
