#include "recur/kernels/step_team.h"

#include <chrono>

namespace recur::kernels {

namespace {

// How long a worker keeps spinning for the next piece of work before it sleeps: long enough to
// span the gap between the steps of a serving loop, short enough not to hold a core for long.
constexpr std::chrono::microseconds kSpin{50};

// Tells the core that this is a spin-wait loop (it yields pipeline resources to the other
// hardware thread, and leaves the loop without a memory-order mis-speculation).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until pred() holds or kSpin has passed; returns pred().
template <class Pred>
bool spin_for_a_while(const Pred& pred) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (pred()) return true;
    cpu_relax();
    // The clock is read only every 64 turns: it costs more than a turn.
    if (i % 64 == 63 && std::chrono::steady_clock::now() > deadline) return pred();
  }
}

// Waits for pred() to hold: spinning first, then giving the core away between checks, so that a
// team with more members than free cores still moves (a member being waited for may need the
// very core that is spinning).
template <class Pred>
void wait_until(const Pred& pred) {
  if (spin_for_a_while(pred)) return;
  while (!pred()) std::this_thread::yield();
}

}  // namespace

StepTeam::StepTeam(int size) : size_(size < 1 ? 1 : size) {
  for (int m = 1; m < size_; ++m) workers_.emplace_back([this, m] { work(m); });
}

StepTeam::~StepTeam() {
  stop_.store(true, std::memory_order_relaxed);
  epoch_.fetch_add(1, std::memory_order_release);
  epoch_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void StepTeam::work(int member) {
  uint32_t seen = 0;
  for (;;) {
    const auto changed = [&] { return epoch_.load(std::memory_order_acquire) != seen; };
    if (!spin_for_a_while(changed)) epoch_.wait(seen, std::memory_order_acquire);
    seen = epoch_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_relaxed)) return;
    (*fn_)(member);
    finished_.fetch_add(1, std::memory_order_release);
  }
}

void StepTeam::run(const std::function<void(int)>& fn) {
  if (size_ == 1) {
    fn(0);
    return;
  }
  fn_ = &fn;
  finished_.store(0, std::memory_order_relaxed);
  epoch_.fetch_add(1, std::memory_order_release);  // publishes fn_ and finished_ = 0
  epoch_.notify_all();
  fn(0);
  wait_until([&] { return finished_.load(std::memory_order_acquire) == size_ - 1; });
}

void StepTeam::barrier() {
  if (size_ == 1) return;
  const uint32_t round = barrier_round_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) == size_ - 1) {
    arrived_.store(0, std::memory_order_relaxed);
    barrier_round_.fetch_add(1, std::memory_order_release);
    return;
  }
  wait_until([&] { return barrier_round_.load(std::memory_order_acquire) != round; });
}

}  // namespace recur::kernels
