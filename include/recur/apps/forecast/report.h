// The Markdown report of a forecasting run (report.md in the run folder): one metrics table per
// split with the model and every baseline (with the Diebold-Mariano p-values of each baseline
// against the model when the rows carry them), a plain sentence saying whether the model is
// better than the naive forecast on the test split (by the Diebold-Mariano test when there is
// one, and by MASE and RMSE), the plots, and the configuration.
//
//   ReportInput in{.model = "lstm"};
//   in.rows.push_back({"test", "lstm", lstm_test.aggregate});
//   in.rows.push_back({"test", "naive", naive_test.aggregate});
//   in.plots.push_back({"Forecast vs actual", "forecast.png"});
//   in.config.push_back({"window", "30"});
//   write_report("run/report.md", in);
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "recur/apps/forecast/metrics.h"
#include "recur/apps/forecast/significance.h"

namespace recur::forecast {

struct ReportRow {
  std::string split;   // "validation", "test", ...; tables appear in first-seen order
  std::string method;  // the model's name or a baseline's Forecaster::name()
  Metrics metrics;
  // A baseline's Diebold-Mariano test against the model on the same origins (none on the
  // model's own row).
  std::optional<Significance> significance = std::nullopt;
};

// One metric's spread over an ensemble's members: min, median and max (NaN: no member has it).
struct Spread {
  double min = 0, median = 0, max = 0;
};
// An ensemble's members on one split, metric by metric ("mae", "rmse", "mape", "smape", "mase",
// "directional_accuracy", and with intervals "coverage" and "mean_width").
struct MemberSpread {
  std::string split;
  size_t members = 0;
  std::vector<std::pair<std::string, Spread>> metrics;
};

struct PlotLink {
  std::string caption;
  std::string path;  // relative to the report, e.g. "forecast.png"
};

struct ReportInput {
  std::string title = "Forecast report";
  std::string model;               // the method the verdict is about
  std::string baseline = "naive";  // what it must beat
  std::string verdict_split = "test";
  std::vector<ReportRow> rows;
  std::vector<PlotLink> plots;
  std::vector<std::pair<std::string, std::string>> config;  // shown in this order
  std::vector<std::string> notes;                           // extra sentences (caveats)
  // What the data loader and the outlier check said, listed under "Data warnings".
  std::vector<std::string> warnings;
  // An ensemble's members beside it (section "Ensemble members"); empty for a single model.
  std::vector<MemberSpread> member_spreads;
  // A many-series run: its headline (instead of verdict_sentence()) and its Markdown sections
  // (panel_summary.h), shown where a single series' metrics tables would be.
  std::string headline;
  std::vector<std::string> sections;
};

// Whether the model's error is strictly lower than the baseline's on the verdict split.
struct Verdict {
  bool by_mase = false;
  bool by_rmse = false;
  double model_mase = 0, baseline_mase = 0, model_rmse = 0, baseline_rmse = 0;
};
// nullopt when the verdict split lacks a row for the model or for the baseline.
std::optional<Verdict> compare_to_baseline(const ReportInput& input);
// The plain sentence, e.g. "On the test split, lstm beats the naive forecast by MASE (0.912 vs
// 1.000) but not by RMSE (2.31 vs 2.30)." When the baseline's row carries a Diebold-Mariano test
// it leads: "On the test split, lstm is not distinguishable from the naive forecast
// (Diebold-Mariano test on squared errors, p = 0.41): it beats it by MASE ... but not by RMSE
// ...", "... is better than the naive forecast (..., p = 0.003): ...", or, when the test cannot
// be computed, the comparison followed by why.
std::string verdict_sentence(const ReportInput& input);

std::string render_report(const ReportInput& input);
// Writes render_report() to `path` atomically; IoError if it cannot.
void write_report(const std::string& path, const ReportInput& input);

}  // namespace recur::forecast
