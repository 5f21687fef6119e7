// StepTeam: a few threads that split one short piece of work (a streaming step of a few
// microseconds) between cores, with a barrier between its phases.
//
// recur's parallel loops use OpenMP (parallel.h), whose 2-thread parallel region costs 1.4-1.6
// microseconds here: more than half of a 2.5-microsecond step. A team hands out work and meets
// at barriers through shared atomics instead: 0.17-0.36 microseconds to hand out a piece and
// wait for it on this shared machine (bench/step_team_bench.cpp has the comparison). The
// calling thread is member 0; the other members are threads the team owns, which wait for work
// spinning for a short while after their last piece (so that the next step of a loop finds them
// awake) and then asleep, so an idle team costs no CPU.
//
//   StepTeam team(2);
//   team.run([&](int member) { first_half_or_second(member); team.barrier(); ... });
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace recur::kernels {

class StepTeam {
 public:
  // size >= 1 members; size - 1 threads are started.
  explicit StepTeam(int size);
  ~StepTeam();
  StepTeam(const StepTeam&) = delete;
  StepTeam& operator=(const StepTeam&) = delete;

  int size() const { return size_; }

  // Calls fn(member) on every member at once, fn(0) on the calling thread, and returns when all
  // have returned. fn must not throw (a worker has nowhere to send an exception). Not reentrant,
  // and one caller at a time.
  void run(const std::function<void(int)>& fn);

  // Called by every member inside run's fn: returns once all members have called it.
  void barrier();

 private:
  void work(int member);

  int size_;
  const std::function<void(int)>* fn_ = nullptr;
  // Each on its own cache line: the members write them from different cores.
  alignas(64) std::atomic<uint32_t> epoch_{0};  // bumped by run; workers wait for a change
  alignas(64) std::atomic<int> finished_{0};    // workers done with this epoch
  alignas(64) std::atomic<int> arrived_{0};     // members at the current barrier
  alignas(64) std::atomic<uint32_t> barrier_round_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace recur::kernels
