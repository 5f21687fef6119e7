// kernels::StepTeam's own costs, which a split streaming step pays on top of its work: handing
// an empty piece of work to the team and waiting for it (one round trip between the cores), and
// one barrier inside a piece. Compare with OpenMP's fork/join and barrier on the same machine.
//
//   build/bench/bench_step_team
#include <benchmark/benchmark.h>
#include <omp.h>

#include "recur/kernels/step_team.h"

namespace {

void BM_StepTeamRun(benchmark::State& state) {
  recur::kernels::StepTeam team(static_cast<int>(state.range(0)));
  const std::function<void(int)> nothing = [](int) {};
  for (auto _ : state) team.run(nothing);
}

void BM_StepTeamRunWithBarrier(benchmark::State& state) {
  recur::kernels::StepTeam team(static_cast<int>(state.range(0)));
  const std::function<void(int)> meet = [&team](int) { team.barrier(); };
  for (auto _ : state) team.run(meet);
}

void BM_OpenMpParallel(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  int sink = 0;
  for (auto _ : state) {
#pragma omp parallel num_threads(threads)
    benchmark::DoNotOptimize(sink);
  }
}

void BM_OpenMpParallelWithBarrier(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  int sink = 0;
  for (auto _ : state) {
#pragma omp parallel num_threads(threads)
    {
      benchmark::DoNotOptimize(sink);
#pragma omp barrier
    }
  }
}

BENCHMARK(BM_StepTeamRun)->Arg(2)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_StepTeamRunWithBarrier)->Arg(2)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_OpenMpParallel)->Arg(2)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_OpenMpParallelWithBarrier)->Arg(2)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
