#include "recur/optim/lr_scheduler.h"

#include <cmath>
#include <numbers>

namespace recur::optim {

LRScheduler::LRScheduler(Optimizer& optimizer)
    : optimizer_(optimizer), base_lrs_(current_lrs()), last_lr_(base_lrs_) {}

std::vector<double> LRScheduler::current_lrs() const {
  std::vector<double> lrs;
  for (const auto& group : optimizer_.param_groups()) lrs.push_back(group.lr);
  return lrs;
}

void LRScheduler::step() {
  ++last_epoch_;
  last_lr_ = compute_lr();
  auto& groups = optimizer_.param_groups();
  for (size_t g = 0; g < groups.size(); ++g) groups[g].lr = last_lr_[g];
}

std::map<std::string, double> LRScheduler::state_dict() const {
  std::map<std::string, double> state{{"last_epoch", static_cast<double>(last_epoch_)}};
  for (size_t g = 0; g < base_lrs_.size(); ++g) {
    state["base_lrs." + std::to_string(g)] = base_lrs_[g];
  }
  return state;
}

void LRScheduler::load_state_dict(const std::map<std::string, double>& state) {
  std::vector<double> base = base_lrs_;
  int64_t epoch = last_epoch_;
  for (const auto& [key, value] : state) {
    if (key == "last_epoch") {
      epoch = static_cast<int64_t>(value);
      continue;
    }
    bool known = false;
    for (size_t g = 0; g < base.size() && !known; ++g) {
      if (key == "base_lrs." + std::to_string(g)) {
        base[g] = value;
        known = true;
      }
    }
    if (!known) throw ValueError("lr scheduler: unexpected state key \"" + key + "\"");
  }
  base_lrs_ = std::move(base);
  last_epoch_ = epoch;
  last_lr_ = current_lrs();
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) {
    throw ValueError("StepLR: step_size must be > 0, got " + std::to_string(step_size));
  }
}

std::vector<double> StepLR::compute_lr() const {
  std::vector<double> lrs = current_lrs();
  if (last_epoch() % step_size_ == 0) {
    for (double& lr : lrs) lr *= gamma_;
  }
  return lrs;
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
  if (t_max <= 0) {
    throw ValueError("CosineAnnealingLR: t_max must be > 0, got " + std::to_string(t_max));
  }
}

std::vector<double> CosineAnnealingLR::compute_lr() const {
  using std::numbers::pi;
  std::vector<double> lrs = current_lrs();
  const auto t = static_cast<double>(last_epoch());
  const auto t_max = static_cast<double>(t_max_);
  const int64_t period = 2 * t_max_;
  // Python's modulo: non-negative for a positive divisor.
  const int64_t phase = ((last_epoch() - 1 - t_max_) % period + period) % period;
  for (size_t g = 0; g < lrs.size(); ++g) {
    if (phase == 0) {
      // At the bottom of the cosine the ratio form divides by zero; PyTorch steps up instead.
      lrs[g] += (base_lrs()[g] - eta_min_) * (1.0 - std::cos(pi / t_max)) / 2.0;
    } else {
      lrs[g] = (1.0 + std::cos(pi * t / t_max)) / (1.0 + std::cos(pi * (t - 1.0) / t_max)) *
                   (lrs[g] - eta_min_) +
               eta_min_;
    }
  }
  return lrs;
}

}  // namespace recur::optim
