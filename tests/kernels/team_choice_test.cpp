// TeamChoice: probes time both ways and keep the faster, a losing probe ends early, settled
// choices are probed less and less often, and a change of load is noticed at the next probe.
#include "recur/kernels/team_choice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace recur::kernels {
namespace {

using Way = TeamChoice::Way;
using std::chrono::nanoseconds;

// Runs `steps` steps in which a team step takes team_ns and a lone step alone_ns; returns the
// way of every step.
std::vector<Way> run(TeamChoice& choice, int steps, int64_t team_ns, int64_t alone_ns) {
  std::vector<Way> ways;
  for (int i = 0; i < steps; ++i) {
    const Way way = choice.way();
    ways.push_back(way);
    choice.done(nanoseconds(way == Way::kTeam ? team_ns : alone_ns));
  }
  return ways;
}

// Runs the probe under way to its end.
void finish_probe(TeamChoice& choice, int64_t team_ns, int64_t alone_ns) {
  while (choice.probing()) run(choice, 1, team_ns, alone_ns);
}

int64_t count(const std::vector<Way>& ways, Way way) {
  return std::count(ways.begin(), ways.end(), way);
}

// Each way of a probe: 1 untimed step, then 4 timed ones.
const TeamChoice::Options kSmall{.window = 4, .warmup = 1, .first_interval = 8, .max_interval = 64};

TEST(TeamChoice, StartsWithTheTeamAndProbesBothWaysAtOnce) {
  TeamChoice choice(kSmall);
  const std::vector<Way> ways = run(choice, 10, 1000, 1000);
  EXPECT_EQ(ways,
            (std::vector<Way>{Way::kTeam, Way::kTeam, Way::kTeam, Way::kTeam, Way::kTeam,
                              Way::kAlone, Way::kAlone, Way::kAlone, Way::kAlone, Way::kAlone}));
  EXPECT_EQ(choice.settled(), Way::kTeam);  // a tie keeps the current way
  EXPECT_FALSE(choice.probing());
}

TEST(TeamChoice, AFasterLoneStepTakesOverAfterTheFirstProbe) {
  // Two threads on a machine with no free core: the team waits for the scheduler.
  TeamChoice choice(kSmall);
  run(choice, 10, 88000, 3700);
  EXPECT_EQ(choice.settled(), Way::kAlone);
  const std::vector<Way> after = run(choice, 8, 88000, 3700);
  EXPECT_EQ(count(after, Way::kAlone), 8);
}

TEST(TeamChoice, TheLosingWayStopsAsSoonAsItIsBehind) {
  TeamChoice choice(kSmall);
  run(choice, 5, 2500, 0);  // the team's window: 4 x 2.5 us after its untimed step
  // After its untimed step, one lone step of 88 us is already slower than the team's window.
  const std::vector<Way> probe = run(choice, 2, 2500, 88000);
  EXPECT_EQ(probe, (std::vector<Way>{Way::kAlone, Way::kAlone}));
  EXPECT_EQ(choice.settled(), Way::kTeam);
  EXPECT_FALSE(choice.probing());
}

TEST(TeamChoice, TheOtherWayMustWinByTheMargin) {
  TeamChoice choice(kSmall);
  run(choice, 10, 1000, 950);  // 5% faster alone: under the 10% margin
  EXPECT_EQ(choice.settled(), Way::kTeam);
  run(choice, 16 + 10, 1000, 850);  // the interval, then the next probe: 15% faster
  EXPECT_EQ(choice.settled(), Way::kAlone);
}

TEST(TeamChoice, ASettledChoiceIsProbedLessAndLessOften) {
  TeamChoice choice(kSmall);
  std::vector<int64_t> intervals;
  for (int probe = 0; probe < 6; ++probe) {
    int steps = 0;
    while (choice.probing()) steps += static_cast<int>(run(choice, 1, 1000, 5000).size());
    EXPECT_EQ(steps, 5 + 2);  // the lone window loses at its first timed step
    intervals.push_back(choice.interval());
    run(choice, static_cast<int>(choice.interval()), 1000, 5000);
  }
  EXPECT_EQ(intervals, (std::vector<int64_t>{16, 32, 64, 64, 64, 64}));
}

TEST(TeamChoice, ALoadChangeIsNoticedAtTheNextProbe) {
  TeamChoice choice(kSmall);
  finish_probe(choice, 2500, 3700);
  ASSERT_EQ(choice.settled(), Way::kTeam);
  // The second core gets busy: the team now waits for it. That is noticed at the next probe,
  // after one interval (16 steps) and the two windows (5 + 5).
  int steps = 0;
  for (; choice.settled() == Way::kTeam && steps < 100; ++steps) run(choice, 1, 88000, 3700);
  EXPECT_EQ(steps, 16 + 5 + 5);
  // The core frees again: the team takes back over at a later probe.
  run(choice, 40, 2500, 3700);
  EXPECT_EQ(choice.settled(), Way::kTeam);
}

TEST(TeamChoice, StepRunsEachStepOnceTheWayTheProbeWants) {
  TeamChoice choice(kSmall);
  std::vector<Way> ways;
  for (int i = 0; i < 6; ++i) choice.step([&](Way way) { ways.push_back(way); });
  // Real times decide what follows; the first probe's first window and the other way's untimed
  // first step do not depend on them.
  EXPECT_EQ(ways, (std::vector<Way>{Way::kTeam, Way::kTeam, Way::kTeam, Way::kTeam, Way::kTeam,
                                    Way::kAlone}));
}

}  // namespace
}  // namespace recur::kernels
