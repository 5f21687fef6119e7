// Micro-benchmarks of the recurrent layers on the project's reference shapes:
//   S1: T=30, B=32, I=1,   H=64,  2 layers   (small forecasting model)
//   S2: T=100, B=64, I=128, H=256, 1 layer   (mid-size sequence model)
//   S5: streaming, one step at B=1, I=32, H=128
// for each cell type (arg 0: 0 = LSTM, 1 = GRU, 2 = RNN tanh, 3 = layer-normalised LSTM, 4 =
// layer-normalised GRU). "Forward" is inference (NoGradGuard); "TrainStep" is forward + backward
// of all outputs (weights' gradients included); "VariationalTrainStep" the same with input and
// recurrent variational dropout at 0.25 (arg: 0 = LSTM, 1 = GRU).
//   build-rnn/bench/bench_recurrent --benchmark_filter=S1
#include <benchmark/benchmark.h>

#include <string>

#include "recur/autograd/grad_mode.h"
#include "recur/nn/recurrent_layer.h"
#include "recur/nn/recurrent_stream.h"

namespace {

using recur::Tensor;
using recur::nn::CellType;

struct Shape {
  int64_t T, B, I, H, layers;
};
constexpr Shape kS1{30, 32, 1, 64, 2};
constexpr Shape kS2{100, 64, 128, 256, 1};

CellType cell_of(int64_t arg) {
  constexpr CellType kCells[] = {CellType::Lstm, CellType::Gru, CellType::RnnTanh,
                                 CellType::LayerNormLstm, CellType::LayerNormGru};
  return kCells[arg];
}

recur::nn::RecurrentLayer make_layer(CellType cell, const Shape& s, recur::Generator& gen,
                                     float variational_dropout = 0.0f) {
  recur::nn::RecurrentOptions o;
  o.input_size = s.I;
  o.hidden_size = s.H;
  o.num_layers = s.layers;
  o.input_dropout = o.recurrent_dropout = variational_dropout;
  return recur::nn::RecurrentLayer(cell, o, gen);
}

void set_label(benchmark::State& state, CellType cell, const std::string& extra = "") {
  state.SetLabel(recur::nn::cell_type_name(cell) +
                 (cell == CellType::RnnTanh ? std::string("(tanh)") : std::string()) + extra);
}

void forward(benchmark::State& state, const Shape& s) {
  recur::Generator gen(1);
  const CellType cell = cell_of(state.range(0));
  auto layer = make_layer(cell, s, gen);
  Tensor x = Tensor::uniform({s.T, s.B, s.I}, -1, 1, gen);
  recur::NoGradGuard no_grad;
  for (auto _ : state) {
    auto out = layer.forward(x);
    benchmark::DoNotOptimize(out.output.data());
  }
  set_label(state, cell);
  state.SetItemsProcessed(state.iterations() * s.T * s.B);
}

void train_step(benchmark::State& state, const Shape& s, float variational_dropout = 0.0f) {
  recur::Generator gen(1);
  const CellType cell = cell_of(state.range(0));
  auto layer = make_layer(cell, s, gen, variational_dropout);
  Tensor x = Tensor::uniform({s.T, s.B, s.I}, -1, 1, gen);
  Tensor grad = Tensor::uniform({s.T, s.B, s.H}, -1, 1, gen);
  for (auto _ : state) {
    auto out = layer.forward(x);
    out.output.backward(grad);
    layer.zero_grad();
  }
  set_label(state, cell);
  state.SetItemsProcessed(state.iterations() * s.T * s.B);
}

void BM_S1_Forward(benchmark::State& state) { forward(state, kS1); }
void BM_S1_TrainStep(benchmark::State& state) { train_step(state, kS1); }
void BM_S2_Forward(benchmark::State& state) { forward(state, kS2); }
void BM_S2_TrainStep(benchmark::State& state) { train_step(state, kS2); }
void BM_S1_VariationalTrainStep(benchmark::State& state) { train_step(state, kS1, 0.25f); }
void BM_S2_VariationalTrainStep(benchmark::State& state) { train_step(state, kS2, 0.25f); }

// Times S5's streaming step (raw, allocation-free overload) at B=1, I=32, H=128.
void stream_steps(benchmark::State& state, CellType cell, recur::nn::StreamOptions options) {
  recur::Generator gen(1);
  auto layer = make_layer(cell, {1, 1, 32, 128, 1}, gen);
  recur::nn::RecurrentStream stream(layer, 1, options);
  Tensor x = Tensor::uniform({1, 32}, -1, 1, gen);
  for (auto _ : state) benchmark::DoNotOptimize(stream.step(x.data()));
  set_label(state, cell, std::string(" ") + recur::kernels::weight_precision_name(options.weights));
}

// S5; args: cell, threads the stream splits the step between (by default only while that is
// faster than one thread), weight precision (0 fp32, 1 fp16, 2 bf16).
void BM_S5_StreamStep(benchmark::State& state) {
  using recur::kernels::WeightPrecision;
  constexpr WeightPrecision kPrecisions[] = {WeightPrecision::kFloat32, WeightPrecision::kFloat16,
                                             WeightPrecision::kBFloat16};
  stream_steps(
      state, cell_of(state.range(0)),
      {.threads = static_cast<int>(state.range(1)), .weights = kPrecisions[state.range(2)]});
}

// S5's LSTM step always split between 2 threads (StreamOptions::choose_by_timing off): the split
// itself, which BM_S5_StreamStep/0/2/0 gives up for one thread when that is faster.
void BM_S5_StreamStepAlwaysSplit(benchmark::State& state) {
  stream_steps(state, CellType::Lstm, {.threads = 2, .choose_by_timing = false});
}

// The Tensor-in, Tensor-out step (one small output allocation per call).
void BM_S5_StreamStepTensor(benchmark::State& state) {
  recur::Generator gen(1);
  const CellType cell = cell_of(state.range(0));
  auto layer = make_layer(cell, {1, 1, 32, 128, 1}, gen);
  recur::nn::RecurrentStream stream(layer, 1);
  Tensor x = Tensor::uniform({1, 32}, -1, 1, gen);
  for (auto _ : state) benchmark::DoNotOptimize(stream.step(x).data());
  set_label(state, cell);
}

BENCHMARK(BM_S1_Forward)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_S1_TrainStep)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_S1_VariationalTrainStep)->DenseRange(0, 1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_S2_Forward)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_S2_TrainStep)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_S2_VariationalTrainStep)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_S5_StreamStep)
    ->ArgsProduct({{0, 1, 2}, {1, 2}, {0, 1, 2}})
    ->Unit(benchmark::kNanosecond);
BENCHMARK(BM_S5_StreamStepAlwaysSplit)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_S5_StreamStepTensor)->Arg(0)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
