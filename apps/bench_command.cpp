// `recur bench`: times one recurrent layer configuration the way the performance anchors in
// shared/anchors (torch_rnn.py, onednn_lstm.cpp) time theirs, so the numbers compare directly:
//   infer  : layer.forward(x) with gradients off
//   train  : gradients dropped, forward, mse_loss against a fixed target over all outputs,
//            backward (no optimizer step; x does not require grad)
//   stream : --steps single-step calls of a RecurrentStream carrying the state, per step (with
//            --threads N > 1 each step is split between N cores, see recurrent_stream.h)
// Warm-up calls, then timed calls until at least --reps calls and --min-time seconds (at most
// --max-reps). Reports median, min/max and quartiles per call, the memory the first call adds
// at its peak (resident set; bench/memory compares it with PyTorch's), and GFLOP/s with
//   forward flops = 2*T*B*G*H*(I+H)*L*D (G = 4 LSTM, 3 GRU, 1 RNN; the anchors' formula, which
//   uses I for every layer) and the exact count, where layer l > 0 has input D*H; train = 3x.
//
//   recur bench --cell lstm -T 30 -B 32 -I 1 -H 64 --layers 2 --mode train --threads 1 --json
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "number_flags.h"
#include "recur/autograd/grad_mode.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/recurrent_stream.h"
#include "recur/ops/loss.h"

namespace recur::cli {
namespace {

struct BenchArgs {
  std::string cell = "lstm", mode = "infer", label = "custom";
  int64_t steps_t = 100, batch = 64, input = 128, hidden = 256, layers = 1;
  bool bidirectional = false, json = false;
  int threads = 0;  // 0: leave recur's default (OMP_NUM_THREADS or all cores)
  int warmup = 1, reps = 5, max_reps = 40;
  double min_time = 1.0;
  int64_t stream_steps = 1000;
  uint64_t seed = 0;
};

// ---- Flop counts ----------------------------------------------------------------------------

struct FlopCount {
  double formula = 0;             // the anchors' 2*T*B*G*H*(I+H)*L*D
  std::vector<double> per_layer;  // exact, layer l > 0 has input D*H
  double exact = 0;
};

FlopCount forward_flops(nn::CellType type, int64_t steps, int64_t batch, int64_t input,
                        int64_t hidden, int64_t layers, int64_t dirs) {
  const double base = 2.0 * steps * batch * nn::gate_count(type) * hidden * dirs;
  FlopCount count;
  count.formula = base * (input + hidden) * layers;
  for (int64_t l = 0; l < layers; ++l) {
    const int64_t layer_input = l == 0 ? input : dirs * hidden;
    count.per_layer.push_back(base * (layer_input + hidden));
    count.exact += count.per_layer.back();
  }
  return count;
}

FlopCount scaled(FlopCount count, double factor) {
  count.formula *= factor;
  count.exact *= factor;
  for (double& f : count.per_layer) f *= factor;
  return count;
}

// ---- Timing ---------------------------------------------------------------------------------

struct TimeStats {
  double median = 0, min = 0, max = 0, p25 = 0, p75 = 0;
  int reps = 0;
};

// Same definitions as the anchors: the median averages the two middle values; quartiles are
// the sorted sample at round(f * (n - 1)).
TimeStats summarize(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  const size_t n = times.size();
  auto at = [&](double f) { return times[std::min(n - 1, size_t(std::lround(f * (n - 1))))]; };
  TimeStats s;
  s.median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
  s.min = times.front();
  s.max = times.back();
  s.p25 = at(0.25);
  s.p75 = at(0.75);
  s.reps = static_cast<int>(n);
  return s;
}

TimeStats time_calls(const std::function<void()>& call, const BenchArgs& args) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  for (int i = 0; i < std::max(args.warmup, 1); ++i) call();
  std::vector<double> times;
  const Clock::time_point start = Clock::now();
  while (static_cast<int>(times.size()) < args.max_reps &&
         (static_cast<int>(times.size()) < args.reps || seconds_since(start) < args.min_time)) {
    const Clock::time_point t = Clock::now();
    call();
    times.push_back(seconds_since(t));
  }
  return summarize(times);
}

// ---- Memory ---------------------------------------------------------------------------------

// "VmRSS" or "VmHWM" of /proc/self/status in bytes, -1 where unavailable.
int64_t proc_status_bytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1)) * 1024;
  }
  return -1;
}

// What one call adds to the process's memory at its peak: the peak resident set during the
// call (the kernel's high-water mark, reset first by writing 5 to /proc/self/clear_refs) minus
// the resident set before it. The first call is measured, so one-time allocations count.
// -1 where /proc does not allow it.
int64_t call_peak_bytes(const std::function<void()>& call) {
  const int64_t before = proc_status_bytes("VmRSS");
  std::ofstream clear("/proc/self/clear_refs");
  if (!(clear << "5" << std::flush) || before < 0) {
    call();
    return -1;
  }
  call();
  const int64_t peak = proc_status_bytes("VmHWM");
  return peak < 0 ? -1 : std::max<int64_t>(0, peak - before);
}

// ---- Workloads ------------------------------------------------------------------------------

// The state a timed call works on; kept alive for the whole measurement.
struct Workload {
  std::shared_ptr<nn::RecurrentLayer> layer;
  Tensor x, target;
  std::shared_ptr<nn::RecurrentStream> stream;
  std::function<void()> call;
};

Workload make_workload(const BenchArgs& args, nn::CellType type, Generator& gen) {
  nn::RecurrentOptions options;
  options.input_size = args.input;
  options.hidden_size = args.hidden;
  options.num_layers = args.layers;
  options.bidirectional = args.bidirectional;
  Workload w;
  w.layer = std::make_shared<nn::RecurrentLayer>(type, options, gen);
  const int64_t dirs = args.bidirectional ? 2 : 1;
  if (args.mode == "infer") {
    w.layer->eval();
    w.x = Tensor::normal({args.steps_t, args.batch, args.input}, 0, 1, gen);
    w.call = [&layer = *w.layer, x = w.x] {
      InferenceGuard no_grad;
      layer.forward(x);
    };
  } else if (args.mode == "train") {
    w.x = Tensor::normal({args.steps_t, args.batch, args.input}, 0, 1, gen);
    w.target = Tensor::normal({args.steps_t, args.batch, dirs * args.hidden}, 0, 1, gen);
    w.call = [&layer = *w.layer, x = w.x, target = w.target] {
      layer.zero_grad();
      mse_loss(layer.forward(x).output, target).backward();
    };
  } else if (args.mode == "stream") {
    w.layer->eval();
    w.stream = std::make_shared<nn::RecurrentStream>(*w.layer, args.batch, kernels::num_threads());
    w.x = Tensor::uniform({args.stream_steps, args.batch, args.input}, -1, 1, gen);
    w.call = [&stream = *w.stream, x = w.x, steps = args.stream_steps] {
      stream.reset();
      const int64_t stride = x.numel() / steps;
      for (int64_t t = 0; t < steps; ++t) stream.step(x.data() + t * stride);
    };
  } else {
    throw ValueError("--mode " + args.mode + ": expected infer, train or stream");
  }
  return w;
}

// ---- Report ---------------------------------------------------------------------------------

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

void check_args(const BenchArgs& a) {
  for (auto [value, name] : {std::pair{a.steps_t, "-T"},
                             {a.batch, "-B"},
                             {a.input, "-I"},
                             {a.hidden, "-H"},
                             {a.layers, "--layers"},
                             {a.stream_steps, "--steps"}}) {
    if (value <= 0)
      throw ValueError(std::string(name) + " must be > 0, got " + std::to_string(value));
  }
  if (a.reps < 1 || a.max_reps < a.reps) {
    throw ValueError("--reps must be >= 1 and --max-reps >= --reps, got " + std::to_string(a.reps) +
                     " and " + std::to_string(a.max_reps));
  }
  if (a.threads < 0) throw ValueError("--threads must be >= 1");
}

void bench(const BenchArgs& args) {
  check_args(args);
  const nn::CellType type = nn::parse_cell_type(args.cell, "--cell");
  if (args.threads > 0) kernels::set_num_threads(args.threads);
  Generator gen(args.seed);
  Workload w = make_workload(args, type, gen);

  const int64_t dirs = args.bidirectional ? 2 : 1;
  const bool stream = args.mode == "stream";
  const FlopCount fwd =
      stream
          ? scaled(forward_flops(type, 1, args.batch, args.input, args.hidden, args.layers, dirs),
                   static_cast<double>(args.stream_steps))
          : forward_flops(type, args.steps_t, args.batch, args.input, args.hidden, args.layers,
                          dirs);
  const FlopCount flops = scaled(fwd, args.mode == "train" ? 3.0 : 1.0);

  const int64_t peak_bytes = call_peak_bytes(w.call);
  const TimeStats st = time_calls(w.call, args);
  const double gflops = flops.formula / st.median / 1e9;
  const double gflops_exact = flops.exact / st.median / 1e9;
  const double us_per_step = stream ? st.median / args.stream_steps * 1e6 : 0.0;
  const char* wait_policy = std::getenv("OMP_WAIT_POLICY");

  if (args.json) {
    nlohmann::json j = {{"kind", "recur"},
                        {"shape", args.label},
                        {"cell", nn::cell_flag_name(type)},
                        {"mode", args.mode},
                        {"threads", kernels::num_threads()},
                        {"config", std::to_string(kernels::num_threads())},
                        {"T", stream ? 1 : args.steps_t},
                        {"B", args.batch},
                        {"I", args.input},
                        {"H", args.hidden},
                        {"L", args.layers},
                        {"bidir", args.bidirectional},
                        {"flops", flops.formula},
                        {"flops_exact", flops.exact},
                        {"flops_exact_per_layer", flops.per_layer},
                        {"median_s", st.median},
                        {"min_s", st.min},
                        {"max_s", st.max},
                        {"p25_s", st.p25},
                        {"p75_s", st.p75},
                        {"reps", st.reps},
                        {"gflops", gflops},
                        {"gflops_exact", gflops_exact},
                        {"omp_wait_policy", wait_policy ? wait_policy : ""},
                        {"call_peak_bytes", peak_bytes}};
    if (stream) {
      j["steps"] = args.stream_steps;
      j["us_per_step"] = us_per_step;
      j["us_per_step_min"] = st.min / args.stream_steps * 1e6;
      j["us_per_step_max"] = st.max / args.stream_steps * 1e6;
    }
    std::cout << j.dump() << "\n";
    return;
  }
  const double ms = 1e3;
  std::cout << nn::cell_type_name(type) << " (" << nn::cell_flag_name(type) << ") "
            << (stream ? "steps=" + std::to_string(args.stream_steps) + " (one per step() call)"
                       : "T=" + std::to_string(args.steps_t))
            << " B=" << args.batch << " I=" << args.input << " H=" << args.hidden
            << " layers=" << args.layers << (args.bidirectional ? " bidirectional" : "")
            << ", mode " << args.mode << ", " << kernels::num_threads() << " thread(s)\n";
  if (stream) {
    std::cout << "  " << fixed(us_per_step, 2) << " us per step (median; min "
              << fixed(st.min / args.stream_steps * 1e6, 2) << ", max "
              << fixed(st.max / args.stream_steps * 1e6, 2) << ") over " << st.reps << " calls of "
              << args.stream_steps << " steps\n";
  }
  std::cout << "  median " << fixed(st.median * ms, 3) << " ms per call  [min "
            << fixed(st.min * ms, 3) << ", p25 " << fixed(st.p25 * ms, 3) << ", p75 "
            << fixed(st.p75 * ms, 3) << ", max " << fixed(st.max * ms, 3) << "] over " << st.reps
            << " calls\n"
            << "  first call's peak memory above the resident set before it: "
            << (peak_bytes < 0 ? std::string("unavailable")
                               : fixed(peak_bytes / 1048576.0, 1) + " MiB")
            << "\n"
            << "  " << fixed(gflops, 2) << " GFLOP/s by the formula 2*T*B*G*H*(I+H)*L*D"
            << (args.mode == "train" ? "*3" : "") << " (" << flops.formula << " flop per call)\n"
            << "  " << fixed(gflops_exact, 2) << " GFLOP/s exact (" << flops.exact << " flop:";
  for (size_t l = 0; l < flops.per_layer.size(); ++l) {
    std::cout << " layer " << l << " " << flops.per_layer[l];
  }
  std::cout << ")\n";
}

}  // namespace
}  // namespace recur::cli

void add_bench_command(CLI::App& app) {
  using namespace recur::cli;
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Time one RNN/LSTM/GRU configuration");
  cmd->add_option("--cell", args->cell, "lstm | gru | rnn_tanh (or rnn) | rnn_relu")
      ->capture_default_str()
      ->check(CLI::IsMember(recur::nn::cell_names()));
  cmd->add_option("-T,--seq-len", args->steps_t, "time steps per call")
      ->capture_default_str()
      ->check(whole_number(1, 1000000));
  cmd->add_option("-B,--batch", args->batch, "batch size")
      ->capture_default_str()
      ->check(whole_number(1, 1000000));
  cmd->add_option("-I,--input-size", args->input, "input size")
      ->capture_default_str()
      ->check(whole_number(1, 65536));
  cmd->add_option("-H,--hidden-size", args->hidden, "hidden size")
      ->capture_default_str()
      ->check(whole_number(1, 65536));
  cmd->add_option("--layers", args->layers, "stacked layers")
      ->capture_default_str()
      ->check(whole_number(1, 64));
  cmd->add_flag("--bidirectional", args->bidirectional, "two directions");
  cmd->add_option("--mode", args->mode, "infer | train | stream")
      ->capture_default_str()
      ->check(CLI::IsMember({"infer", "train", "stream"}));
  cmd->add_option("--steps", args->stream_steps, "stream mode: single steps per timed call")
      ->capture_default_str()
      ->check(whole_number(1, 100000000));
  cmd->add_option("--threads", args->threads, "threads (default: OMP_NUM_THREADS or all cores)")
      ->check(whole_number(0, 4096));
  cmd->add_option("--warmup", args->warmup, "untimed calls first")
      ->capture_default_str()
      ->check(whole_number(0, 1000000));
  cmd->add_option("--reps", args->reps, "at least this many timed calls")
      ->capture_default_str()
      ->check(whole_number(1, 1000000));
  cmd->add_option("--max-reps", args->max_reps, "at most this many timed calls")
      ->capture_default_str()
      ->check(whole_number(1, 1000000));
  cmd->add_option("--min-time", args->min_time, "keep timing for at least this many seconds")
      ->capture_default_str()
      ->check(real_number(0.0, 3600.0));
  cmd->add_option("--seed", args->seed, "seed of the weights and inputs")
      ->capture_default_str()
      ->check(whole_number(0));
  cmd->add_option("--label", args->label, "shape name stored in the JSON (e.g. S1)");
  cmd->add_flag("--json", args->json, "print one JSON object instead of text");
  cmd->callback([args] { run_reporting_errors("bench", [&] { bench(*args); }); });
}
