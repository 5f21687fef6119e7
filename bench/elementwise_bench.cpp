// The vectorised activations (kernels/activations.h) against the scalar std:: loops they
// replace, on gate-row sizes (64..2048 floats). Reports elements per second.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "recur/kernels/activations.h"
#include "recur/kernels/rnn_gates.h"

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

// One time step's fused LSTM gate pass (kernels/rnn_gates.h) on S2's step, B=64, H=256:
// 3 sigmoids, 2 tanh and the state update per hidden unit. Items = hidden units.
void BM_LstmGateStep(benchmark::State& state) {
  const int64_t B = state.range(0), H = state.range(1);
  std::vector<float> pre(static_cast<size_t>(B * 4 * H)), gates(pre.size());
  std::vector<float> c(static_cast<size_t>(B * H), 0.5f), h(c.size());
  for (size_t i = 0; i < pre.size(); ++i) pre[i] = -4.0f + 8.0f * static_cast<float>(i % 977) / 977;
  for (auto _ : state) {
    state.PauseTiming();
    gates = pre;  // the kernel overwrites pre-activations with activations
    state.ResumeTiming();
    recur::kernels::lstm_forward(B, H, gates.data(), c.data(), h.data(), H, nullptr);
    benchmark::DoNotOptimize(h.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * B * H);
}
BENCHMARK(BM_LstmGateStep)->Args({64, 256})->Args({32, 64});

}  // namespace

BENCHMARK_MAIN();
