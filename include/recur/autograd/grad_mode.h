// Switching gradient recording off: inside a NoGradGuard (or InferenceGuard, its alias for
// serving code) operations build no graph and save nothing for backward. Per thread, like
// PyTorch's torch.no_grad().
#pragma once

namespace recur {

class GradMode {
 public:
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

class NoGradGuard {
 public:
  NoGradGuard() : previous_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

using InferenceGuard = NoGradGuard;

}  // namespace recur
