// PNG charts of a forecasting run, drawn with PLplot's "pngcairo" device (no display needed):
//   plot_forecast    actual vs forecast over the test period, the naive forecast, and the
//                    prediction-interval band when there is one; dates (YYYY-MM) on the x axis
//   plot_loss_curves training / validation loss per epoch, log scale when the loss spans more
//                    than a factor of 20; or any named curves against their own x (e.g. models'
//                    losses by training step), with a dashed reference level (a baseline)
//   plot_errors      forecast errors (actual − forecast) over time, one line per method
//   plot_series_mase a many-series run's MASE per series, the model's and the naive forecast's
//                    markers joined by a segment in each series' slot (the model loses where its
//                    marker is above naive's), a dashed line at MASE 1; log scale as above;
//                    the names are turned upright when crowded, and every k-th shown when
//                    even that would overlap (e.g. beyond about 40 series at 1200 pixels)
//
// Series are aligned with `dates` (or with 0, 1, 2, ... when dates is empty); a NaN is a gap in a
// line (e.g. a forecast that starts later than the actuals). Text uses the "DejaVu Sans" family
// (Debian fonts-dejavu-core) unless PLPLOT_FREETYPE_SANS_FAMILY is set. Every function writes
// the file atomically (temporary file, then rename) and throws IoError if it cannot, ValueError
// for inconsistent lengths or nothing to draw. PLplot is not thread-safe; calls are serialised.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "recur/data/timestamp.h"

namespace recur::forecast {

struct ForecastPlot {
  std::string title = "Forecast on the test period";
  std::string y_label = "value";
  std::vector<data::Timestamp> dates;  // x axis (any frequency); empty: time step index
  std::vector<double> actual;
  std::vector<double> forecast;
  std::string forecast_label = "model";
  std::vector<double> naive;  // optional: the naive forecast, drawn dashed
  std::vector<double> lower;  // optional: interval band (with upper)
  std::vector<double> upper;
  double level = 0.0;          // for the band's legend entry, e.g. 0.95 -> "lstm 95% interval"
  std::string interval_label;  // overrides that legend entry when not empty
};

struct LossCurve {
  std::string label;
  std::vector<double> x;  // the x of each value (empty: 1, 2, ...)
  std::vector<double> values;
};

struct LossPlot {
  std::string title = "Training loss";
  std::string y_label = "loss";
  std::vector<double> train;       // per epoch (epoch 1 first); may be empty when curves are given
  std::vector<double> validation;  // optional, same length
  std::vector<LossCurve> curves;   // optional: more curves, drawn after train and validation
  std::string x_label = "epoch";
  double reference = NAN;  // optional: a level drawn dashed across the plot
  std::string reference_label;
};

struct ErrorSeries {
  std::string label;
  std::vector<double> errors;  // actual − forecast, aligned with ErrorPlot::dates
};

struct ErrorPlot {
  std::string title = "Forecast errors on the test period";
  std::string y_label = "actual - forecast";
  std::vector<data::Timestamp> dates;
  std::vector<ErrorSeries> series;  // the first is drawn most prominently
};

// Each series' MASE for the model and for the naive forecast on the same split (a many-series run).
struct SeriesMasePlot {
  std::string title = "MASE by series (test split)";
  std::vector<std::string> labels;  // one per series, drawn in this order
  std::vector<double> model;        // the model's MASE per series (NaN: no value, nothing drawn)
  std::vector<double> naive;        // the naive forecast's MASE per series
  std::string model_label = "model";
  std::string naive_label = "naive";
};

struct PlotSize {
  int width = 1200;  // pixels
  int height = 700;
};

void plot_forecast(const std::string& path, const ForecastPlot& plot, PlotSize size = {});
void plot_loss_curves(const std::string& path, const LossPlot& plot, PlotSize size = {});
void plot_errors(const std::string& path, const ErrorPlot& plot, PlotSize size = {});
void plot_series_mase(const std::string& path, const SeriesMasePlot& plot, PlotSize size = {});

}  // namespace recur::forecast
