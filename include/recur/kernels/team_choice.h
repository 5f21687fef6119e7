// TeamChoice: whether a short piece of work repeated many times (a streaming step) runs faster
// split across a StepTeam or on the calling thread alone, decided by timing both now and then.
//
// A team pays only while its threads find free cores. When the other cores are busy, every
// hand-over waits for the scheduler: bench S5's LSTM step took 16-113 us split between two
// threads against 3.7 us on one (docs/PERFORMANCE.md, "The streaming step on two threads"). The
// load changes while a serving loop runs, so the choice is re-made: every `interval` steps a probe
// times `window` steps each way (the current way first) and keeps the faster; the other way must
// win by `margin` to take over. A probe that keeps the current way doubles the interval (up to
// max_interval), so a settled choice spends about (warmup + window) / interval of its steps on the
// slower way; the other way's window also ends as soon as it has taken longer than the current
// way's whole window. Both ways must compute the same thing (the stream's are bit-identical), so
// the choice changes only the speed.
//
//   TeamChoice choice;
//   for (...) choice.step([&](TeamChoice::Way way) { way == kTeam ? team.run(f) : f_alone(); });
#pragma once

#include <chrono>
#include <cstdint>

namespace recur::kernels {

class TeamChoice {
 public:
  enum class Way { kTeam, kAlone };
  struct Options {
    int window = 16;  // steps timed each way per probe
    // Steps run but not timed first, each way: a team that went to sleep wakes in the first
    // (tens of us), a cost a busy loop pays once per probe, not per step.
    int warmup = 1;
    int64_t first_interval = 256;  // steps between probes after a switch (and at the start)
    int64_t max_interval = int64_t{1} << 16;
    double margin = 0.9;  // the other way takes over if its window took < margin x the current's
  };

  TeamChoice() : TeamChoice(Options{}) {}
  explicit TeamChoice(Options options);

  // Runs one step as run(way), timing it when a probe wants its time.
  template <class Run>
  void step(Run&& run) {
    const Way w = way();
    if (!timing()) {
      run(w);
      done({});
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    run(w);
    done(std::chrono::steady_clock::now() - start);
  }

  // The parts of step(), for tests that feed their own times: the way of the next step, whether
  // its time is wanted, and the end of that step (elapsed is read only when timing() was true).
  Way way() const;
  bool timing() const { return phase_ != Phase::kSettled && warmup_left_ == 0; }
  void done(std::chrono::nanoseconds elapsed);

  Way settled() const { return settled_; }  // the way between probes
  bool probing() const { return phase_ != Phase::kSettled; }
  int64_t interval() const { return interval_; }

 private:
  enum class Phase { kSettled, kTimingSettled, kTimingOther };
  void start_window(Phase phase);
  void end_probe(bool other_won);

  Options options_;
  Way settled_ = Way::kTeam;
  Phase phase_ = Phase::kTimingSettled;  // the first steps already compare both ways
  int64_t interval_;
  int64_t steps_left_ = 0;  // timed steps of the current window, or settled steps, still to run
  int warmup_left_ = 0;     // untimed steps before the current window's timed ones
  std::chrono::nanoseconds settled_time_{0}, other_time_{0};
};

}  // namespace recur::kernels
