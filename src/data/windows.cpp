#include "recur/data/windows.h"

#include <algorithm>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

std::string describe(const FeatureFrame& frame, RowRange split, std::string_view name) {
  std::string s = std::string(name) + " split of " + frame.source + " (rows " +
                  std::to_string(split.begin) + ".." + std::to_string(split.end) + ", " +
                  std::to_string(split.size()) + " rows";
  if (!split.empty()) {
    s += ", " + frame.dates[split.begin].str() + " to " + frame.dates[split.end - 1].str();
  }
  return s + ")";
}

// Copies rows [first, first + W) of every input into out[W, F].
void copy_inputs(const FeatureFrame& frame, size_t first, size_t window, float* out) {
  const size_t features = frame.num_inputs();
  for (size_t w = 0; w < window; ++w) {
    for (size_t f = 0; f < features; ++f) {
      out[w * features + f] = static_cast<float>(frame.inputs[f][first + w]);
    }
  }
}

}  // namespace

WindowSet make_windows(const FeatureFrame& frame, RowRange split, const WindowSpec& spec,
                       std::string_view split_name) {
  if (spec.window == 0 || spec.horizon == 0) {
    throw ValueError("windows: window and horizon must be at least 1 (got window " +
                     std::to_string(spec.window) + ", horizon " + std::to_string(spec.horizon) +
                     ")");
  }
  if (split.end > frame.rows()) {
    throw ValueError(describe(frame, {split.begin, frame.rows()}, split_name) +
                     ": split ends at row " + std::to_string(split.end) + ", past the data");
  }
  const size_t first = std::max(split.begin, frame.first_valid + spec.window);
  if (split.end < spec.horizon || first > split.end - spec.horizon) {
    const size_t usable_inputs =
        split.begin > frame.first_valid ? split.begin - frame.first_valid : 0;
    throw ValueError(describe(frame, split, split_name) + ": too few rows for window " +
                     std::to_string(spec.window) + " + horizon " + std::to_string(spec.horizon) +
                     ": a sample needs its " + std::to_string(spec.horizon) +
                     " target rows inside the split and " + std::to_string(spec.window) +
                     " input rows before them (from row " + std::to_string(frame.first_valid) +
                     " on; " + std::to_string(usable_inputs) + " rows precede the split)");
  }
  const size_t n = split.end - spec.horizon - first + 1;
  const auto W = static_cast<int64_t>(spec.window);
  const auto H = static_cast<int64_t>(spec.horizon);
  const auto F = static_cast<int64_t>(frame.num_inputs());

  WindowSet s;
  s.x = Tensor::empty({static_cast<int64_t>(n), W, F});
  s.y = Tensor::empty({static_cast<int64_t>(n), H});
  float* x = s.x.data();
  float* y = s.y.data();
  for (size_t i = 0; i < n; ++i) {
    const size_t r = first + i;
    copy_inputs(frame, r - spec.window, spec.window, x + i * spec.window * frame.num_inputs());
    for (size_t h = 0; h < spec.horizon; ++h) {
      y[i * spec.horizon + h] = static_cast<float>(frame.target[r + h]);
    }
    s.target_rows.push_back(r);
    s.target_dates.push_back(frame.dates[r]);
    s.last_price.push_back(frame.price[r - 1]);
  }
  return s;
}

InferenceWindow latest_window(const FeatureFrame& frame, size_t window) {
  if (window == 0 || frame.rows() < frame.first_valid + window) {
    throw ValueError(
        frame.source + ": " +
        std::to_string(frame.rows() > frame.first_valid ? frame.rows() - frame.first_valid : 0) +
        " usable rows, but a forecast needs a window of " + std::to_string(window));
  }
  InferenceWindow w;
  w.last_row = frame.rows() - 1;
  w.last_date = frame.dates[w.last_row];
  w.last_price = frame.price[w.last_row];
  w.x = Tensor::empty({1, static_cast<int64_t>(window), static_cast<int64_t>(frame.num_inputs())});
  copy_inputs(frame, frame.rows() - window, window, w.x.data());
  return w;
}

}  // namespace recur::data
