// kernels::gemm against a naive double-precision loop over every transpose combination,
// leading dimensions wider than the matrices, empty and unit extents, and alpha/beta cases.
#include "recur/kernels/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "recur/tensor/error.h"

namespace recur::kernels {
namespace {

struct Case {
  Trans ta, tb;
  int64_t M, N, K;
  float alpha, beta;
  int64_t pad;  // extra columns in every leading dimension
};

std::string describe(const Case& c) {
  return "ta=" + std::to_string(c.ta == Trans::Yes) + " tb=" + std::to_string(c.tb == Trans::Yes) +
         " M=" + std::to_string(c.M) + " N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) +
         " alpha=" + std::to_string(c.alpha) + " beta=" + std::to_string(c.beta) +
         " pad=" + std::to_string(c.pad);
}

std::vector<float> random_matrix(int64_t rows, int64_t ld, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> m(static_cast<size_t>(std::max<int64_t>(rows * ld, 1)));
  for (float& x : m) x = u(rng);
  return m;
}

void check(const Case& c) {
  std::mt19937 rng(1234);
  // Stored shapes: A is [M,K] or [K,M], B is [K,N] or [N,K], all row-major.
  const int64_t a_rows = c.ta == Trans::Yes ? c.K : c.M, a_cols = c.ta == Trans::Yes ? c.M : c.K;
  const int64_t b_rows = c.tb == Trans::Yes ? c.N : c.K, b_cols = c.tb == Trans::Yes ? c.K : c.N;
  const int64_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.N + c.pad;
  const auto A = random_matrix(a_rows, lda, rng);
  const auto B = random_matrix(b_rows, ldb, rng);
  auto C = random_matrix(c.M, ldc, rng);
  const auto C0 = C;
  // beta == 0 promises that C is not read: poison it (outside the padding) to prove it.
  if (c.beta == 0.0f) {
    for (int64_t i = 0; i < c.M; ++i) {
      for (int64_t j = 0; j < c.N; ++j) C[i * ldc + j] = std::numeric_limits<float>::quiet_NaN();
    }
  }
  auto a = [&](int64_t i, int64_t k) {
    return c.ta == Trans::Yes ? A[k * lda + i] : A[i * lda + k];
  };
  auto b = [&](int64_t k, int64_t j) {
    return c.tb == Trans::Yes ? B[j * ldb + k] : B[k * ldb + j];
  };

  gemm(c.ta, c.tb, c.M, c.N, c.K, c.alpha, A.data(), lda, B.data(), ldb, c.beta, C.data(), ldc);

  for (int64_t i = 0; i < c.M; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const float got = C[i * ldc + j];
      if (j >= c.N) {  // padding is never written
        ASSERT_EQ(got, C0[i * ldc + j]) << describe(c) << " wrote padding at " << i << "," << j;
        continue;
      }
      double want = 0, magnitude = 0;
      for (int64_t k = 0; k < c.K; ++k) {
        want += double{a(i, k)} * b(k, j);
        magnitude += std::fabs(double{a(i, k)} * b(k, j));
      }
      want = c.alpha * want + (c.beta == 0.0f ? 0.0 : c.beta * double{C0[i * ldc + j]});
      const double tol = 1e-6 * (std::fabs(c.alpha) * magnitude + 1.0);
      ASSERT_NEAR(got, want, tol) << describe(c) << " at " << i << "," << j;
    }
  }
}

TEST(Gemm, MatchesNaiveLoopOnAllTransposeCombinations) {
  for (Trans ta : {Trans::No, Trans::Yes}) {
    for (Trans tb : {Trans::No, Trans::Yes}) {
      for (int64_t pad : {0, 3}) {
        for (auto [M, N, K] : {std::tuple<int64_t, int64_t, int64_t>{1, 1, 1},
                               {1, 17, 9},
                               {5, 1, 7},
                               {3, 4, 1},
                               {13, 33, 20},
                               {64, 48, 96}}) {
          check({ta, tb, M, N, K, 1.0f, 0.0f, pad});
          check({ta, tb, M, N, K, -2.0f, 1.0f, pad});
          check({ta, tb, M, N, K, 0.5f, 0.25f, pad});
        }
      }
    }
  }
}

// The recurrent shapes of docs/BLAS.md, small and large, with the weights transposed.
TEST(Gemm, RecurrentShapes) {
  check({Trans::No, Trans::Yes, 1, 256, 64, 1.0f, 0.0f, 0});    // h * W_hh^T, B = 1
  check({Trans::No, Trans::Yes, 32, 512, 128, 1.0f, 1.0f, 0});  // accumulate into gates
  check({Trans::No, Trans::No, 8, 64, 256, 1.0f, 0.0f, 0});     // dgates * W_hh
  check({Trans::Yes, Trans::No, 256, 64, 300, 1.0f, 1.0f, 0});  // dW += dgates^T h
}

TEST(Gemm, EmptyExtentsAndZeroK) {
  for (Trans ta : {Trans::No, Trans::Yes}) {
    for (Trans tb : {Trans::No, Trans::Yes}) {
      check({ta, tb, 0, 5, 3, 1.0f, 1.0f, 2});
      check({ta, tb, 4, 0, 3, 1.0f, 1.0f, 2});
      check({ta, tb, 4, 5, 0, 1.0f, 0.5f, 2});  // K == 0: C = beta * C
      check({ta, tb, 4, 5, 0, 1.0f, 0.0f, 2});  // ... and beta == 0 clears even a NaN C
    }
  }
}

// A call the library refuses (here a leading dimension shorter than a row) is an Error naming the
// product, raised on the calling thread after the parallel slices, never a crash.
TEST(Gemm, ACallTheLibraryRefusesThrowsNamingTheProduct) {
  const std::vector<float> a(64 * 64, 1.0f), b(64 * 64, 1.0f);
  std::vector<float> c(64 * 64, 0.0f);
  try {
    gemm(Trans::No, Trans::No, 64, 64, 64, 1.0f, a.data(), 8, b.data(), 64, 0.0f, c.data(), 64);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("64 x 64 x 64 product"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace recur::kernels
