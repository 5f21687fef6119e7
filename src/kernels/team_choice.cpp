#include "recur/kernels/team_choice.h"

#include <algorithm>

namespace recur::kernels {

namespace {

TeamChoice::Way other_than(TeamChoice::Way way) {
  return way == TeamChoice::Way::kTeam ? TeamChoice::Way::kAlone : TeamChoice::Way::kTeam;
}

}  // namespace

TeamChoice::TeamChoice(Options options)
    : options_(options), interval_(std::max<int64_t>(1, options.first_interval)) {
  start_window(Phase::kTimingSettled);
}

void TeamChoice::start_window(Phase phase) {
  phase_ = phase;
  steps_left_ = std::max(1, options_.window);
  warmup_left_ = std::max(0, options_.warmup);
}

TeamChoice::Way TeamChoice::way() const {
  return phase_ == Phase::kTimingOther ? other_than(settled_) : settled_;
}

void TeamChoice::done(std::chrono::nanoseconds elapsed) {
  if (warmup_left_ > 0) {
    --warmup_left_;
    return;
  }
  --steps_left_;
  switch (phase_) {
    case Phase::kSettled:
      if (steps_left_ == 0) {
        start_window(Phase::kTimingSettled);
        settled_time_ = other_time_ = {};
      }
      return;
    case Phase::kTimingSettled:
      settled_time_ += elapsed;
      if (steps_left_ == 0) start_window(Phase::kTimingOther);
      return;
    case Phase::kTimingOther:
      other_time_ += elapsed;
      // Already slower than the settled way's whole window: no need to finish losing.
      if (other_time_ >= settled_time_) {
        end_probe(false);
      } else if (steps_left_ == 0) {
        end_probe(other_time_.count() < options_.margin * settled_time_.count());
      }
      return;
  }
}

void TeamChoice::end_probe(bool other_won) {
  if (other_won) {
    settled_ = other_than(settled_);
    interval_ = std::max<int64_t>(1, options_.first_interval);
  } else {
    interval_ = std::min(interval_ * 2, std::max(interval_, options_.max_interval));
  }
  phase_ = Phase::kSettled;
  steps_left_ = interval_;
  warmup_left_ = 0;
}

}  // namespace recur::kernels
