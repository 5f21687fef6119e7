// What a many-series run says across its series: per series, the model against the naive
// forecast (MASE, Diebold-Mariano p-value); over all of them, each method's mean and median MASE,
// the share of series where the model beats naive, and how many of those differences are real
// once the number of tests is accounted for (Holm's adjustment over the series, stats/holm.h).
// MASE is the measure to average: each series' errors are divided by its own training naive
// error, so a series priced in thousands does not outweigh one priced in tens.
//
//   PanelSummary test = summarize_panel(series, &SeriesResult::test, "test");
//   test.beats_naive; test.methods[0].median_mase; test.rows[k].dm_p_holm;
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "recur/apps/forecast/pipeline.h"

namespace recur::forecast {

// One series of a many-series run: its data and every method's results on it.
struct SeriesResult {
  std::string symbol;
  SeriesInfo series;
  MethodResults validation;
  MethodResults test;  // a backtest's folds, in backtest_panel()
};

// One method's MASE over the series (those where it is defined).
struct MethodSummary {
  std::string method;
  double mean_mase = 0.0, median_mase = 0.0;
  size_t series = 0;
};

// One series in the summary: the model against naive.
struct SeriesVerdict {
  std::string symbol;
  size_t forecasts = 0;
  double model_mase = 0.0, naive_mase = 0.0;
  double dm_p = 0.0;          // Diebold-Mariano, squared loss (NaN: no test)
  double dm_p_holm = 0.0;     // the same after Holm's adjustment over the series
  bool model_better = false;  // lower mean squared error (the sign the test is about)
};

struct PanelSummary {
  std::string split;
  std::string model;                       // the model's name
  std::vector<MethodSummary> methods;      // the model, naive, the other baselines
  std::vector<SeriesVerdict> rows;         // one per series, in the run's order
  size_t beats_naive = 0;                  // series where the model's MASE is below naive's
  size_t tested = 0;                       // series with a Diebold-Mariano test
  size_t better = 0, worse = 0;            // p < kSignificanceLevel, unadjusted
  size_t better_holm = 0, worse_holm = 0;  // after Holm's adjustment

  size_t series() const { return rows.size(); }
};

PanelSummary summarize_panel(const std::vector<SeriesResult>& series,
                             MethodResults SeriesResult::*split, const std::string& split_name);

// "Across 30 series on the test split, lstm beats the naive forecast by MASE on 18 (60%); median
// MASE 0.95 vs 1.01. By the Diebold-Mariano test (squared loss, 5%) it is better on 12 and worse
// on 2, 9 and 1 after Holm's adjustment for 30 tests."
std::string panel_verdict(const PanelSummary& s);

// The console text: the methods' MASE over the series, then one line per series.
std::string format_panel(const PanelSummary& s);

// {"series": N, "beats_naive": k, "share_beating_naive": k / N, "diebold_mariano": {...},
//  "methods": {"lstm": {"mean_mase", "median_mase", "series"}, ...},
//  "per_series": {"AAPL": {"model_mase", "naive_mase", "dm_p", "dm_p_holm"}, ...}}
nlohmann::json panel_summary_json(const PanelSummary& s);

// The Markdown section of report.md for one split: the aggregate table, the per-series table,
// and the note on multiple comparisons.
std::string panel_markdown(const PanelSummary& s);

}  // namespace recur::forecast
