#include "recur/apps/classify/confusion_plot.h"

#include <algorithm>
#include <numeric>

#include "recur/apps/heat_map.h"
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

}  // namespace

void plot_confusion(const std::string& path, const ConfusionPlot& plot, forecast::PlotSize size) {
  check_confusion_input(path, plot);
  apps::HeatMap map{.title = plot.title,
                    .x_label = "predicted class",
                    .y_label = "true class",
                    .row_labels = plot.classes,
                    .column_labels = plot.classes,
                    .values = {},
                    .cell_text = {},
                    .scale_caption = "share of the true class",
                    .scale_low = "0%",
                    .scale_high = "100%"};
  // Shares of each row, so the diagonal reads as per-class recall whatever the class sizes.
  for (const std::vector<int64_t>& row : plot.matrix) {
    const int64_t total = std::accumulate(row.begin(), row.end(), int64_t{0});
    std::vector<double> shares;
    std::vector<std::string> counts;
    for (int64_t v : row) {
      shares.push_back(total > 0 ? static_cast<double>(v) / static_cast<double>(total) : 0.0);
      counts.push_back(std::to_string(v));
    }
    map.values.push_back(std::move(shares));
    map.cell_text.push_back(std::move(counts));
  }
  apps::plot_heat_map(path, map, size);
}

}  // namespace recur::classify
