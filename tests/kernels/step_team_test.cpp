// StepTeam: every member runs each piece of work, barriers order the phases inside it, and a
// team whose workers have gone to sleep wakes for the next piece and shuts down cleanly.
#include "recur/kernels/step_team.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace recur::kernels {
namespace {

// Each round, every member writes its slot, meets the others at a barrier, then reads every
// slot: a barrier that let a member through early would show a slot from the round before.
void run_rounds(StepTeam& team, int rounds, std::vector<int>& slots, std::vector<int>& seen_sum) {
  const int n = team.size();
  for (int round = 1; round <= rounds; ++round) {
    team.run([&](int member) {
      slots[member] = round * 100 + member;
      team.barrier();
      int sum = 0;
      for (int m = 0; m < n; ++m) sum += slots[m];
      seen_sum[member] = sum;
      team.barrier();  // nobody writes the next round's slot before all have read this one
    });
    const int expected = n * round * 100 + n * (n - 1) / 2;
    for (int m = 0; m < n; ++m) ASSERT_EQ(seen_sum[m], expected) << "round " << round;
  }
}

TEST(StepTeam, EveryMemberRunsAndBarriersOrderPhases) {
  for (int size : {1, 2, 3}) {
    StepTeam team(size);
    EXPECT_EQ(team.size(), size);
    std::vector<int> slots(size, 0), seen(size, 0);
    run_rounds(team, 2000, slots, seen);
  }
}

TEST(StepTeam, WakesAfterSleepingAndStopsWhileAsleep) {
  StepTeam team(2);
  std::vector<int> slots(2, 0), seen(2, 0);
  run_rounds(team, 3, slots, seen);
  // Well past the spin time: the worker is asleep on the futex now.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  run_rounds(team, 3, slots, seen);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}  // the destructor must wake the sleeping worker and join it

TEST(StepTeam, SizeBelowOneMeansTheCallerAlone) {
  StepTeam team(0);
  EXPECT_EQ(team.size(), 1);
  int calls = 0;
  team.run([&](int member) {
    EXPECT_EQ(member, 0);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace recur::kernels
