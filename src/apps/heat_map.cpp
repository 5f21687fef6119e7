#include "recur/apps/heat_map.h"

#include <algorithm>
#include <cmath>

#include "forecast/plplot_canvas.h"
#include "recur/tensor/error.h"

namespace recur::apps {
namespace {

void check_heat_map(const std::string& path, const HeatMap& map) {
  const size_t rows = map.row_labels.size(), columns = map.column_labels.size();
  if (rows == 0 || columns == 0) throw ValueError("heat map " + path + ": no rows or no columns");
  const auto check_shape = [&](size_t n_rows, auto row_size, const char* what) {
    if (n_rows != rows) {
      throw ValueError("heat map " + path + ": " + what + " has " + std::to_string(n_rows) +
                       " rows for " + std::to_string(rows) + " row labels");
    }
    for (size_t i = 0; i < rows; ++i) {
      if (row_size(i) != columns) {
        throw ValueError("heat map " + path + ": " + what + " row " + std::to_string(i) + " has " +
                         std::to_string(row_size(i)) + " columns for " + std::to_string(columns) +
                         " column labels");
      }
    }
  };
  check_shape(
      map.values.size(), [&](size_t i) { return map.values[i].size(); }, "values");
  if (!map.cell_text.empty()) {
    check_shape(
        map.cell_text.size(), [&](size_t i) { return map.cell_text[i].size(); }, "cell text");
  }
  for (size_t i = 0; i < rows; ++i) {
    for (double v : map.values[i]) {
      if (!(v >= 0.0 && v <= 1.0)) {
        throw ValueError("heat map " + path + ": row " + std::to_string(i) + " holds " +
                         std::to_string(v) + ", outside [0, 1]");
      }
    }
  }
}

// Long row labels would run into the frame; the left margin grows with the longest one.
double heat_map_left_pixels(const std::vector<std::string>& labels) {
  size_t longest = 0;
  for (const std::string& s : labels) longest = std::max(longest, s.size());
  return 70.0 + 11.0 * static_cast<double>(longest);
}

}  // namespace

void plot_heat_map(const std::string& path, const HeatMap& map, forecast::PlotSize size) {
  check_heat_map(path, map);
  const double rows = static_cast<double>(map.row_labels.size());
  const double columns = static_cast<double>(map.column_labels.size());
  forecast::plotting::Canvas canvas(path, size);
  canvas.frame({.x_min = 0.0,
                .x_max = columns,
                .y_min = 0.0,
                .y_max = rows,
                .title = map.title,
                .x_label = map.x_label,
                .y_label = map.y_label,
                .legend_entries = 1,
                .numbered = false,
                .left_pixels = heat_map_left_pixels(map.row_labels)});
  for (size_t i = 0; i < map.row_labels.size(); ++i) {
    const double top = rows - static_cast<double>(i);  // the first row on top
    for (size_t j = 0; j < map.column_labels.size(); ++j) {
      const double x = static_cast<double>(j), v = map.values[i][j];
      canvas.shade(x, top - 1.0, x + 1.0, top, v);
      if (!map.cell_text.empty()) {
        // White on the dark half of the ramp, ink on the light half.
        canvas.text(x + 0.5, top - 0.5, map.cell_text[i][j],
                    v > 0.55 ? forecast::plotting::kBackground : forecast::plotting::kInk);
      }
    }
    canvas.label_y(top - 0.5, map.row_labels[i]);
  }
  for (size_t j = 0; j < map.column_labels.size(); ++j) {
    canvas.label_x(static_cast<double>(j) + 0.5, map.column_labels[j]);
  }
  canvas.color_bar(map.scale_caption, map.scale_low, map.scale_high);
  canvas.finish();
}

}  // namespace recur::apps
