// Epoch-based learning-rate schedules, matching torch.optim.lr_scheduler (1.13) step for step:
// the constructor records each group's lr as its base lr (PyTorch's initial_lr) and counts as
// epoch 0; each step() advances one epoch and writes the new lr into the optimizer's groups.
// They use PyTorch's recursive forms (each lr computed from the current one), so they compose
// with other code that changes the lr the same way PyTorch's do. A scheduler keeps a reference
// to its optimizer, which must outlive it.
//
//   optim::CosineAnnealingLR sched(opt, /*t_max=*/100);
//   for (int epoch = 0; epoch < 100; ++epoch) { train_epoch(); sched.step(); }
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "recur/optim/optimizer.h"

namespace recur::optim {

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;

  // Advances one epoch and sets every group's lr.
  void step();
  // The lrs set by the last step (or the construction).
  const std::vector<double>& last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }

  // {"last_epoch", "base_lrs.<g>"}: with the optimizer's state, resumes the schedule exactly.
  std::map<std::string, double> state_dict() const;
  void load_state_dict(const std::map<std::string, double>& state);

 protected:
  explicit LRScheduler(Optimizer& optimizer);
  // The lrs for last_epoch(), given the groups' current lrs.
  virtual std::vector<double> compute_lr() const = 0;
  std::vector<double> current_lrs() const;

 private:
  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = 0;
};

// lr *= gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 private:
  std::vector<double> compute_lr() const override;
  int64_t step_size_;
  double gamma_;
};

// Cosine from the base lr down to eta_min over t_max epochs (then back up, periodically):
// lr_t = eta_min + (base - eta_min) (1 + cos(pi t / t_max)) / 2, computed recursively as PyTorch.
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min = 0.0);

 private:
  std::vector<double> compute_lr() const override;
  int64_t t_max_;
  double eta_min_;
};

}  // namespace recur::optim
