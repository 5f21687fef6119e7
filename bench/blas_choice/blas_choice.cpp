// Standalone SGEMM measurement used to choose recur's BLAS (docs/BLAS.md). It is compiled once
// per library (several of them export the same cblas_* symbols, so they cannot share a binary):
// run.sh builds it with -DBACKEND_<NAME> and links that library alone.
//
// Usage: blas_choice <threads> <mode> [shape index]     or     blas_choice count
//   mode "lib":   the library's own threading with <threads> threads.
//   mode "split": <threads> OpenMP threads, each calling the library single-threaded on a
//                 contiguous block of C's larger dimension (the "BLAS inside our own
//                 parallelism" model of include/recur/kernels/parallel.h).
// With a shape index only that shape is measured, so that run.sh can interleave the libraries
// shape by shape (on a shared machine, load then drifts over all of them alike).
// Prints one tab-separated line per shape: backend, mode, threads, shape, M, N, K, median
// GFLOP/s, the spread (max-min)/median of the repetitions as a noise indicator, and the best
// repetition's GFLOP/s.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#if defined(BACKEND_OPENBLAS)
#include <cblas.h>
#elif defined(BACKEND_BLIS)
#include <blis.h>
#elif defined(BACKEND_DNNL)
#include <dnnl.h>
#elif defined(BACKEND_XSMM)
#include <libxsmm.h>
#else
#error "define one of BACKEND_OPENBLAS, BACKEND_BLIS, BACKEND_DNNL, BACKEND_XSMM"
#endif

#ifndef BACKEND_NAME
#define BACKEND_NAME "unknown"
#endif

namespace {

// ---- backend: threads and a row-major sgemm ----------------------------------------------------

void backend_set_threads(int n) {
  omp_set_num_threads(n);
#if defined(BACKEND_OPENBLAS)
  openblas_set_num_threads(n);
#elif defined(BACKEND_BLIS)
  bli_thread_set_num_threads(n);
#endif
}

void backend_init() {
#if defined(BACKEND_XSMM)
  libxsmm_init();
#endif
}

// Row-major C[M,N] = op(A) op(B) + beta C.
void backend_sgemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc) {
  const float alpha = 1.0f;
#if defined(BACKEND_OPENBLAS) && defined(GEMV_FOR_M1)
  // One-row products as matrix-vector products: OpenBLAS's sgemm has no small-M path.
  if (M == 1) {
    const int inc_a = ta ? lda : 1;
    if (tb) {
      cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, alpha, B, ldb, A, inc_a, beta, C, 1);
    } else {
      cblas_sgemv(CblasRowMajor, CblasTrans, K, N, alpha, B, ldb, A, inc_a, beta, C, 1);
    }
    return;
  }
#endif
#if defined(BACKEND_OPENBLAS) || defined(BACKEND_BLIS)
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N,
              K, alpha, A, lda, B, ldb, beta, C, ldc);
#elif defined(BACKEND_DNNL)
  dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
#elif defined(BACKEND_XSMM)
  // libxsmm is column-major: row-major C = A B is column-major C^T = B^T A^T.
  const char tra = tb ? 'T' : 'N';
  const char trb = ta ? 'T' : 'N';
  const libxsmm_blasint m = N, n = M, k = K, la = ldb, lb = lda, lc = ldc;
  libxsmm_sgemm(&tra, &trb, &m, &n, &k, &alpha, B, &la, A, &lb, &beta, C, &lc);
#endif
}

// ---- shapes -----------------------------------------------------------------------------------

struct Shape {
  std::string name;
  bool ta, tb;
  int M, N, K;
};

std::vector<Shape> rnn_shapes() {
  std::vector<Shape> s;
  for (int H : {64, 128, 256, 512}) {
    for (int B : {1, 8, 32, 64}) {
      // Forward step: gates[B,4H] = h[B,H] * W_hh^T, W_hh stored [4H,H].
      s.push_back(
          {"fwd_step B" + std::to_string(B) + " H" + std::to_string(H), false, true, B, 4 * H, H});
    }
  }
  for (int H : {64, 128, 256, 512}) {
    for (int B : {1, 8, 32, 64}) {
      // Backward step: dh[B,H] = dgates[B,4H] * W_hh.
      s.push_back(
          {"bwd_step B" + std::to_string(B) + " H" + std::to_string(H), false, false, B, H, 4 * H});
    }
  }
  for (int H : {64, 128, 256, 512}) {
    // dW_hh[4H,H] = dgates^T[4H,T*B] * h[T*B,H] over all T*B = 6400 rows.
    s.push_back({"dW_hh TB6400 H" + std::to_string(H), true, false, 4 * H, H, 6400});
  }
  for (int I : {128, 512}) {
    for (int H : {256, 512}) {
      // Input projection P[T*B,4H] = X[T*B,I] * W_ih^T.
      s.push_back({"proj TB6400 I" + std::to_string(I) + " H" + std::to_string(H), false, true,
                   6400, 4 * H, I});
    }
  }
  for (int I : {1, 64}) {
    s.push_back({"proj S1 TB960 I" + std::to_string(I) + " H64", false, true, 960, 256, I});
  }
  // Added with the switch to oneDNN (2026-12-02): S4's projection, and the training products
  // of the input, dX[T*B,I] = dgates[T*B,4H] * W_ih and dW_ih[4H,I] = dgates^T * X.
  s.push_back({"proj S4 TB800 I128 H128", false, true, 800, 512, 128});
  s.push_back({"dX TB6400 I128 H256", false, false, 6400, 128, 1024});
  for (int I : {1, 64}) {
    s.push_back({"dX S1 TB960 I" + std::to_string(I) + " H64", false, false, 960, I, 256});
  }
  s.push_back({"dW_ih S1 TB960 I64 H64", true, false, 256, 64, 960});
  s.push_back({"dW_ih S4 TB800 I128 H128", true, false, 512, 128, 800});
  return s;
}

// ---- timing -----------------------------------------------------------------------------------

struct Buffers {
  std::vector<float> a, b, c;
};

Buffers make_buffers(const Shape& s) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Buffers buf{std::vector<float>(size_t(s.M) * s.K), std::vector<float>(size_t(s.K) * s.N),
              std::vector<float>(size_t(s.M) * s.N)};
  for (auto* v : {&buf.a, &buf.b, &buf.c}) {
    for (float& x : *v) x = u(rng);
  }
  return buf;
}

void run_once(const Shape& s, Buffers& buf, int threads, bool split) {
  const int lda = s.ta ? s.M : s.K;
  const int ldb = s.tb ? s.K : s.N;
  const float* A = buf.a.data();
  const float* B = buf.b.data();
  float* C = buf.c.data();
  if (!split || threads == 1) {
    backend_sgemm(s.ta, s.tb, s.M, s.N, s.K, A, lda, B, ldb, 0.0f, C, s.N);
    return;
  }
  const bool by_rows = s.M >= s.N;
  const int extent = by_rows ? s.M : s.N;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int t = 0; t < threads; ++t) {
    const int lo = extent * t / threads, hi = extent * (t + 1) / threads;
    if (hi == lo) continue;
    if (by_rows) {
      const float* a = s.ta ? A + lo : A + size_t(lo) * lda;
      backend_sgemm(s.ta, s.tb, hi - lo, s.N, s.K, a, lda, B, ldb, 0.0f, C + size_t(lo) * s.N, s.N);
    } else {
      const float* b = s.tb ? B + size_t(lo) * ldb : B + lo;
      backend_sgemm(s.ta, s.tb, s.M, hi - lo, s.K, A, lda, b, ldb, 0.0f, C + lo, s.N);
    }
  }
}

// One thread is timed by the process's CPU time, not the wall clock: on a machine shared with
// other jobs the wall clock also counts the time the thread spent waiting for a core. With two
// threads that waiting is part of what we measure (a barrier waits for the slower thread), so
// they are timed by the wall clock.
bool g_cpu_clock = false;

double now_seconds() {
  timespec ts{};
  clock_gettime(g_cpu_clock ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void measure(const Shape& s, int threads, bool split, const char* mode) {
  Buffers buf = make_buffers(s);
  const double flops = 2.0 * s.M * s.N * s.K;
  for (int i = 0; i < 3; ++i) run_once(s, buf, threads, split);
  // Calibrate: enough calls that one repetition takes about 20 ms.
  int calls = 1;
  for (;;) {
    const double t0 = now_seconds();
    for (int i = 0; i < calls; ++i) run_once(s, buf, threads, split);
    if (now_seconds() - t0 > 0.02 || calls > (1 << 22)) break;
    calls *= 2;
  }
  constexpr int kReps = 7;
  std::vector<double> gflops;
  for (int r = 0; r < kReps; ++r) {
    const double t0 = now_seconds();
    for (int i = 0; i < calls; ++i) run_once(s, buf, threads, split);
    gflops.push_back(flops * calls / (now_seconds() - t0) * 1e-9);
  }
  std::sort(gflops.begin(), gflops.end());
  const double med = gflops[kReps / 2];
  std::printf("%s\t%s\t%d\t%s\t%d\t%d\t%d\t%.2f\t%.3f\t%.2f\n", BACKEND_NAME, mode, threads,
              s.name.c_str(), s.M, s.N, s.K, med, (gflops.back() - gflops.front()) / med,
              gflops.back());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Shape> shapes = rnn_shapes();
  if (argc == 2 && std::string(argv[1]) == "count") {
    std::printf("%zu\n", shapes.size());
    return 0;
  }
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s <threads> lib|split [shape index] | count\n", argv[0]);
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const std::string mode = argv[2];
  const bool split = mode == "split";
  g_cpu_clock = threads == 1;
  backend_init();
  // In split mode the library itself runs single-threaded inside our OpenMP region.
  backend_set_threads(split ? 1 : threads);
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (argc == 4 && i != std::stoul(argv[3])) continue;
    measure(shapes[i], threads, split, mode.c_str());
  }
  return 0;
}
