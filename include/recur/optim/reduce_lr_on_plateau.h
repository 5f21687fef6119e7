// ReduceLROnPlateau, as torch.optim.lr_scheduler.ReduceLROnPlateau (1.13): after more than
// `patience` epochs without improving on the best metric (by `threshold`, relative or absolute),
// multiplies every group's lr by `factor` (not below min_lr, and only if it changes by more than
// eps), then waits `cooldown` epochs before counting bad epochs again. It keeps a reference to
// the optimizer, which must outlive it.
//
//   optim::ReduceLROnPlateau plateau(opt, {.patience = 5});
//   plateau.step(validation_loss);
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "recur/optim/optimizer.h"

namespace recur::optim {

struct ReduceLROnPlateauOptions {
  enum class Mode { Min, Max };
  enum class ThresholdMode { Rel, Abs };
  Mode mode = Mode::Min;
  double factor = 0.1;  // in [0, 1)
  int64_t patience = 10;
  double threshold = 1e-4;
  ThresholdMode threshold_mode = ThresholdMode::Rel;
  int64_t cooldown = 0;
  double min_lr = 0.0;
  double eps = 1e-8;
};

class ReduceLROnPlateau {
 public:
  using Options = ReduceLROnPlateauOptions;

  explicit ReduceLROnPlateau(Optimizer& optimizer, const Options& options = {});

  // Records one epoch's metric and lowers the lrs when it has plateaued.
  void step(double metric);

  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  int64_t last_epoch() const { return last_epoch_; }

  // {"best", "num_bad_epochs", "cooldown_counter", "last_epoch"}.
  std::map<std::string, double> state_dict() const;
  void load_state_dict(const std::map<std::string, double>& state);

 private:
  bool is_better(double value) const;
  void reduce_lr();

  Optimizer& optimizer_;
  Options options_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  int64_t last_epoch_ = 0;
};

}  // namespace recur::optim
