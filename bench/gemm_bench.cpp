// kernels::gemm on the shapes recurrent layers produce (docs/BLAS.md): the per-step recurrent
// product and its backward, the weight gradient over all steps, and the input projection.
// Reports GFLOP/s. Threads: RECUR threads = OMP_NUM_THREADS (default: all cores), e.g.
//   OMP_NUM_THREADS=1 build/bench/bench_gemm --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "recur/kernels/gemm.h"
#include "recur/kernels/step_matmul.h"

namespace {

using recur::kernels::gemm;
using recur::kernels::Trans;

std::vector<float> random_vector(int64_t n) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

// C[M,N] = op(A) op(B); leading dimensions are the stored widths.
void run(benchmark::State& state, Trans ta, Trans tb, int64_t M, int64_t N, int64_t K) {
  const auto A = random_vector(M * K), B = random_vector(K * N);
  std::vector<float> C(static_cast<size_t>(M * N));
  const int64_t lda = ta == Trans::Yes ? M : K, ldb = tb == Trans::Yes ? K : N;
  for (auto _ : state) {
    gemm(ta, tb, M, N, K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), N);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// gates[B,4H] = h[B,H] * W_hh^T (W_hh stored [4H,H]); args: B, H.
void BM_RecurrentForward(benchmark::State& s) {
  run(s, Trans::No, Trans::Yes, s.range(0), 4 * s.range(1), s.range(1));
}
// dh[B,H] = dgates[B,4H] * W_hh; args: B, H.
void BM_RecurrentBackward(benchmark::State& s) {
  run(s, Trans::No, Trans::No, s.range(0), s.range(1), 4 * s.range(1));
}
// dW_hh[4H,H] = dgates^T[4H,T*B] * h[T*B,H]; args: T*B, H.
void BM_WeightGradient(benchmark::State& s) {
  run(s, Trans::Yes, Trans::No, 4 * s.range(1), s.range(1), s.range(0));
}
// P[T*B,4H] = X[T*B,I] * W_ih^T; args: T*B, I, H.
void BM_InputProjection(benchmark::State& s) {
  run(s, Trans::No, Trans::Yes, s.range(0), 4 * s.range(2), s.range(1));
}

// y[M,N] += v[M,K] * W^T through recur's packed kernel (kernels/step_matmul.h), W [N,K] packed
// once, as a layer packs its weights once per sequence.
void run_packed(benchmark::State& s, int64_t M, int64_t K, int64_t N) {
  const auto v = random_vector(M * K), w = random_vector(N * K);
  const auto packed = recur::kernels::PackedMatrix::from_transposed(N, K, w.data());
  std::vector<float> y(static_cast<size_t>(M * N));
  for (auto _ : s) {
    recur::kernels::step_matmul_acc(M, v.data(), K, packed.all(), y.data(), N);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  s.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// The per-step product y[B,4H] += h[B,H] * W_hh^T; args: B, H (as BM_RecurrentForward).
void BM_StepMatmulForward(benchmark::State& s) {
  run_packed(s, s.range(0), s.range(1), 4 * s.range(1));
}
// The input projection P[T*B,4H] += X[T*B,I] * W_ih^T; args: T*B, I, H (as BM_InputProjection).
void BM_PackedInputProjection(benchmark::State& s) {
  run_packed(s, s.range(0), s.range(1), 4 * s.range(2));
}

BENCHMARK(BM_StepMatmulForward)->ArgsProduct({{1, 8, 16, 32, 64}, {64, 128, 256, 512}});
BENCHMARK(BM_RecurrentForward)->ArgsProduct({{1, 8, 32, 64}, {64, 128, 256, 512}});
BENCHMARK(BM_RecurrentBackward)->ArgsProduct({{1, 8, 32, 64}, {64, 128, 256, 512}});
BENCHMARK(BM_WeightGradient)->ArgsProduct({{6400}, {64, 128, 256, 512}});
BENCHMARK(BM_InputProjection)->ArgsProduct({{6400}, {128, 512}, {256, 512}});
BENCHMARK(BM_InputProjection)->ArgsProduct({{960}, {1, 64}, {64}});
BENCHMARK(BM_InputProjection)->ArgsProduct({{800}, {128, 256}, {128}});
BENCHMARK(BM_PackedInputProjection)->ArgsProduct({{6400}, {128, 512}, {256, 512}});
BENCHMARK(BM_PackedInputProjection)->ArgsProduct({{960}, {1, 64}, {64}});
BENCHMARK(BM_PackedInputProjection)->ArgsProduct({{800}, {128, 256}, {128}});

}  // namespace

BENCHMARK_MAIN();
