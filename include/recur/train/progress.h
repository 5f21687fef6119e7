// Progress: what a training run shows while it works. On a terminal, a bar redrawn in place
// (epoch, batch, running loss, ETA); when the output is not a terminal (a log file, CI), one
// plain line per epoch, so logs stay readable. Quiet prints nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace recur::train {

enum class ProgressStyle { Auto, Bar, Lines, Quiet };

struct EpochRecord {
  int64_t epoch = 0;        // 1-based
  double train_loss = 0.0;  // mean over the epoch's samples
  double val_loss = 0.0;    // NaN without a validation set
  double lr = 0.0;          // learning rate used during the epoch
  double grad_norm = 0.0;   // mean pre-clipping gradient norm over the epoch's steps
  double seconds = 0.0;
};

class Progress {
 public:
  // Auto picks Bar when `out` is standard error or output attached to a terminal.
  Progress(std::ostream& out, ProgressStyle style);

  void begin_epoch(int64_t epoch, int64_t epochs, int64_t batches);
  void batch_done(int64_t batch, double running_loss);
  void end_epoch(const EpochRecord& record, bool improved);
  void message(const std::string& text);

  ProgressStyle style() const { return style_; }

 private:
  std::ostream& out_;
  ProgressStyle style_;
  int64_t epoch_ = 0, epochs_ = 0, batches_ = 0;
  std::chrono::steady_clock::time_point epoch_start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool bar_drawn_ = false;
};

// "1:05" or "12s": a duration for humans.
std::string format_duration(double seconds);

}  // namespace recur::train
