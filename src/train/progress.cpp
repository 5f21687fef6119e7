#include "recur/train/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace recur::train {

namespace {

bool is_terminal(const std::ostream& out) {
  if (&out == &std::cerr || &out == &std::clog) return ::isatty(STDERR_FILENO) != 0;
  if (&out == &std::cout) return ::isatty(STDOUT_FILENO) != 0;
  return false;
}

std::string format_loss(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(std::lround(seconds));
  if (s < 60) return std::to_string(s) + "s";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
  return buf;
}

Progress::Progress(std::ostream& out, ProgressStyle style) : out_(out), style_(style) {
  if (style_ == ProgressStyle::Auto) {
    style_ = is_terminal(out_) ? ProgressStyle::Bar : ProgressStyle::Lines;
  }
}

void Progress::begin_epoch(int64_t epoch, int64_t epochs, int64_t batches) {
  epoch_ = epoch;
  epochs_ = epochs;
  batches_ = batches;
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
  bar_drawn_ = false;
}

void Progress::batch_done(int64_t batch, double running_loss) {
  if (style_ != ProgressStyle::Bar) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most 10 times a second, and always on the last batch.
  if (batch < batches_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  const double eta = batch > 0 ? elapsed * static_cast<double>(batches_ - batch) / batch : NAN;
  constexpr int kWidth = 24;
  const int filled = batches_ > 0 ? static_cast<int>(kWidth * batch / batches_) : kWidth;
  std::ostringstream line;
  line << "\repoch " << epoch_ << '/' << epochs_ << " [" << std::string(filled, '#')
       << std::string(kWidth - filled, '.') << "] " << batch << '/' << batches_ << " loss "
       << format_loss(running_loss) << " ETA " << format_duration(eta) << "   ";
  out_ << line.str() << std::flush;
  bar_drawn_ = true;
}

void Progress::end_epoch(const EpochRecord& r, bool improved) {
  if (style_ == ProgressStyle::Quiet) return;
  if (bar_drawn_) out_ << '\r';
  out_ << "epoch " << r.epoch << '/' << epochs_ << "  train_loss " << format_loss(r.train_loss);
  if (!std::isnan(r.val_loss)) out_ << "  val_loss " << format_loss(r.val_loss);
  out_ << "  lr " << format_loss(r.lr) << "  " << format_duration(r.seconds)
       << (improved ? "  *" : "") << (bar_drawn_ ? "          \n" : "\n") << std::flush;
}

void Progress::message(const std::string& text) {
  if (style_ == ProgressStyle::Quiet) return;
  out_ << text << '\n' << std::flush;
}

}  // namespace recur::train
