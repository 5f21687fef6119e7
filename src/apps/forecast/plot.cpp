#include "recur/apps/forecast/plot.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "plplot_canvas.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

using plotting::Canvas;
using plotting::Color;
using plotting::LegendEntry;
using plotting::LineStyle;

// `values` is empty (when optional) or has n entries.
void check_length(const std::string& who, const std::string& what, size_t size, size_t n,
                  bool optional) {
  if ((optional && size == 0) || size == n) return;
  throw ValueError(who + ": " + what + " has " + std::to_string(size) + " values, expected " +
                   std::to_string(n));
}

// Days since 1970 (fractional for sub-daily times), else 0, 1, 2, ...
std::vector<double> x_values(const std::vector<data::Timestamp>& dates, size_t n) {
  std::vector<double> x(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = dates.empty() ? static_cast<double>(i)
                         : static_cast<double>(dates[i].seconds_since_1970()) / 86400.0;
  }
  return x;
}

plotting::Range x_range(const std::vector<double>& x) {
  if (x.front() == x.back()) return {x.front() - 1.0, x.back() + 1.0};
  return {x.front(), x.back()};
}

std::string interval_name(double level) {
  return std::to_string(static_cast<int>(std::lround(100.0 * level))) + "% interval";
}

// A log scale when every finite value is positive and they span more than a factor of 20: then
// a linear axis would squash the small values (late epochs, well-forecast series) into a line.
bool wants_log_scale(const std::vector<std::span<const double>>& series) {
  double low = INFINITY, high = 0.0;
  for (std::span<const double> s : series) {
    for (double v : s) {
      if (!std::isfinite(v)) continue;
      if (v <= 0.0) return false;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  return high > 20.0 * low;
}

std::vector<double> log10_if(bool log_y, std::vector<double> v) {
  if (log_y) {
    for (double& x : v) x = std::log10(x);
  }
  return v;
}

}  // namespace

void plot_forecast(const std::string& path, const ForecastPlot& p, PlotSize size) {
  const std::string who = "plot_forecast " + path;
  const size_t n = p.actual.size();
  if (n == 0) throw ValueError(who + ": no actual values to plot");
  check_length(who, "dates", p.dates.size(), n, true);
  check_length(who, "forecast", p.forecast.size(), n, false);
  check_length(who, "naive", p.naive.size(), n, true);
  check_length(who, "lower", p.lower.size(), n, true);
  check_length(who, "upper", p.upper.size(), n, p.lower.empty());
  const bool has_band = !p.lower.empty();

  std::vector<double> x = x_values(p.dates, n);
  plotting::Range xr = x_range(x);
  plotting::Range yr = plotting::padded_range({p.actual, p.forecast, p.naive, p.lower, p.upper});

  std::vector<LegendEntry> legend = {{"actual", plotting::kActual, LineStyle::kSolid, 2.2},
                                     {p.forecast_label, plotting::kBlue, LineStyle::kSolid, 2.2}};
  if (!p.naive.empty()) legend.push_back({"naive", plotting::kOrange, LineStyle::kDashed, 1.8});
  if (has_band) {
    std::string label = p.interval_label.empty() ? p.forecast_label + " " + interval_name(p.level)
                                                 : p.interval_label;
    legend.push_back({label, plotting::kBand, LineStyle::kSolid, 1.0, /*box=*/true});
  }

  Canvas canvas(path, size);
  canvas.frame({xr.low, xr.high, yr.low, yr.high,
                p.dates.empty() ? plotting::XAxis::kNumbers : plotting::XAxis::kDays, false,
                p.title, p.dates.empty() ? "time step" : "date", p.y_label, 0.0, legend.size()});
  if (has_band) canvas.band(x, p.lower, p.upper, plotting::kBand);
  canvas.line(x, p.actual, plotting::kActual, LineStyle::kSolid, 2.2);
  if (!p.naive.empty()) canvas.line(x, p.naive, plotting::kOrange, LineStyle::kDashed, 1.8);
  canvas.line(x, p.forecast, plotting::kBlue, LineStyle::kSolid, 2.2);
  canvas.legend(legend);
  canvas.finish();
}

void plot_loss_curves(const std::string& path, const LossPlot& p, PlotSize size) {
  const std::string who = "plot_loss_curves " + path;
  const size_t n = p.train.size();
  if (n == 0 && p.curves.empty()) throw ValueError(who + ": no training losses to plot");
  check_length(who, "validation", p.validation.size(), n, true);

  // Every curve as (x, y) with its legend entry: training and validation by epoch, then the
  // named curves in the colour cycle.
  static constexpr Color kCycle[] = {plotting::kBlue,   plotting::kOrange,     plotting::kGreen,
                                     plotting::kPurple, plotting::kVermillion, plotting::kActual};
  struct Curve {
    std::vector<double> x, y;
    LegendEntry entry;
  };
  auto counting = [](size_t count) {
    std::vector<double> x(count);
    for (size_t i = 0; i < count; ++i) x[i] = static_cast<double>(i + 1);
    return x;
  };
  std::vector<Curve> curves;
  if (n > 0) curves.push_back({counting(n), p.train, {"training", plotting::kBlue}});
  if (!p.validation.empty()) {
    curves.push_back({counting(n), p.validation, {"validation", plotting::kVermillion}});
  }
  for (size_t i = 0; i < p.curves.size(); ++i) {
    const LossCurve& c = p.curves[i];
    if (c.values.empty()) throw ValueError(who + ": curve '" + c.label + "' has no values");
    check_length(who, "curve '" + c.label + "' x", c.x.size(), c.values.size(), true);
    curves.push_back({c.x.empty() ? counting(c.values.size()) : c.x,
                      c.values,
                      {c.label, kCycle[i % std::size(kCycle)]}});
  }
  const std::vector<double> reference =
      std::isfinite(p.reference) ? std::vector<double>{p.reference} : std::vector<double>{};

  std::vector<std::span<const double>> all = {reference};
  for (const Curve& c : curves) all.push_back(c.y);
  const bool log_y = wants_log_scale(all);
  std::vector<std::span<const double>> drawn;
  for (Curve& c : curves) {
    c.y = log10_if(log_y, c.y);
    drawn.push_back(c.y);
  }
  const std::vector<double> level = log10_if(log_y, reference);
  drawn.push_back(level);
  plotting::Range yr = plotting::padded_range(drawn);

  double x_low = INFINITY, x_high = -INFINITY;
  for (const Curve& c : curves) {
    for (double v : c.x) {
      x_low = std::min(x_low, v);
      x_high = std::max(x_high, v);
    }
  }
  plotting::Range xr =
      x_low == x_high ? plotting::Range{x_low - 0.5, x_high + 0.5} : plotting::Range{x_low, x_high};

  std::vector<LegendEntry> legend;
  for (Curve& c : curves) {
    c.entry.width = 2.2;
    legend.push_back(c.entry);
  }
  if (!level.empty()) {
    legend.push_back({p.reference_label, plotting::kGray, LineStyle::kDashed, 1.8});
  }
  Canvas canvas(path, size);
  // Whole epochs only: ticks 1 apart for short runs, PLplot's (integral) choice for long ones.
  const double x_tick = p.curves.empty() && n <= 10 ? 1.0 : 0.0;
  canvas.frame({xr.low, xr.high, yr.low, yr.high, plotting::XAxis::kNumbers, log_y, p.title,
                p.x_label, p.y_label + (log_y ? " (log scale)" : ""), x_tick, legend.size()});
  if (!level.empty()) canvas.horizontal(level.front(), plotting::kGray, LineStyle::kDashed);
  for (const Curve& c : curves) canvas.line(c.x, c.y, c.entry.color, LineStyle::kSolid, 2.2);
  canvas.legend(legend);
  canvas.finish();
}

void plot_errors(const std::string& path, const ErrorPlot& p, PlotSize size) {
  const std::string who = "plot_errors " + path;
  if (p.series.empty()) throw ValueError(who + ": no error series to plot");
  const size_t n = p.series.front().errors.size();
  if (n == 0) throw ValueError(who + ": the error series are empty");
  check_length(who, "dates", p.dates.size(), n, true);
  const std::vector<double> zero = {0.0};  // keeps the zero line inside the range
  std::vector<std::span<const double>> all = {zero};
  for (const ErrorSeries& s : p.series) {
    check_length(who, "'" + s.label + "' errors", s.errors.size(), n, false);
    all.push_back(s.errors);
  }

  std::vector<double> x = x_values(p.dates, n);
  plotting::Range xr = x_range(x);
  plotting::Range yr = plotting::padded_range(all);

  static constexpr Color kCycle[] = {plotting::kBlue,       plotting::kOrange, plotting::kGreen,
                                     plotting::kVermillion, plotting::kPurple, plotting::kGray};
  auto color = [](size_t i) { return kCycle[i % std::size(kCycle)]; };
  auto width = [](size_t i) { return i == 0 ? 2.2 : 1.4; };
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < p.series.size(); ++i) {
    legend.push_back({p.series[i].label, color(i), LineStyle::kSolid, width(i)});
  }

  Canvas canvas(path, size);
  canvas.frame({xr.low, xr.high, yr.low, yr.high,
                p.dates.empty() ? plotting::XAxis::kNumbers : plotting::XAxis::kDays, false,
                p.title, p.dates.empty() ? "time step" : "date", p.y_label, 0.0, legend.size()});
  canvas.horizontal(0.0, plotting::kGray, LineStyle::kDashed);
  // Drawn last-first so that the first (the model) ends up on top.
  for (size_t i = p.series.size(); i-- > 0;) {
    canvas.line(x, p.series[i].errors, color(i), LineStyle::kSolid, width(i));
  }
  canvas.legend(legend);
  canvas.finish();
}

void plot_series_mase(const std::string& path, const SeriesMasePlot& p, PlotSize size) {
  const std::string who = "plot_series_mase " + path;
  const size_t n = p.labels.size();
  if (n == 0) throw ValueError(who + ": no series to plot (labels is empty)");
  check_length(who, "model", p.model.size(), n, false);
  check_length(who, "naive", p.naive.size(), n, false);
  const auto finite = [](double v) { return std::isfinite(v); };
  if (std::none_of(p.model.begin(), p.model.end(), finite) &&
      std::none_of(p.naive.begin(), p.naive.end(), finite)) {
    throw ValueError(who + ": no finite MASE in model or naive");
  }

  const bool log_y = wants_log_scale({p.model, p.naive});
  const std::vector<double> model = log10_if(log_y, p.model), naive = log10_if(log_y, p.naive);
  const plotting::Range yr = plotting::padded_range({model, naive});
  const double one = log_y ? 0.0 : 1.0;  // MASE 1: as good as the in-sample naive forecast
  const bool show_one = yr.low < one && one < yr.high;
  std::vector<double> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i);

  using plotting::Marker;
  std::vector<LegendEntry> legend = {
      {p.model_label, plotting::kBlue, LineStyle::kSolid, 2.0, false, Marker::kCircle},
      {p.naive_label, plotting::kOrange, LineStyle::kSolid, 2.0, false, Marker::kDiamond}};
  if (show_one) legend.push_back({"MASE = 1", plotting::kGray, LineStyle::kDashed, 1.8});

  Canvas canvas(path, size);
  canvas.frame({.x_min = -0.5,
                .x_max = static_cast<double>(n) - 0.5,
                .y_min = yr.low,
                .y_max = yr.high,
                .x_axis = plotting::XAxis::kCategories,
                .log_y = log_y,
                .title = p.title,
                .x_label = std::to_string(n) + " series",
                .y_label = std::string("MASE") + (log_y ? " (log scale)" : ""),
                .legend_entries = legend.size(),
                .categories = p.labels});
  if (show_one) canvas.horizontal(one, plotting::kGray, LineStyle::kDashed);
  for (size_t i = 0; i < n; ++i) {
    if (!finite(naive[i]) || !finite(model[i])) continue;
    const double xs[2] = {x[i], x[i]}, ys[2] = {naive[i], model[i]};
    canvas.line(xs, ys, plotting::kGray, LineStyle::kSolid, 1.2);
  }
  // Markers shrink with the slots so that neighbours stay apart; the model's are drawn on top.
  const double slot_pixels = 0.85 * size.width / static_cast<double>(n);
  const double radius = std::clamp(0.3 * slot_pixels, 3.0, 6.0);
  canvas.points(x, naive, plotting::kOrange, Marker::kDiamond, radius);
  canvas.points(x, model, plotting::kBlue, Marker::kCircle, radius);
  canvas.legend(legend);
  canvas.finish();
}

}  // namespace recur::forecast
