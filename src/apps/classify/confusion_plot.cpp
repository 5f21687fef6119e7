#include "recur/apps/classify/confusion_plot.h"

#include <algorithm>
#include <numeric>

#include "../forecast/plplot_canvas.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

void check_confusion_input(const std::string& path, const ConfusionPlot& plot) {
  const size_t C = plot.classes.size();
  if (C < 2) throw ValueError("confusion plot " + path + ": needs two or more class names");
  if (plot.matrix.size() != C) {
    throw ValueError("confusion plot " + path + ": matrix has " +
                     std::to_string(plot.matrix.size()) + " rows for " + std::to_string(C) +
                     " classes");
  }
  for (size_t i = 0; i < C; ++i) {
    if (plot.matrix[i].size() != C) {
      throw ValueError("confusion plot " + path + ": row " + std::to_string(i) + " has " +
                       std::to_string(plot.matrix[i].size()) + " columns for " + std::to_string(C) +
                       " classes");
    }
    for (int64_t v : plot.matrix[i]) {
      if (v < 0) {
        throw ValueError("confusion plot " + path + ": row " + std::to_string(i) +
                         " holds a negative count");
      }
    }
  }
}

// Long class names would run into the frame; the left margin grows with the longest one.
double confusion_left_pixels(const std::vector<std::string>& classes) {
  size_t longest = 0;
  for (const std::string& c : classes) longest = std::max(longest, c.size());
  return 70.0 + 11.0 * static_cast<double>(longest);
}

}  // namespace

void plot_confusion(const std::string& path, const ConfusionPlot& plot, forecast::PlotSize size) {
  check_confusion_input(path, plot);
  const size_t C = plot.classes.size();
  const double n = static_cast<double>(C);
  forecast::plotting::Canvas canvas(path, size);
  canvas.frame({.x_min = 0.0,
                .x_max = n,
                .y_min = 0.0,
                .y_max = n,
                .title = plot.title,
                .x_label = "predicted class",
                .y_label = "true class",
                .legend_entries = 1,
                .numbered = false,
                .left_pixels = confusion_left_pixels(plot.classes)});
  for (size_t i = 0; i < C; ++i) {
    const std::vector<int64_t>& row = plot.matrix[i];
    const int64_t total = std::accumulate(row.begin(), row.end(), int64_t{0});
    const double top = n - static_cast<double>(i);  // the first class on the top row
    for (size_t j = 0; j < C; ++j) {
      const double x = static_cast<double>(j);
      const double share = total > 0 ? static_cast<double>(row[j]) / total : 0.0;
      canvas.shade(x, top - 1.0, x + 1.0, top, share);
      // White on the dark half of the ramp, ink on the light half.
      canvas.text(x + 0.5, top - 0.5, std::to_string(row[j]),
                  share > 0.55 ? forecast::plotting::kBackground : forecast::plotting::kInk);
    }
    canvas.label_y(top - 0.5, plot.classes[i]);
  }
  for (size_t j = 0; j < C; ++j) canvas.label_x(static_cast<double>(j) + 0.5, plot.classes[j]);
  canvas.color_bar("share of the true class", "0%", "100%");
  canvas.finish();
}

}  // namespace recur::classify
