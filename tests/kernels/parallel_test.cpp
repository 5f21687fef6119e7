#include "recur/kernels/parallel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

namespace recur::kernels {
namespace {

// Restores the thread count a test changed.
class ThreadCountGuard {
 public:
  ThreadCountGuard() : saved_(num_threads()) {}
  ~ThreadCountGuard() { set_num_threads(saved_); }

 private:
  int saved_;
};

using Chunks = std::vector<std::pair<int64_t, int64_t>>;

Chunks record_chunks(int64_t begin, int64_t end, int64_t grain) {
  Chunks chunks;
  std::mutex m;
  parallel_for(begin, end, grain, [&](int64_t lo, int64_t hi) {
    std::lock_guard<std::mutex> lock(m);
    chunks.emplace_back(lo, hi);
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

TEST(Parallel, NumThreadsRoundTrip) {
  ThreadCountGuard guard;
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
  set_num_threads(2);
  EXPECT_EQ(num_threads(), 2);
  set_num_threads(0);  // clamped: at least one thread
  EXPECT_EQ(num_threads(), 1);
}

// Every index in [begin, end) is visited exactly once, for ranges around the grain boundaries.
TEST(Parallel, CoversRangeExactlyOnce) {
  ThreadCountGuard guard;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    for (int64_t n : {0, 1, 2, 7, 8, 15, 16, 17, 1000}) {
      for (int64_t grain : {1, 4, 8, 2000}) {
        const int64_t begin = 5;
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        parallel_for(begin, begin + n, grain, [&](int64_t lo, int64_t hi) {
          ASSERT_LE(begin, lo);
          ASSERT_LE(hi, begin + n);
          for (int64_t i = lo; i < hi; ++i) hits[static_cast<size_t>(i - begin)]++;
        });
        for (int64_t i = 0; i < n; ++i) {
          ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1)
              << "index " << i << " n=" << n << " grain=" << grain << " threads=" << threads;
        }
      }
    }
  }
}

// Chunks depend only on (begin, end, grain, threads): contiguous, in order, and the same on
// every call. Small ranges (under two grains) run as one chunk.
TEST(Parallel, ChunksAreDeterministic) {
  ThreadCountGuard guard;
  set_num_threads(2);
  const Chunks first = record_chunks(0, 1001, 10);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first.front().first, 0);
  EXPECT_EQ(first.front().second, first.back().first);
  EXPECT_EQ(first.back().second, 1001);
  for (int rep = 0; rep < 20; ++rep) ASSERT_EQ(record_chunks(0, 1001, 10), first);
  EXPECT_EQ(record_chunks(0, 19, 10), (Chunks{{0, 19}}));
  set_num_threads(1);
  EXPECT_EQ(record_chunks(0, 1001, 10), (Chunks{{0, 1001}}));
}

// A parallel_for inside another runs its body serially (one chunk) instead of nesting pools.
TEST(Parallel, NestedCallRunsSerially) {
  ThreadCountGuard guard;
  set_num_threads(2);
  std::atomic<int> inner_chunks{0};
  parallel_for(0, 2, 1, [&](int64_t, int64_t) {
    parallel_for(0, 100, 1, [&](int64_t lo, int64_t hi) {
      EXPECT_EQ(lo, 0);
      EXPECT_EQ(hi, 100);
      inner_chunks++;
    });
  });
  EXPECT_EQ(inner_chunks.load(), 2);
}

}  // namespace
}  // namespace recur::kernels
