// A labelled matrix as a PNG heat map, drawn with the same PLplot canvas as the forecast charts
// (include/recur/apps/forecast/plot.h): each cell shaded by its value in [0, 1] on one colour
// ramp (light = 0, dark = 1), optionally labelled with a text, row labels on the left (the first
// row on top), column labels below, and a colour bar above that gives the scale. classify's
// confusion matrix (shares of the true class) and seq2seq's attention weights (one output token
// per row, one source token per column) are both drawn by it. The file is written atomically
// (temporary file, then rename); IoError if it cannot be, ValueError naming the file for a
// matrix whose shape does not match its labels or a value outside [0, 1].
#pragma once

#include <string>
#include <vector>

#include "recur/apps/forecast/plot.h"

namespace recur::apps {

struct HeatMap {
  std::string title, x_label, y_label;
  std::vector<std::string> row_labels, column_labels;
  std::vector<std::vector<double>> values;          // [row][column], each in [0, 1]
  std::vector<std::vector<std::string>> cell_text;  // empty, or one text per cell
  std::string scale_caption, scale_low = "0", scale_high = "1";
};

void plot_heat_map(const std::string& path, const HeatMap& map, forecast::PlotSize size);

}  // namespace recur::apps
