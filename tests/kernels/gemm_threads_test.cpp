// kernels::gemm gives the same bits on one, two and three threads (docs/KERNELS.md, "Threads and
// determinism"): the shapes below are ones where the libraries alone do not: OpenBLAS's threaded
// sgemm with a K between its block size and twice that, its matrix-vector products whose split
// it takes from the thread count (sgemv; training on them at --threads 1 and 2 gave weights 7e-9
// apart, issue 10), and oneDNN's one-thread sgemm, whose K blocking changes with the number of
// rows (the last three: each differs in the last bits when cut at the thread count's rows).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "recur/kernels/gemm.h"
#include "recur/kernels/parallel.h"

namespace recur::kernels {
namespace {

struct Shape {
  Trans ta, tb;
  int64_t M, N, K;
};

std::vector<float> product(const Shape& s, int threads) {
  set_num_threads(threads);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> a(static_cast<size_t>(s.M * s.K)), b(static_cast<size_t>(s.K * s.N));
  for (float& v : a) v = normal(rng);
  for (float& v : b) v = normal(rng);
  std::vector<float> c(static_cast<size_t>(s.M * s.N), 0.5f);
  const int64_t lda = s.ta == Trans::Yes ? s.M : s.K, ldb = s.tb == Trans::Yes ? s.K : s.N;
  gemm(s.ta, s.tb, s.M, s.N, s.K, 1.0f, a.data(), lda, b.data(), ldb, 1.0f, c.data(), s.N);
  return c;
}

TEST(GemmThreads, SameBitsOnOneTwoAndThreeThreads) {
  const int before = num_threads();
  const Shape shapes[] = {
      {Trans::Yes, Trans::No, 256, 64, 510},  // a weight gradient over 17 windows of 30 steps
      {Trans::Yes, Trans::No, 512, 128, 3000},
      {Trans::No, Trans::No, 500, 64, 700},
      {Trans::No, Trans::Yes, 300, 96, 365},
      {Trans::No, Trans::Yes, 1, 100, 100},  // one row: sgemv on B [N, K]
      {Trans::No, Trans::No, 1, 1000, 256},  // one row: sgemv on B [K, N]
      {Trans::Yes, Trans::No, 1, 17, 5000},
      {Trans::No, Trans::No, 8, 3000, 700},  // few rows, many columns: sliced by columns
      {Trans::No, Trans::Yes, 129, 779, 412},
      {Trans::No, Trans::No, 1834, 904, 1085},
      {Trans::Yes, Trans::Yes, 1084, 1489, 1000},
  };
  for (const Shape& s : shapes) {
    const std::vector<float> one = product(s, 1);
    for (int threads : {2, 3}) {
      const std::vector<float> more = product(s, threads);
      EXPECT_EQ(std::memcmp(one.data(), more.data(), one.size() * sizeof(float)), 0)
          << "M=" << s.M << " N=" << s.N << " K=" << s.K << ", " << threads << " threads";
    }
  }
  set_num_threads(before);
}

}  // namespace
}  // namespace recur::kernels
