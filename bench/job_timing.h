// Timing for the side-by-side job programs (bench_token_jobs, bench_transformer): one job per
// process, repeated after untimed warm-up runs, reported as one JSON object that the driver
// scripts (bench/token_jobs, bench/transformer) read beside PyTorch's.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

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

}  // namespace recur::bench
