#include "recur/apps/forecast/significance.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

std::vector<double> step_errors(const StepPath& path) {
  std::vector<double> e(path.records.actual.size());
  for (size_t i = 0; i < e.size(); ++i) e[i] = path.records.actual[i] - path.records.predicted[i];
  return e;
}

// Overlapping H-step forecasts from origins `step` apart have errors correlated over
// ceil(H / step) - 1 lags.
int lag_window(const BacktestResult& r, int horizon) {
  if (r.folds.size() < 2) return 1;
  const size_t step = r.folds[1].origin - r.folds[0].origin;
  if (step == 0) return horizon;
  return static_cast<int>((static_cast<size_t>(horizon) + step - 1) / step);
}

nlohmann::json dm_result_json(const stats::DieboldMarianoResult& r) {
  return {{"statistic", r.statistic},
          {"hln_statistic", r.hln_statistic},
          {"p_value", r.p_value},
          {"mean_differential", r.mean_differential},
          {"n", r.n},
          {"horizon", r.horizon},
          {"horizon_fallback", r.horizon_fallback}};
}

}  // namespace

Significance diebold_mariano_against(const BacktestResult& model, const BacktestResult& baseline) {
  Significance s{model.model, std::nullopt, std::nullopt, ""};
  const int horizon = static_cast<int>(model.per_step.size());
  if (horizon < 1 || baseline.per_step.size() != model.per_step.size()) {
    s.unavailable = "the two methods were scored at different horizons";
    return s;
  }
  const StepPath m = step_path(model, horizon);
  const StepPath b = step_path(baseline, horizon);
  if (m.targets != b.targets) {
    throw ValueError("Diebold-Mariano test: " + model.model + " and " + baseline.model +
                     " were not scored on the same origins");
  }
  // The baseline's errors first would flip every sign: the differential is model minus baseline,
  // negative when the model loses less.
  const std::vector<double> em = step_errors(m), eb = step_errors(b);
  const int lags = lag_window(model, horizon);
  try {
    s.squared = stats::diebold_mariano(em, eb, lags, stats::Loss::squared);
    s.absolute = stats::diebold_mariano(em, eb, lags, stats::Loss::absolute);
  } catch (const ValueError& e) {
    s.squared.reset();
    s.absolute.reset();
    s.unavailable = e.what();
  }
  return s;
}

nlohmann::json significance_json(const Significance& s) {
  nlohmann::json j = {{"against", s.against}};
  if (s.squared) j["squared"] = dm_result_json(*s.squared);
  if (s.absolute) j["absolute"] = dm_result_json(*s.absolute);
  if (!s.unavailable.empty()) j["unavailable"] = s.unavailable;
  return j;
}

std::string p_value_number(double p) {
  if (p < 1e-4) return "< 0.0001";
  char buf[32];
  // Three decimals near the 0.05 line, so that no p-value just above it prints as "0.05".
  std::snprintf(buf, sizeof buf, p < 0.01 ? "%.1g" : p < 0.1 ? "%.3f" : "%.2f", p);
  return buf;
}

std::string p_value_text(double p) {
  const std::string n = p_value_number(p);
  return n[0] == '<' ? "p " + n : "p = " + n;
}

}  // namespace recur::forecast
