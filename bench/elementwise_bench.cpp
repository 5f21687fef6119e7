// The vectorised activations (kernels/activations.h) against the scalar std:: loops they
// replace, on gate-row sizes (64..2048 floats). Reports elements per second.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "recur/kernels/activations.h"

namespace {

using ArrayFn = void (*)(const float*, float*, int64_t);

void std_exp(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}
void std_sigmoid(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
}
void std_tanh(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}
void std_gelu(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * 0.70710678f));
}

void run(benchmark::State& state, ArrayFn fn) {
  const int64_t n = state.range(0);
  std::vector<float> x(static_cast<size_t>(n)), y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) x[i] = -6.0f + 12.0f * static_cast<float>(i) / n;
  for (auto _ : state) {
    fn(x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

#define RECUR_ELEMENTWISE_BENCH(name, fn)             \
  void BM_##name(benchmark::State& s) { run(s, fn); } \
  BENCHMARK(BM_##name)->RangeMultiplier(4)->Range(64, 2048)

RECUR_ELEMENTWISE_BENCH(Exp, recur::kernels::exp);
RECUR_ELEMENTWISE_BENCH(StdExp, std_exp);
RECUR_ELEMENTWISE_BENCH(Sigmoid, recur::kernels::sigmoid);
RECUR_ELEMENTWISE_BENCH(StdSigmoid, std_sigmoid);
RECUR_ELEMENTWISE_BENCH(Tanh, recur::kernels::tanh);
RECUR_ELEMENTWISE_BENCH(StdTanh, std_tanh);
RECUR_ELEMENTWISE_BENCH(Gelu, recur::kernels::gelu);
RECUR_ELEMENTWISE_BENCH(StdGelu, std_gelu);

}  // namespace

BENCHMARK_MAIN();
