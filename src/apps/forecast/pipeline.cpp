#include "recur/apps/forecast/pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/apps/forecast/ensemble.h"
#include "recur/apps/forecast/metrics.h"
#include "recur/apps/forecast/neural_forecaster.h"
#include "recur/apps/forecast/plot.h"
#include "recur/data/outliers.h"
#include "recur/data/splits.h"
#include "recur/data/windows.h"
#include "recur/io/atomic_file.h"
#include "recur/io/csv.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/train/run_identity.h"
#include "series_steps.h"

namespace recur::forecast {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json metrics_to_json(const Metrics& m) {
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json j = {{"count", m.count},
            {"mae", number(m.mae)},
            {"rmse", number(m.rmse)},
            {"mape", number(m.mape)},
            {"smape", number(m.smape)},
            {"mase", number(m.mase)},
            {"directional_accuracy", number(m.directional_accuracy)}};
  if (m.interval) {
    j["interval"] = {{"level", m.interval->level},
                     {"coverage", m.interval->coverage},
                     {"mean_width", m.interval->mean_width}};
  }
  return j;
}

// predictions.csv: one line per test origin and step, the model next to the naive forecast.
void write_predictions(const std::string& path, const data::FeatureFrame& frame,
                       const MethodResults& test, int horizon) {
  std::ostringstream csv;
  csv << prediction_header(test) << "\n";
  append_predictions(csv, frame, test, horizon, "");
  io::write_file_atomically(path, csv.str());
}

// The plots of the test split, each with the caption the report gives it.
std::vector<PlotLink> write_plots(const std::string& dir, const data::FeatureFrame& frame,
                                  const MethodResults& test, const train::History& history,
                                  const std::string& target_column, const SeriesInfo& series) {
  std::vector<PlotLink> plots;
  const StepPath model = step_path(test.model, 1);
  const StepPath naive = step_path(test.naive, 1);
  ForecastPlot fp;
  using F = data::Frequency;
  const F f = series.frequency.frequency;
  fp.title = f == F::daily || f == F::business_daily
                 ? "One-day-ahead forecast on the test period"
                 : "One-" + period_word(f) + "-ahead forecast on the test period";
  fp.y_label = target_column;
  fp.dates = times_of(frame, model.targets);
  fp.actual = model.records.actual;
  fp.forecast = model.records.predicted;
  fp.forecast_label = test.model.model;
  fp.naive = naive.records.predicted;
  fp.lower = model.records.lower;
  fp.upper = model.records.upper;
  fp.level = model.records.level;
  plot_forecast(in_dir(dir, "forecast.png"), fp);
  plots.push_back({"Forecast vs actual (test period)", "forecast.png"});

  if (std::optional<PlotLink> loss = write_loss_plot(dir, history, LossPlot{}.title)) {
    plots.push_back(*loss);
  }

  ErrorPlot ep;
  ep.dates = fp.dates;
  for (const BacktestResult* r : {&test.model, &test.naive}) {
    const StepPath p = step_path(*r, 1);
    ErrorSeries s{r->model, {}};
    for (size_t i = 0; i < p.records.actual.size(); ++i) {
      s.errors.push_back(p.records.actual[i] - p.records.predicted[i]);
    }
    ep.series.push_back(std::move(s));
  }
  plot_errors(in_dir(dir, "errors.png"), ep);
  plots.push_back({"Forecast errors over time", "errors.png"});
  return plots;
}

ReportInput report_input(const RunResult& result, const ForecastConfig& c,
                         const std::string& data_path) {
  ReportInput in;
  in.notes.push_back(target_note(c));
  in.notes.push_back(series_note(result.series));
  in.title = "Forecast report: " + fs::path(data_path).filename().string();
  in.model = result.test.model.model;
  in.baseline = result.test.naive.model;
  in.rows = result.rows();
  in.member_spreads = result.member_spreads();
  in.config = {
      {"data", data_path},
      {"target", c.features.target_column + " (" + data::target_kind_name(c.features.target) + ")"},
      {"frequency",
       result.series.frequency.name +
           (result.series.frequency_given ? " (given)" : " (inferred from the dates)") +
           ", seasonal naive " +
           (result.series.season_used > 0 ? "m = " + std::to_string(result.series.season_used)
                                          : std::string("left out"))}};
  for (auto& row : model_rows(c, result.members)) in.config.push_back(std::move(row));
  return in;
}

// The verdict against naive, as a sentence and as numbers.
void judge(RunResult& result, const ReportInput& report) {
  result.verdict = verdict_sentence(report);
  result.beats_naive = compare_to_baseline(report);
}

void finish(const std::string& dir, RunResult& result, const EnsembleForecaster& ensemble,
            const data::FeatureFrame& frame, const std::string& data_path,
            std::vector<std::string> files) {
  const NeuralForecaster& model = ensemble.front();
  const ForecastConfig& c = model.config();
  json metrics = metrics_json(result.rows());
  metrics["data"] = series_json(result.series);
  if (result.members > 1) metrics["ensemble"] = ensemble_json(result);
  io::write_file_atomically(in_dir(dir, "metrics.json"), metrics.dump(2) + "\n");
  files.push_back("metrics.json");
  ReportInput report = report_input(result, c, data_path);
  report.warnings = result.warnings;
  write_predictions(in_dir(dir, "predictions.csv"), frame, result.test,
                    static_cast<int>(c.horizon));
  files.push_back("predictions.csv");
  report.plots = write_plots(dir, frame, result.test, model.history(), c.features.target_column,
                             result.series);
  for (const PlotLink& plot : report.plots) files.push_back(plot.path);
  judge(result, report);
  write_report(in_dir(dir, "report.md"), report);
  files.push_back("report.md");
  result.files = std::move(files);
  result.epochs_run = static_cast<int64_t>(model.history().epochs.size());
  result.best_epoch = model.history().best_epoch;
  result.stop_reason = model.history().stop_reason;
}

// The config of a single-series run; a many-series run is panel.h's.
ForecastConfig single_series_config(const std::string& run_dir) {
  ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  if (config.panel.active()) {
    throw ValueError(in_dir(run_dir, "config.json") +
                     ": a run over many series (panel.h: evaluate_panel, predict_panel, "
                     "backtest_panel)");
  }
  return config;
}

}  // namespace

RunResult train_run(const RunOptions& options) {
  const ForecastConfig& config = options.config;
  config.validate();
  if (config.panel.active()) {
    throw ValueError("forecast train: many series (--symbols) are trained by train_panel");
  }
  check_level("forecast train", options.interval_level);
  // Everything that can fail without training is checked before the run folder is touched.
  const LoadedData data = load_data(options.data_path, config);
  const data::FeatureFrame& frame = data.frame;
  const data::Splits splits = splits_of(frame, config);
  check_splits(splits, config, options.data_path);
  RunResult result;
  result.series = data.series;
  Baselines baselines =
      fit_baselines(resolve_baselines(options.baselines, result.series), frame, splits);
  result.warnings = data_warnings(data, splits);

  const int64_t members = config.training.ensemble;
  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  std::vector<std::string> checkpoints;
  for (int64_t k = 0; k < members; ++k) checkpoints.push_back(member_checkpoint_file(k));
  if (options.resume) carry_checkpoints(options.out_dir, run, checkpoints);
  std::vector<std::string> files = {"model.safetensors", "config.json", "training.csv"};
  files.insert(files.end(), checkpoints.begin(), checkpoints.end());
  if (members > 1) fs::create_directories(run.staging() / "members");
  // Member 0 is the single model of the same seed (checkpoint, training.csv, progress); the
  // others train beside it quietly, each with its own checkpoint and training log.
  EnsembleForecaster model(frame, config, [&](int64_t k) -> FitOptions {
    return {.checkpoint_path = run.file(member_checkpoint_file(k)),
            .resume = options.resume,
            .metrics_csv = run.file(member_log_file(k)),
            .progress = k == 0 ? options.progress : train::ProgressStyle::Quiet,
            .run_identity = run_identity(fingerprint(frame), member_config(config, k))};
  });
  model.fit_rows(splits.train, splits.val);
  for (int64_t k = 0; k < members; ++k) {
    nn::save(*model.members()[static_cast<size_t>(k)].net(), run.file(member_weights_file(k)));
    if (k > 0) {
      files.push_back(member_weights_file(k));
      files.push_back(member_log_file(k));
    }
  }
  save_config(run.file("config.json"), model.front().config());
  result.members = members;

  const int horizon = static_cast<int>(config.horizon);
  result.validation =
      score_split(model, baselines, frame, splits, splits.val, horizon, options.interval_level);
  result.test =
      score_split(model, baselines, frame, splits, splits.test, horizon, options.interval_level);
  finish(run.staging().string(), result, model, frame, options.data_path, std::move(files));
  run.commit();
  return result;
}

SeriesInfo inspect_series(const std::string& data_path, const ForecastConfig& config,
                          const BaselineOptions& baselines) {
  LoadedData data = load_data(data_path, config);
  resolve_baselines(baselines, data.series);
  return data.series;
}

RunResult evaluate_run(const std::string& run_dir, const std::string& data_path,
                       const BaselineOptions& baseline_options, double interval_level) {
  check_level("forecast evaluate", interval_level);
  const ForecastConfig config = single_series_config(run_dir);
  const LoadedData data = load_data(data_path, config);
  const data::Splits splits = splits_of(data.frame, config);
  check_splits(splits, config, data_path);
  RunResult result;
  result.series = data.series;
  Baselines baselines =
      fit_baselines(resolve_baselines(baseline_options, result.series), data.frame, splits);
  EnsembleForecaster model = load_trained(run_dir, data.frame, config);
  result.members = config.training.ensemble;
  const int horizon = static_cast<int>(config.horizon);
  result.validation =
      score_split(model, baselines, data.frame, splits, splits.val, horizon, interval_level);
  result.test =
      score_split(model, baselines, data.frame, splits, splits.test, horizon, interval_level);
  judge(result, report_input(result, config, data_path));
  result.warnings = data.warnings;
  return result;
}

Prediction predict_run(const std::string& run_dir, const std::string& data_path,
                       double interval_level) {
  check_level("forecast predict", interval_level);
  const ForecastConfig config = single_series_config(run_dir);
  const LoadedData data = load_data(data_path, config);
  EnsembleForecaster model = load_trained(run_dir, data.frame, config);
  return forecast_next(model, data, static_cast<int>(config.horizon), interval_level, run_dir);
}

BacktestRun backtest_run(const BacktestOptions& options) {
  check_backtest_options(options);
  const ForecastConfig config = single_series_config(options.run_dir);
  const LoadedData data = load_data(options.data_path, config);
  // Refitting trains fresh networks at the folds; otherwise the run's trained one is scored.
  EnsembleForecaster model = options.config.fit
                                 ? refitted_model(data.frame, config, options.progress)
                                 : load_trained(options.run_dir, data.frame, config);
  BacktestRun out;
  out.warnings = data.warnings;
  out.series = data.series;
  out.results = backtest_series(model, data, options, config, out.series);
  return out;
}

namespace {

// `text` right-aligned in `width` columns; UTF-8 continuation bytes take no column.
std::string right_aligned(const std::string& text, size_t width) {
  const size_t columns = static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  return std::string(width > columns ? width - columns : 0, ' ') + text;
}

// The squared-loss p-value against the model: blank on the model's row, "n/a" without a test.
std::string dm_cell(const std::optional<Significance>& s) {
  if (!s) return "";
  return s->squared ? p_value_number(s->squared->p_value) : "n/a";
}

}  // namespace

std::string format_table(const std::vector<ReportRow>& rows) {
  std::ostringstream out;
  std::string split;
  char line[256];
  for (const ReportRow& r : rows) {
    if (r.split != split) {
      split = r.split;
      out << "\n" << split << " (" << r.metrics.count << " forecasts)\n";
      std::snprintf(line, sizeof(line), "  %-22s %10s %10s %8s %8s %7s %7s %9s %9s\n", "method",
                    "MAE", "RMSE", "MAPE%", "sMAPE%", "MASE", "DirAcc", "Coverage", "DM p");
      out << line;
    }
    const std::string coverage =
        r.metrics.interval ? fmt(100 * r.metrics.interval->coverage, 1) + "%" : std::string("-");
    // A forecast that never moves calls no direction (docs/FORECAST_METRICS.md).
    const double direction = r.metrics.directional_accuracy;
    const std::string dir_acc = std::isnan(direction) ? "—" : fmt(direction, 3);
    std::snprintf(line, sizeof(line), "  %-22s %10s %10s %8s %8s %7s %s %9s %s\n", r.method.c_str(),
                  fmt(r.metrics.mae, 3).c_str(), fmt(r.metrics.rmse, 3).c_str(),
                  fmt(r.metrics.mape, 3).c_str(), fmt(r.metrics.smape, 3).c_str(),
                  fmt(r.metrics.mase, 3).c_str(), right_aligned(dir_acc, 7).c_str(),
                  coverage.c_str(), right_aligned(dm_cell(r.significance), 9).c_str());
    out << line;
  }
  return out.str();
}

json metrics_json(const std::vector<ReportRow>& rows) {
  json j = json::object();
  for (const ReportRow& r : rows) {
    json& entry = j[r.split][r.method] = metrics_to_json(r.metrics);
    if (r.significance) entry["diebold_mariano"] = significance_json(*r.significance);
  }
  return j;
}

json series_json(const SeriesInfo& info) {
  json gaps = json::array();
  for (const data::Gap& g : info.frequency.gaps) {
    gaps.push_back({{"after", g.after}, {"before", g.before}, {"missing", g.missing}});
  }
  return {{"frequency", info.frequency.name},
          {"frequency_source", info.frequency_given ? "given" : "inferred"},
          {"seasonal_period", info.frequency.seasonal_period},
          {"season_used", info.season_used},
          {"rows", info.rows},
          {"first", info.first},
          {"last", info.last},
          {"gaps_checked", info.gaps_checked},
          {"missing_periods", info.frequency.missing_periods()},
          {"gaps", gaps}};
}

std::vector<ReportRow> MethodResults::rows(const std::string& split) const {
  auto tested = [&](const BacktestResult& b) {
    return ReportRow{split, b.model, b.aggregate, diebold_mariano_against(model, b)};
  };
  std::vector<ReportRow> out{{split, model.model, model.aggregate}, tested(naive)};
  for (const BacktestResult& b : baselines) out.push_back(tested(b));
  return out;
}

std::vector<MemberSpread> RunResult::member_spreads() const {
  std::vector<MemberSpread> out;
  for (const auto& [split, results] : {std::pair{"validation", &validation}, {"test", &test}}) {
    if (results->members.empty()) continue;
    std::vector<Metrics> metrics;
    for (const BacktestResult& m : results->members) metrics.push_back(m.aggregate);
    out.push_back(member_spread(split, metrics));
  }
  return out;
}

json ensemble_json(const RunResult& result) {
  json spread = json::object();
  for (const MemberSpread& s : result.member_spreads()) {
    json& split = spread[s.split] = json::object();
    for (const auto& [metric, v] : s.metrics) {
      auto number = [](double x) { return std::isnan(x) ? json(nullptr) : json(x); };
      split[metric] = {
          {"min", number(v.min)}, {"median", number(v.median)}, {"max", number(v.max)}};
    }
  }
  return {{"members", result.members}, {"combination", kEnsembleCombination}, {"spread", spread}};
}

std::string format_member_spread(const RunResult& result) {
  std::ostringstream out;
  char line[256];
  for (const MemberSpread& s : result.member_spreads()) {
    out << "\n" << s.split << ": the " << s.members << " members alone (min / median / max)\n";
    for (const auto& [metric, v] : s.metrics) {
      std::snprintf(line, sizeof(line), "  %-22s %10s %10s %10s\n", metric.c_str(),
                    fmt(v.min, 4).c_str(), fmt(v.median, 4).c_str(), fmt(v.max, 4).c_str());
      out << line;
    }
  }
  return out.str();
}

std::vector<ReportRow> RunResult::rows() const {
  std::vector<ReportRow> out = validation.rows("validation");
  for (ReportRow& r : test.rows("test")) out.push_back(std::move(r));
  return out;
}

}  // namespace recur::forecast
