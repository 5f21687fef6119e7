// Timing and command line for the side-by-side job programs (bench_token_jobs,
// bench_transformer, bench_seq2seq): one job per process, repeated after untimed warm-up runs,
// reported as one JSON line that the driver scripts (bench/side_by_side.py) read beside PyTorch's.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "recur/kernels/parallel.h"
#include "recur/tensor/error.h"

namespace recur::bench {

// Wall and CPU seconds of one repetition. On a shared machine the wall time includes the
// time the process waited for a core; its CPU time (all threads, spinning included) does not.
struct Clock {
  static double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  }
  std::chrono::steady_clock::time_point wall0 = std::chrono::steady_clock::now();
  double cpu0 = cpu_now();
  double wall() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  }
  double cpu() const { return cpu_now() - cpu0; }
};

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The timed repetitions of a job: wall and CPU seconds of each, per `units` of work.
struct Timings {
  std::vector<double> wall, cpu;
  void add(const Clock& c, double divisor = 1.0) {
    wall.push_back(c.wall() / divisor);
    cpu.push_back(c.cpu() / divisor);
  }
  nlohmann::json json(double units) const {
    return {{"seconds", wall},
            {"median_s", median(wall)},
            {"units_per_s", units / median(wall)},
            {"cpu_seconds", cpu},
            {"cpu_units_per_s", units / median(cpu)}};
  }
};

// The flags of a job program; the drivers pass the same ones to PyTorch's worker.
struct JobArgs {
  std::string job;
  int threads = 1;
  int64_t steps = 10;         // timed repetitions
  int64_t warmup = 2;         // untimed repetitions before them
  int64_t tokens = 1000;      // bench_token_jobs' sample: tokens drawn per repetition
  std::string data = "data";  // the repository's data folder
};

// --job, --threads, --steps, --warmup, --tokens and --data over `a`'s defaults.
inline JobArgs parse_job_args(int argc, char** argv, JobArgs a) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw ValueError(flag + ": missing value");
    const std::string v = argv[++i];
    if (flag == "--job")
      a.job = v;
    else if (flag == "--threads")
      a.threads = std::stoi(v);
    else if (flag == "--steps")
      a.steps = std::stoll(v);
    else if (flag == "--warmup")
      a.warmup = std::stoll(v);
    else if (flag == "--tokens")
      a.tokens = std::stoll(v);
    else if (flag == "--data")
      a.data = v;
    else
      throw ValueError("unknown flag " + flag);
  }
  if (a.threads < 1 || a.steps < 1 || a.warmup < 0 || a.tokens < 1) {
    throw ValueError("--threads, --steps and --tokens must be >= 1, --warmup >= 0");
  }
  return a;
}

using JobRunner = std::function<nlohmann::json(const JobArgs&)>;

// A job program's main: parses the flags over `defaults`, sets the thread count, runs the job
// --job names and prints its JSON with the job and thread count added. An error goes to stderr
// after the program's name, and the exit status is 1.
inline int job_main(const char* program, int argc, char** argv, const JobArgs& defaults,
                    const std::map<std::string, JobRunner>& jobs) {
  try {
    const JobArgs a = parse_job_args(argc, argv, defaults);
    const auto job = jobs.find(a.job);
    if (job == jobs.end()) {
      std::string known;
      for (const auto& [name, run] : jobs) known += (known.empty() ? "" : ", ") + name;
      throw ValueError("--job must be one of " + known + ", not " + a.job);
    }
    kernels::set_num_threads(a.threads);
    nlohmann::json r = job->second(a);
    r["job"] = a.job;
    r["threads"] = a.threads;
    std::cout << r.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace recur::bench
