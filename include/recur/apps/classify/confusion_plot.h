// The confusion matrix of a classifier as a PNG heat map, drawn with the same PLplot canvas as
// the forecast charts (include/recur/apps/forecast/plot.h): rows are the true classes, columns the
// predicted ones, each cell shaded by its share of its row (so the diagonal reads as per-class
// recall, whatever the class sizes) and labelled with its count; a colour bar above the matrix
// gives the scale. The file is written atomically (temporary file, then rename); IoError if it
// cannot be, ValueError for a matrix that is not C x C with C = the number of class names (C >= 2)
// or holds a negative count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recur/apps/forecast/plot.h"

namespace recur::classify {

struct ConfusionPlot {
  std::string title = "Confusion matrix";
  std::vector<std::string> classes;
  std::vector<std::vector<int64_t>> matrix;  // [true class][predicted class] counts
};

// size defaults to 900 x 800 pixels (a square-ish matrix under the title and colour bar).
void plot_confusion(const std::string& path, const ConfusionPlot& plot,
                    forecast::PlotSize size = {.width = 900, .height = 800});

}  // namespace recur::classify
