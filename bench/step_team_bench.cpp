// kernels::StepTeam's own costs, which a split streaming step pays on top of its work: handing
// an empty piece of work to the team and waiting for it (one round trip between the cores), with
// 0 or 1 barriers inside the piece; and OpenMP's parallel region doing the same on the same
// machine. Args: threads, barriers.
//
//   build/bench/bench_step_team
#include <benchmark/benchmark.h>
#include <omp.h>

#include "recur/kernels/step_team.h"

namespace {

void BM_StepTeam(benchmark::State& state) {
  recur::kernels::StepTeam team(static_cast<int>(state.range(0)));
  const int64_t barriers = state.range(1);
  const std::function<void(int)> piece = [&](int) {
    for (int64_t b = 0; b < barriers; ++b) team.barrier();
  };
  for (auto _ : state) team.run(piece);
}

void BM_OpenMpParallel(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int64_t barriers = state.range(1);
  for (auto _ : state) {
#pragma omp parallel num_threads(threads)
    for (int64_t b = 0; b < barriers; ++b) {
#pragma omp barrier
    }
  }
}

BENCHMARK(BM_StepTeam)->ArgsProduct({{2}, {0, 1}})->Unit(benchmark::kNanosecond);
BENCHMARK(BM_OpenMpParallel)->ArgsProduct({{2}, {0, 1}})->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
