#include "recur/optim/reduce_lr_on_plateau.h"

#include <algorithm>
#include <limits>

namespace recur::optim {

namespace {

using Mode = ReduceLROnPlateauOptions::Mode;
using ThresholdMode = ReduceLROnPlateauOptions::ThresholdMode;

double worst_value(Mode mode) {
  const double inf = std::numeric_limits<double>::infinity();
  return mode == Mode::Min ? inf : -inf;
}

}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const Options& options)
    : optimizer_(optimizer), options_(options), best_(worst_value(options.mode)) {
  if (!(options.factor >= 0.0 && options.factor < 1.0)) {
    throw ValueError("ReduceLROnPlateau: factor should be < 1.0 (and >= 0), got " +
                     std::to_string(options.factor));
  }
  if (options.patience < 0 || options.cooldown < 0) {
    throw ValueError("ReduceLROnPlateau: patience and cooldown must be >= 0");
  }
}

bool ReduceLROnPlateau::is_better(double value) const {
  const double t = options_.threshold;
  const bool rel = options_.threshold_mode == ThresholdMode::Rel;
  if (options_.mode == Mode::Min) return rel ? value < best_ * (1.0 - t) : value < best_ - t;
  return rel ? value > best_ * (t + 1.0) : value > best_ + t;
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (in_cooldown()) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs during the cooldown do not count
  }
  if (num_bad_epochs_ > options_.patience) {
    reduce_lr();
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
}

void ReduceLROnPlateau::reduce_lr() {
  for (auto& group : optimizer_.param_groups()) {
    const double new_lr = std::max(group.lr * options_.factor, options_.min_lr);
    if (group.lr - new_lr > options_.eps) group.lr = new_lr;
  }
}

std::map<std::string, double> ReduceLROnPlateau::state_dict() const {
  return {{"best", best_},
          {"num_bad_epochs", static_cast<double>(num_bad_epochs_)},
          {"cooldown_counter", static_cast<double>(cooldown_counter_)},
          {"last_epoch", static_cast<double>(last_epoch_)}};
}

void ReduceLROnPlateau::load_state_dict(const std::map<std::string, double>& state) {
  for (const char* key : {"best", "num_bad_epochs", "cooldown_counter", "last_epoch"}) {
    if (!state.contains(key)) {
      throw ValueError(std::string("ReduceLROnPlateau: state_dict lacks \"") + key + "\"");
    }
  }
  if (state.size() != 4) throw ValueError("ReduceLROnPlateau: state_dict has unexpected keys");
  best_ = state.at("best");
  num_bad_epochs_ = static_cast<int64_t>(state.at("num_bad_epochs"));
  cooldown_counter_ = static_cast<int64_t>(state.at("cooldown_counter"));
  last_epoch_ = static_cast<int64_t>(state.at("last_epoch"));
}

}  // namespace recur::optim
