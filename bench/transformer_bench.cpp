// Issue 12's Transformer encoder job timed on recur, one job per process, for bench/transformer
// to interleave with the same job in PyTorch (see bench/token_jobs_bench.cpp for why one process
// per job rather than a Google Benchmark harness).
//
// The model: nn::TransformerEncoder of 2 layers (d_model 128, 4 heads, ffn 512, dropout 0.1,
// relu, post-norm, batch_first) over x [B = 32, T = 100, 128] drawn N(0, 1) once, no mask.
//   train   training step: zero_grad, mse_loss(encoder(x), target), item, backward, Adam
//           (lr 1e-3). Unit: tokens (32 * 100 per step).
//   infer   eval mode, no gradients: encoder(x). Unit: tokens.
//
//   bench_transformer --job train --threads 1 --steps 10 --warmup 2
//
// Prints one JSON line: job, threads, the per-repetition wall seconds, their median,
// units_per_s, and the same by CPU time (cpu_seconds, cpu_units_per_s).
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "job_timing.h"
#include "recur/autograd/grad_mode.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/transformer.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"

namespace {

using namespace recur;
using bench::Clock;
using bench::Timings;

constexpr int64_t kBatch = 32, kSteps = 100, kModel = 128, kHeads = 4, kFfn = 512, kLayers = 2;

using Args = bench::JobArgs;

nlohmann::json run(const Args& a) {
  Generator gen(0);
  nn::TransformerEncoder encoder(nn::TransformerEncoderLayer({.d_model = kModel,
                                                              .nhead = kHeads,
                                                              .dim_feedforward = kFfn,
                                                              .dropout = 0.1f,
                                                              .batch_first = true},
                                                             gen),
                                 kLayers, nullptr, gen);
  const Tensor x = Tensor::normal({kBatch, kSteps, kModel}, 0, 1, gen);
  const Tensor target = Tensor::normal({kBatch, kSteps, kModel}, 0, 1, gen);
  optim::Adam adam(encoder.parameters(), {.lr = 1e-3});
  const bool train = a.job == "train";
  encoder.train(train);
  Timings times;
  for (int64_t i = 0; i < a.warmup + a.steps; ++i) {
    const Clock clock;
    if (train) {
      adam.zero_grad();
      Tensor loss = mse_loss(encoder.forward(x), target);
      volatile double value = loss.item();
      (void)value;
      loss.backward();
      adam.step();
    } else {
      NoGradGuard no_grad;
      volatile float first = encoder.forward(x).data()[0];
      (void)first;
    }
    if (i >= a.warmup) times.add(clock);
  }
  return times.json(static_cast<double>(kBatch * kSteps));
}

}  // namespace

int main(int argc, char** argv) {
  return bench::job_main("bench_transformer", argc, argv, {}, {{"train", run}, {"infer", run}});
}
