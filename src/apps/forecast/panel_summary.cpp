#include "recur/apps/forecast/panel_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/stats/holm.h"
#include "series_steps.h"

namespace recur::forecast {

namespace {

using json = nlohmann::json;

// Mean and median of the finite values (NaN when there are none).
MethodSummary mase_summary(const std::string& method, std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  MethodSummary s{method, std::nan(""), std::nan(""), values.size()};
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  double sum = 0.0;
  for (double v : values) sum += v;
  const size_t n = values.size();
  s.mean_mase = sum / static_cast<double>(n);
  s.median_mase = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return s;
}

std::string p_cell(double p) { return std::isnan(p) ? "n/a" : p_value_number(p); }

std::string percent_of(size_t k, size_t n) {
  return n ? std::to_string(static_cast<int>(
                 std::lround(100.0 * static_cast<double>(k) / static_cast<double>(n)))) +
                 "%"
           : "-";
}

json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

PanelSummary summarize_panel(const std::vector<SeriesResult>& series,
                             MethodResults SeriesResult::*split, const std::string& split_name) {
  PanelSummary s;
  s.split = split_name;
  if (series.empty()) return s;
  const MethodResults& first = series.front().*split;
  s.model = first.model.model;
  // Methods by position within MethodResults (the same baselines for every series).
  std::vector<std::vector<double>> mase(2 + first.baselines.size());
  std::vector<double> p_values;
  for (const SeriesResult& r : series) {
    const MethodResults& m = r.*split;
    mase[0].push_back(m.model.aggregate.mase);
    mase[1].push_back(m.naive.aggregate.mase);
    for (size_t b = 0; b < m.baselines.size() && b + 2 < mase.size(); ++b) {
      mase[b + 2].push_back(m.baselines[b].aggregate.mase);
    }
    const Significance dm = diebold_mariano_against(m.model, m.naive);
    SeriesVerdict v{r.symbol,
                    m.model.aggregate.count,
                    m.model.aggregate.mase,
                    m.naive.aggregate.mase,
                    std::nan(""),
                    std::nan(""),
                    false};
    if (dm.squared) {
      v.dm_p = dm.squared->p_value;
      v.model_better = dm.squared->mean_differential < 0;
    }
    p_values.push_back(v.dm_p);
    if (v.model_mase < v.naive_mase) ++s.beats_naive;
    s.rows.push_back(v);
  }
  const std::vector<double> holm = stats::holm_adjust(p_values);
  for (size_t i = 0; i < s.rows.size(); ++i) {
    SeriesVerdict& v = s.rows[i];
    v.dm_p_holm = holm[i];
    if (std::isnan(v.dm_p)) continue;
    ++s.tested;
    if (v.dm_p < kSignificanceLevel) ++(v.model_better ? s.better : s.worse);
    if (v.dm_p_holm < kSignificanceLevel) ++(v.model_better ? s.better_holm : s.worse_holm);
  }
  s.methods.push_back(mase_summary(first.model.model, mase[0]));
  s.methods.push_back(mase_summary(first.naive.model, mase[1]));
  for (size_t b = 0; b < first.baselines.size(); ++b) {
    s.methods.push_back(mase_summary(first.baselines[b].model, mase[b + 2]));
  }
  return s;
}

std::string panel_verdict(const PanelSummary& s) {
  if (s.rows.empty()) return "No series were scored.";
  const MethodSummary& model = s.methods[0];
  const MethodSummary& naive = s.methods[1];
  std::ostringstream out;
  // "the test split", "the backtest (12 folds)"
  const bool split = s.split == "validation" || s.split == "test";
  out << "Across " << s.series() << " series on the " << s.split << (split ? " split" : "") << ", "
      << s.model << " beats the naive forecast by MASE on " << s.beats_naive << " ("
      << percent_of(s.beats_naive, s.series()) << "); median MASE " << fmt(model.median_mase, 3)
      << " vs " << fmt(naive.median_mase, 3) << ", mean " << fmt(model.mean_mase, 3) << " vs "
      << fmt(naive.mean_mase, 3) << ". ";
  if (s.tested == 0) {
    out << "No Diebold-Mariano test could be computed.";
    return out.str();
  }
  out << "By the Diebold-Mariano test (squared loss, 5% level) it is better on " << s.better
      << " and worse on " << s.worse << " of the " << s.tested << " series tested; after Holm's "
      << "adjustment for " << s.tested << " tests, better on " << s.better_holm << " and worse on "
      << s.worse_holm << ".";
  return out.str();
}

std::string format_panel(const PanelSummary& s) {
  std::ostringstream out;
  char line[256];
  out << "\n" << s.split << " (" << s.series() << " series)\n";
  std::snprintf(line, sizeof(line), "  %-22s %10s %12s %8s\n", "method", "mean MASE", "median MASE",
                "series");
  out << line;
  for (const MethodSummary& m : s.methods) {
    std::snprintf(line, sizeof(line), "  %-22s %10s %12s %8zu\n", m.method.c_str(),
                  fmt(m.mean_mase, 3).c_str(), fmt(m.median_mase, 3).c_str(), m.series);
    out << line;
  }
  std::snprintf(line, sizeof(line), "\n  %-16s %9s %10s %10s %8s %10s\n", "series", "forecasts",
                "model MASE", "naive MASE", "DM p", "Holm p");
  out << line;
  for (const SeriesVerdict& v : s.rows) {
    std::snprintf(line, sizeof(line), "  %-16s %9zu %10s %10s %8s %10s\n", v.symbol.c_str(),
                  v.forecasts, fmt(v.model_mase, 3).c_str(), fmt(v.naive_mase, 3).c_str(),
                  p_cell(v.dm_p).c_str(), p_cell(v.dm_p_holm).c_str());
    out << line;
  }
  return out.str();
}

json panel_summary_json(const PanelSummary& s) {
  json methods = json::object();
  for (const MethodSummary& m : s.methods) {
    methods[m.method] = {{"mean_mase", finite_or_null(m.mean_mase)},
                         {"median_mase", finite_or_null(m.median_mase)},
                         {"series", m.series}};
  }
  json per_series = json::object();
  for (const SeriesVerdict& v : s.rows) {
    per_series[v.symbol] = {{"forecasts", v.forecasts},
                            {"model_mase", finite_or_null(v.model_mase)},
                            {"naive_mase", finite_or_null(v.naive_mase)},
                            {"dm_p", finite_or_null(v.dm_p)},
                            {"dm_p_holm", finite_or_null(v.dm_p_holm)},
                            {"model_better", v.model_better}};
  }
  const double n = static_cast<double>(s.series());
  return {{"series", s.series()},
          {"beats_naive", s.beats_naive},
          {"share_beating_naive",
           s.series() ? json(static_cast<double>(s.beats_naive) / n) : json(nullptr)},
          {"diebold_mariano",
           {{"loss", "squared"},
            {"level", kSignificanceLevel},
            {"tested", s.tested},
            {"better", s.better},
            {"worse", s.worse},
            {"adjustment", "holm"},
            {"better_adjusted", s.better_holm},
            {"worse_adjusted", s.worse_holm}}},
          {"methods", methods},
          {"per_series", per_series}};
}

std::string panel_markdown(const PanelSummary& s) {
  std::ostringstream out;
  out << "## " << s.split << ": " << s.series() << " series\n\n"
      << "| method | mean MASE | median MASE | series |\n|---|---:|---:|---:|\n";
  for (const MethodSummary& m : s.methods) {
    out << "| " << m.method << " | " << fmt(m.mean_mase, 3) << " | " << fmt(m.median_mase, 3)
        << " | " << m.series << " |\n";
  }
  out << "\n"
      << s.model << " beats the naive forecast by MASE on " << s.beats_naive << " of " << s.series()
      << " series (" << percent_of(s.beats_naive, s.series()) << ").\n\n"
      << "| series | forecasts | " << s.model
      << " MASE | naive MASE | DM p | Holm p |\n|---|---:|---:|---:|---:|---:|\n";
  for (const SeriesVerdict& v : s.rows) {
    out << "| " << v.symbol << " | " << v.forecasts << " | " << fmt(v.model_mase, 3) << " | "
        << fmt(v.naive_mase, 3) << " | " << p_cell(v.dm_p) << " | " << p_cell(v.dm_p_holm)
        << " |\n";
  }
  out << "\nDM p: the two-sided Diebold-Mariano test (squared loss, HLN-corrected) of the model "
         "against the naive forecast on that series. With "
      << s.tested << " tests at the 5% level, about "
      << fmt(0.05 * static_cast<double>(s.tested), 1)
      << " would come out significant by chance alone even if no difference were real: "
         "Holm p is the p-value adjusted for the number of series (Holm 1979), which keeps the "
         "chance of any false finding at 5%. Unadjusted, the model is better on "
      << s.better << " and worse on " << s.worse << " series; adjusted, better on " << s.better_holm
      << " and worse on " << s.worse_holm << ".\n\n";
  return out.str();
}

}  // namespace recur::forecast
