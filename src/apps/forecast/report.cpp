#include "recur/apps/forecast/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "recur/io/atomic_file.h"

namespace recur::forecast {
namespace {

// Four significant digits, without exponents for ordinary price magnitudes; "n/a" for NaN.
std::string number(double v) {
  if (std::isnan(v)) return "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, std::abs(v) >= 1000.0 ? "%.1f" : "%.4g", v);
  return buffer;
}

std::string percent(double fraction) {
  return std::isnan(fraction) ? "n/a" : number(100.0 * fraction);
}

// A forecast that never moves calls no direction: a dash, where a percentage would be a score.
std::string direction_cell(double fraction) {
  return std::isnan(fraction) ? "—" : number(100.0 * fraction);
}

// A Markdown table cell: '|' would end the cell.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// "0.41 / 0.38"; a dash on the model's own row, "n/a" where the test could not be computed.
std::string significance_cell(const std::optional<Significance>& s) {
  if (!s) return "—";
  if (!s->squared) return "n/a";
  std::string out = p_value_number(s->squared->p_value);
  if (s->absolute) out += " / " + p_value_number(s->absolute->p_value);
  return out;
}

// "diebold_mariano: the two forecasts ..." without the function's name.
std::string dm_refusal(const std::string& unavailable) {
  const std::string prefix = "diebold_mariano: ";
  return unavailable.rfind(prefix, 0) == 0 ? unavailable.substr(prefix.size()) : unavailable;
}

const ReportRow* find_row(const ReportInput& in, const std::string& split,
                          const std::string& method) {
  for (const ReportRow& r : in.rows) {
    if (r.split == split && r.method == method) return &r;
  }
  return nullptr;
}

std::vector<std::string> splits_in_order(const std::vector<ReportRow>& rows) {
  std::vector<std::string> out;
  for (const ReportRow& r : rows) {
    if (std::find(out.begin(), out.end(), r.split) == out.end()) out.push_back(r.split);
  }
  return out;
}

// "by MASE (0.9 vs 1)"
std::string comparison(const std::string& metric, double model, double baseline) {
  return "by " + metric + " (" + number(model) + " vs " + number(baseline) + ")";
}

void metrics_table(std::ostream& out, const ReportInput& in, const std::string& split) {
  std::vector<const ReportRow*> rows;
  bool intervals = false, pinball = false, tested = false;
  for (const ReportRow& r : in.rows) {
    if (r.split != split) continue;
    rows.push_back(&r);
    intervals = intervals || r.metrics.interval.has_value();
    pinball = pinball || !r.metrics.pinball.empty();
    tested = tested || r.significance.has_value();
  }
  // The model first, then the baselines in the order given.
  std::stable_partition(rows.begin(), rows.end(),
                        [&](const ReportRow* r) { return r->method == in.model; });

  out << "| method | N | MAE | RMSE | MAPE % | sMAPE % | MASE | direction % |";
  if (intervals) out << " coverage % (nominal) | mean width |";
  if (pinball) out << " pinball loss |";
  if (tested) out << " DM p vs " << cell(in.model) << " (squared / absolute) |";
  out << "\n|---|--:|--:|--:|--:|--:|--:|--:|";
  if (intervals) out << "--:|--:|";
  if (pinball) out << "---|";
  if (tested) out << "--:|";
  out << "\n";
  size_t skipped_zeros = 0;
  for (const ReportRow* r : rows) {
    const Metrics& m = r->metrics;
    std::string name = cell(r->method);
    if (r->method == in.model) name = "**" + name + "**";
    out << "| " << name << " | " << m.count << " | " << number(m.mae) << " | " << number(m.rmse)
        << " | " << number(m.mape) << " | " << number(m.smape) << " | " << number(m.mase) << " | "
        << direction_cell(m.directional_accuracy) << " |";
    if (intervals) {
      if (m.interval) {
        out << " " << percent(m.interval->coverage) << " (" << percent(m.interval->level) << ") | "
            << number(m.interval->mean_width) << " |";
      } else {
        out << " — | — |";
      }
    }
    if (pinball) {
      out << " ";
      for (const PinballScore& p : m.pinball) {
        out << "τ=" << number(p.tau) << ": " << number(p.loss) << " ";
      }
      out << "|";
    }
    if (tested) out << " " << significance_cell(r->significance) << " |";
    out << "\n";
    skipped_zeros = std::max(skipped_zeros, m.mape_skipped);
  }
  for (const ReportRow* r : rows) {
    if (r->significance && !r->significance->unavailable.empty()) {
      out << "\nNo Diebold-Mariano test for " << r->method << ": "
          << dm_refusal(r->significance->unavailable) << ".\n";
    }
  }
  if (skipped_zeros > 0) {
    out << "\nMAPE leaves out the " << skipped_zeros
        << " forecast values whose actual value is 0 (a percentage of 0 is undefined).\n";
  }
}

}  // namespace

std::optional<Verdict> compare_to_baseline(const ReportInput& in) {
  const ReportRow* model = find_row(in, in.verdict_split, in.model);
  const ReportRow* base = find_row(in, in.verdict_split, in.baseline);
  if (!model || !base) return std::nullopt;
  Verdict v;
  v.model_mase = model->metrics.mase;
  v.baseline_mase = base->metrics.mase;
  v.model_rmse = model->metrics.rmse;
  v.baseline_rmse = base->metrics.rmse;
  v.by_mase = v.model_mase < v.baseline_mase;
  v.by_rmse = v.model_rmse < v.baseline_rmse;
  return v;
}

// Relative improvement below which a win over the baseline is reported as negligible.
constexpr double kNegligibleMargin = 0.01;

namespace {

// The comparison by MASE and RMSE, for when no significance test speaks first.
std::string metric_verdict(const ReportInput& in, const Verdict& v) {
  const std::string lead = "On the " + in.verdict_split + " split, " + in.model;
  const std::string against = " the " + in.baseline + " forecast";
  std::string mase = comparison("MASE", v.model_mase, v.baseline_mase);
  std::string rmse = comparison("RMSE", v.model_rmse, v.baseline_rmse);
  if (v.by_mase && v.by_rmse) {
    // A win by a hair on one test period is no evidence of skill: say so next to the numbers.
    const double margin =
        std::max(1.0 - v.model_mase / v.baseline_mase, 1.0 - v.model_rmse / v.baseline_rmse);
    const std::string caveat =
        margin < kNegligibleMargin
            ? " The margin is under 1%, too small to tell apart from chance on one test period."
            : "";
    return lead + " beats" + against + " " + mase + " and " + rmse + "." + caveat;
  }
  if (v.by_mase) return lead + " beats" + against + " " + mase + " but not " + rmse + ".";
  if (v.by_rmse) return lead + " beats" + against + " " + rmse + " but not " + mase + ".";
  return lead + " does not beat" + against + ", neither " + mase + " nor " + rmse +
         " (lower is better).";
}

// What one loss's test says: "is better than", "is worse than", "is not distinguishable from".
std::string dm_outcome(const stats::DieboldMarianoResult& r) {
  if (!(r.p_value < kSignificanceLevel)) return "is not distinguishable from";
  return r.mean_differential < 0 ? "is better than" : "is worse than";
}

// The test's verdict first: a lower MASE on one test period means little unless the difference
// is larger than chance would produce. When squared and absolute loss disagree (a steady small
// gain buried under a few large errors), both answers are given.
std::string tested_verdict(const ReportInput& in, const Verdict& v, const Significance& s) {
  const stats::DieboldMarianoResult& sq = *s.squared;
  const std::string lead = "On the " + in.verdict_split + " split, " + in.model + " ";
  const std::string baseline = "the " + in.baseline + " forecast";
  std::string sentence;
  if (!s.absolute || dm_outcome(*s.absolute) == dm_outcome(sq)) {
    sentence = lead + dm_outcome(sq) + " " + baseline +
               " (Diebold-Mariano test, squared errors: " + p_value_text(sq.p_value);
    if (s.absolute) sentence += "; absolute errors: " + p_value_text(s.absolute->p_value);
    sentence += ").";
  } else {
    std::string second = dm_outcome(*s.absolute);
    second = second.substr(3);  // "better than", without "is "
    sentence =
        lead + dm_outcome(sq) + " " + baseline + " by squared error (Diebold-Mariano test, " +
        p_value_text(sq.p_value) + ") but " +
        (second == "not distinguishable from" ? "not distinguishable from it" : second + " it") +
        " by absolute error (" + p_value_text(s.absolute->p_value) + ").";
  }
  return sentence + " Its MASE is " + number(v.model_mase) + " vs " + number(v.baseline_mase) +
         " and its RMSE " + number(v.model_rmse) + " vs " + number(v.baseline_rmse) +
         " (lower is better).";
}

}  // namespace

std::string verdict_sentence(const ReportInput& in) {
  std::optional<Verdict> v = compare_to_baseline(in);
  if (!v) {
    return "There is no " + in.verdict_split + " result for both " + in.model + " and the " +
           in.baseline + " forecast, so they cannot be compared.";
  }
  const ReportRow* base = find_row(in, in.verdict_split, in.baseline);
  if (!base->significance) return metric_verdict(in, *v);
  const Significance& s = *base->significance;
  if (s.squared) return tested_verdict(in, *v, s);
  return metric_verdict(in, *v) +
         " The Diebold-Mariano test cannot be computed: " + dm_refusal(s.unavailable) + ".";
}

namespace {

// The ensemble's row above is the members' combined forecast; this is how far apart the members
// themselves were, so that a reader sees whether combining helped or one lucky seed did.
void member_section(std::ostream& out, const ReportInput& in) {
  out << "\n## Ensemble members\n\n"
      << in.model << " averages the point forecasts of " << in.member_spreads.front().members
      << " networks trained alike from consecutive seeds (intervals: the members' bounds "
         "averaged). Each metric of the members alone, min / median / max:\n";
  for (const MemberSpread& s : in.member_spreads) {
    out << "\n### " << s.split
        << " split\n\n| metric | min | median | max |\n|---|---:|---:|---:|\n";
    for (const auto& [metric, spread] : s.metrics) {
      // Shares as percentages, as in the metrics tables above.
      const bool share = metric == "directional_accuracy" || metric == "coverage";
      auto shown = [&](double v) { return share ? percent(v) : number(v); };
      out << "| " << metric << (share ? " %" : "") << " | " << shown(spread.min) << " | "
          << shown(spread.median) << " | " << shown(spread.max) << " |\n";
    }
  }
}

// The metrics tables of a single series, split by split, with what their columns mean.
void metrics_section(std::ostream& out, const ReportInput& in) {
  out << "\n## Metrics\n\n"
      << "Errors are actual − forecast over every forecast value of the split. MASE divides the "
         "MAE by the in-sample one-step MAE of the naive forecast on the training split (below 1: "
         "better than that naive forecast was in training). Direction % counts how often the "
         "forecast moves the same way as the actual value from the last observed one (a flat "
         "forecast value counts as wrong; a forecast that never moves, like the naive one, has no "
         "direction: —). The exact definitions are in recur's "
         "docs/FORECAST_METRICS.md.\n";
  if (std::any_of(in.rows.begin(), in.rows.end(),
                  [](const ReportRow& r) { return r.significance.has_value(); })) {
    out << "\nDM p is the two-sided p-value of the Diebold-Mariano test (Harvey-Leybourne-Newbold "
           "corrected) that the baseline and "
        << in.model << " have the same expected squared (absolute) error on these origins: below "
        << number(kSignificanceLevel)
        << " the difference is called real, above it the two are not distinguishable.\n";
  }
  for (const std::string& split : splits_in_order(in.rows)) {
    out << "\n### " << split << " split\n\n";
    metrics_table(out, in, split);
  }
}

}  // namespace

std::string render_report(const ReportInput& in) {
  std::ostringstream out;
  out << "# " << in.title << "\n\n"
      << (in.headline.empty() ? verdict_sentence(in) : in.headline) << "\n";
  for (const std::string& note : in.notes) out << "\n" << note << "\n";
  if (!in.warnings.empty()) {
    out << "\n## Data warnings\n\n";
    for (const std::string& w : in.warnings) out << "- " << w << "\n";
  }
  for (const std::string& section : in.sections) out << "\n" << section;
  if (!in.rows.empty()) metrics_section(out, in);
  if (!in.member_spreads.empty()) member_section(out, in);
  if (!in.plots.empty()) {
    out << "\n## Plots\n";
    for (const PlotLink& p : in.plots) {
      out << "\n### " << p.caption << "\n\n![" << p.caption << "](" << p.path << ")\n";
    }
  }
  if (!in.config.empty()) {
    out << "\n## Configuration\n\n| setting | value |\n|---|---|\n";
    for (const auto& [key, value] : in.config) {
      out << "| " << cell(key) << " | " << cell(value) << " |\n";
    }
  }
  return out.str();
}

void write_report(const std::string& path, const ReportInput& input) {
  io::write_file_atomically(path, render_report(input));
}

}  // namespace recur::forecast
