#include "recur/apps/compare/compare_report.h"

#include <cmath>
#include <sstream>

#include "recur/apps/forecast/plot.h"
#include "recur/apps/text_format.h"

namespace recur::compare {
namespace {

using json = nlohmann::json;
using apps::fixed;

std::string metric_text(const TaskSpec& spec, double value) {
  return fixed(value, spec.lower_is_better ? 4 : 3);
}

std::string threshold_text(const TaskSpec& spec) {
  return spec.metric + (spec.lower_is_better ? " < " : " >= ") + metric_text(spec, spec.threshold);
}

// "A", "A and B", "A, B and C".
std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += i + 1 == names.size() ? " and " : ", ";
    s += names[i];
  }
  return s;
}

std::string outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kSolved:
      return "solved";
    case Outcome::kAtBaseline:
      return "at_baseline";
    case Outcome::kPartial:
      return "partial";
  }
  return "?";
}

// "LSTM 0.0123, GRU 0.0089" for the runs given.
std::string values_of(const TaskResult& t, const std::vector<const ModelRun*>& runs) {
  std::vector<std::string> parts;
  for (const ModelRun* r : runs) {
    parts.push_back(model_label(r->kind) + " " + metric_text(t.spec, r->test.metric));
  }
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i > 0 ? ", " : "") + parts[i];
  return s;
}

std::string megabytes(int64_t bytes) {
  return bytes < 0 ? "n/a" : fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1);
}

}  // namespace

Outcome outcome(const TaskSpec& spec, double baseline_metric, double test_metric) {
  if (meets_threshold(spec, test_metric)) return Outcome::kSolved;
  const double perfect = spec.lower_is_better ? 0.0 : 1.0;
  const double gained = (baseline_metric - test_metric) / (baseline_metric - perfect);
  return gained < 0.1 ? Outcome::kAtBaseline : Outcome::kPartial;
}

std::string verdict(const TaskResult& t) {
  std::vector<const ModelRun*> solved, at_baseline, partial, capped;
  for (const ModelRun& r : t.runs) {
    const Outcome o = outcome(t.spec, t.baseline_metric, r.test.metric);
    (o == Outcome::kSolved       ? solved
     : o == Outcome::kAtBaseline ? at_baseline
                                 : partial)
        .push_back(&r);
    if (r.time_capped) capped.push_back(&r);
  }
  auto names = [](const std::vector<const ModelRun*>& runs) {
    std::vector<std::string> n;
    for (const ModelRun* r : runs) n.push_back(model_label(r->kind));
    return joined(n);
  };
  const std::string baseline = "baseline " + metric_text(t.spec, t.baseline_metric);
  std::vector<std::string> clauses;
  if (!solved.empty()) {
    clauses.push_back(names(solved) + " solved it (test " + threshold_text(t.spec) + ": " +
                      values_of(t, solved) + ")");
  }
  if (!partial.empty()) {
    clauses.push_back(names(partial) + " beat the baseline without solving it (" +
                      values_of(t, partial) + "; " + baseline + ")");
  }
  if (!at_baseline.empty()) {
    clauses.push_back(names(at_baseline) + " did not beat the baseline (" +
                      values_of(t, at_baseline) + "; " + baseline + ")");
  }
  if (!capped.empty()) {
    std::vector<std::string> stops;
    for (const ModelRun* r : capped) {
      stops.push_back(model_label(r->kind) + " at step " + std::to_string(r->steps_run));
    }
    clauses.push_back("the time cap stopped " + joined(stops));
  }
  std::string s = t.spec.name + ": ";
  for (size_t i = 0; i < clauses.size(); ++i) s += (i > 0 ? "; " : "") + clauses[i];
  return s + ".";
}

json config_json(const CompareOptions& o) {
  return {{"format", "recur.compare"},
          {"tasks", o.tasks},
          {"models", o.models},
          {"parameter_budget", o.parameter_budget},
          {"steps", o.training.steps},
          {"time_cap_seconds", o.training.time_cap_seconds},
          {"batch_size", o.training.batch_size},
          {"lr", o.training.lr},
          {"clip_grad_norm", o.training.clip_grad_norm},
          {"eval_every", o.training.eval_every},
          {"validation_size", o.validation_size},
          {"test_size", o.test_size},
          {"seed", o.seed}};
}

json metrics_json(const CompareResult& result, const CompareOptions& options) {
  json tasks = json::array();
  for (const TaskResult& t : result.tasks) {
    json models = json::array();
    for (const ModelRun& r : t.runs) {
      json curve = {{"step", json::array()},
                    {"train_loss", json::array()},
                    {"validation_loss", json::array()},
                    {"validation_metric", json::array()}};
      for (const CurvePoint& p : r.curve) {
        curve["step"].push_back(p.step);
        curve["train_loss"].push_back(p.train_loss);
        curve["validation_loss"].push_back(p.validation_loss);
        curve["validation_metric"].push_back(p.validation_metric);
      }
      models.push_back(
          {{"model", model_kind_name(r.kind)},
           {"label", model_label(r.kind)},
           {"width", r.width},
           {"parameters", r.parameters},
           {"test", {{"loss", r.test.loss}, {"metric", r.test.metric}}},
           {"outcome", outcome_name(outcome(t.spec, t.baseline_metric, r.test.metric))},
           {"steps_to_threshold",
            r.steps_to_threshold < 0 ? json(nullptr) : json(r.steps_to_threshold)},
           {"steps_run", r.steps_run},
           {"time_capped", r.time_capped},
           {"seconds", r.seconds},
           {"median_step_ms", 1000.0 * r.median_step_seconds},
           {"peak_memory_bytes", r.peak_memory_bytes},
           {"curve", curve}});
    }
    tasks.push_back({{"name", t.spec.name},
                     {"kind", t.spec.kind},
                     {"length", t.spec.length},
                     {"sequence_steps", t.spec.steps},
                     {"form", t.spec.form},
                     {"metric", t.spec.metric},
                     {"lower_is_better", t.spec.lower_is_better},
                     {"threshold", t.spec.threshold},
                     {"baseline",
                      {{"description", t.spec.baseline},
                       {"expected_loss", t.spec.baseline_loss},
                       {"expected_metric", t.spec.baseline_metric},
                       {"test_metric", t.baseline_metric}}},
                     {"verdict", t.verdict},
                     {"models", models}});
  }
  return {{"settings", config_json(options)}, {"tasks", tasks}};
}

std::string report_markdown(const CompareResult& result, const CompareOptions& o) {
  std::ostringstream md;
  md << "# recur compare\n\n"
     << "Every model gets the same parameter budget (" << o.parameter_budget
     << "; the width closest to it, head included) and the same training budget: "
     << o.training.steps << " steps of " << o.training.batch_size
     << " sequences (the same seeded batches for every model), at most "
     << fixed(o.training.time_cap_seconds, 0) << " s of wall clock per model, Adam (lr "
     << o.training.lr << "), gradient norm clipped at " << o.training.clip_grad_norm
     << ". Validation (" << o.validation_size << " sequences) every " << o.training.eval_every
     << " steps; test metrics on " << o.test_size << " other sequences; seed " << o.seed << ".\n\n"
     << "Steps to threshold: the first validation point (every " << o.training.eval_every
     << " steps) at the task's threshold. Median step: one training step (forward, backward, "
        "clipping, Adam). Peak memory: growth of the process's peak resident set (VmHWM, reset "
        "before each model) over its resident set before training, a lower bound (the "
        "allocator reuses memory freed by earlier models).\n";
  for (const TaskResult& t : result.tasks) {
    md << "\n## " << t.spec.name << "\n\n"
       << t.spec.form << "\n\n"
       << "| model | width | parameters | test " << t.spec.metric << " | baseline ("
       << t.spec.baseline << ") | steps to " << threshold_text(t.spec)
       << " | steps run | median step (ms) | peak memory (MiB) |\n"
       << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const ModelRun& r : t.runs) {
      md << "| " << model_label(r.kind) << " | " << r.width << " | " << r.parameters << " | "
         << metric_text(t.spec, r.test.metric) << " | " << metric_text(t.spec, t.baseline_metric)
         << " | "
         << (r.steps_to_threshold < 0 ? "not reached" : std::to_string(r.steps_to_threshold))
         << " | " << r.steps_run << (r.time_capped ? " (time cap)" : "") << " | "
         << fixed(1000.0 * r.median_step_seconds, 2) << " | " << megabytes(r.peak_memory_bytes)
         << " |\n";
    }
    md << "\n"
       << t.verdict << "\n\n![" << t.spec.name << " learning curves](curves_" << t.spec.name
       << ".png)\n";
  }
  return md.str();
}

std::string format_summary(const CompareResult& result) {
  std::ostringstream out;
  for (const TaskResult& t : result.tasks) {
    char line[160];
    std::snprintf(line, sizeof(line), "%-14s %-20s %10s %12s %10s\n", t.spec.name.c_str(), "model",
                  "parameters", ("test " + t.spec.metric).c_str(), "to thresh.");
    out << line;
    for (const ModelRun& r : t.runs) {
      std::snprintf(line, sizeof(line), "%-14s %-20s %10lld %12s %10s\n", "",
                    model_label(r.kind).c_str(), static_cast<long long>(r.parameters),
                    metric_text(t.spec, r.test.metric).c_str(),
                    r.steps_to_threshold < 0 ? "-" : std::to_string(r.steps_to_threshold).c_str());
      out << line;
    }
    std::snprintf(line, sizeof(line), "%-14s %-20s %10s %12s\n", "", "baseline", "",
                  metric_text(t.spec, t.baseline_metric).c_str());
    out << line << t.verdict << "\n\n";
  }
  return out.str();
}

std::string plot_task_curves(const std::string& dir, const TaskResult& t) {
  forecast::LossPlot plot;
  plot.title = t.spec.name + ": validation " + t.spec.metric + " by training step";
  plot.y_label = "validation " + t.spec.metric;
  plot.x_label = "training step";
  plot.reference = t.baseline_metric;
  plot.reference_label = "baseline (" + t.spec.baseline + ")";
  for (const ModelRun& r : t.runs) {
    forecast::LossCurve c{.label = model_label(r.kind), .x = {}, .values = {}};
    for (const CurvePoint& p : r.curve) {
      c.x.push_back(static_cast<double>(p.step));
      c.values.push_back(p.validation_metric);
    }
    plot.curves.push_back(std::move(c));
  }
  const std::string name = "curves_" + t.spec.name + ".png";
  forecast::plot_loss_curves(apps::in_dir(dir, name), plot);
  return name;
}

}  // namespace recur::compare
