#include "recur/apps/forecast/pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/apps/forecast/metrics.h"
#include "recur/apps/forecast/neural_forecaster.h"
#include "recur/apps/forecast/plot.h"
#include "recur/data/outliers.h"
#include "recur/data/splits.h"
#include "recur/data/windows.h"
#include "recur/io/atomic_file.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/train/run_identity.h"

namespace recur::forecast {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string in_dir(const std::string& dir, const std::string& file) {
  return (fs::path(dir) / file).string();
}

// The data a command works on, and what the loader had to say about it.
struct LoadedData {
  data::FeatureFrame frame;
  std::vector<std::string> warnings;
};

LoadedData load_data(const std::string& path, const ForecastConfig& config) {
  data::PriceTable table = data::load_price_table(
      path,
      {.date_column = config.date_column, .symbol = config.symbol, .missing = config.missing});
  return {data::build_features(table, config.features), std::move(table.warnings)};
}

data::Splits splits_of(const data::FeatureFrame& frame, const ForecastConfig& config) {
  const TrainingConfig& t = config.training;
  return data::split_by_fraction(
      frame.first_valid, frame.rows(),
      {.train = 1.0 - t.val_fraction - t.test_fraction, .val = t.val_fraction, .gap = t.gap});
}

// The baselines of a run, naive apart: every verdict is about it.
struct Baselines {
  NaiveForecaster naive;
  std::vector<std::unique_ptr<Forecaster>> others;
};

// The baselines learn from the training prices only, as the network does. Fitted before the
// network trains: a baseline that cannot fit (a training split shorter than its window, a constant
// series) then fails the run before any time is spent or any file is written.
Baselines fit_baselines(const BaselineOptions& options, const data::FeatureFrame& frame,
                        const data::Splits& splits) {
  Baselines baselines{NaiveForecaster(), make_other_baselines(options)};
  const std::span<const double> train(frame.price.data(), splits.train.end);
  baselines.naive.fit(train);
  for (auto& b : baselines.others) b->fit(train);
  return baselines;
}

// The model and every baseline on the same origins of one split.
MethodResults score_split(NeuralForecaster& model, Baselines& baselines,
                          const data::FeatureFrame& frame, const data::Splits& splits,
                          data::RowRange split, int horizon, double level) {
  const std::vector<double>& prices = frame.price;
  const std::span<const double> train(prices.data() + splits.train.begin, splits.train.size());
  const double scale = mase_scale(train);
  auto score = [&](Forecaster& f) {
    return evaluate_split(f, prices, split.begin, split.end, horizon, scale, level);
  };
  MethodResults results{score(model), score(baselines.naive), {}};
  for (const auto& b : baselines.others) results.baselines.push_back(score(*b));
  return results;
}

// Validation and test must each hold a forecast, or the run would have nothing to report.
void check_splits(const data::Splits& splits, const ForecastConfig& config,
                  const std::string& data_path) {
  for (const auto& [name, split] : {std::pair{"validation", splits.val}, {"test", splits.test}}) {
    if (split.size() < config.horizon) {
      throw ValueError(data_path + ": the " + name + " split has " + std::to_string(split.size()) +
                       " rows, fewer than the horizon (" + std::to_string(config.horizon) +
                       "): use more data, a smaller --gap (" + std::to_string(config.training.gap) +
                       ") or larger --val-fraction/--test-fraction");
    }
  }
}

// Loader notes and the training rows' extreme moves (data/outliers.h states the rule).
std::vector<std::string> data_warnings(const LoadedData& data, const data::Splits& splits) {
  std::vector<std::string> warnings = data.warnings;
  const data::FeatureFrame& frame = data.frame;
  for (const data::ExtremeMove& m : data::find_extreme_moves(frame.price, splits.train)) {
    char line[256];
    std::snprintf(line, sizeof(line),
                  "%s: %s: the price moves from %.6g to %.6g in one row, %.0f robust standard "
                  "deviations from the typical move (the limit is %.0f): check the data",
                  frame.source.c_str(), frame.dates[m.row].str().c_str(), m.from, m.to, m.robust_z,
                  data::kExtremeMoveLimit);
    warnings.push_back(line);
  }
  return warnings;
}

// Another file, a changed value or an added row all give another fingerprint.
std::string fingerprint(const data::FeatureFrame& frame) {
  train::Fingerprint f;
  for (const data::Date& d : frame.dates) {
    const int32_t days = d.days_since_1970();
    f.add(&days, sizeof(days));
  }
  f.add(frame.price.data(), frame.price.size() * sizeof(double));
  for (const auto& column : frame.inputs) f.add(column.data(), column.size() * sizeof(double));
  const std::string span =
      frame.rows() ? frame.dates.front().str() + ".." + frame.dates.back().str() : "";
  return std::to_string(frame.rows()) + " rows " + span + ", hash " + f.hex();
}

// What a checkpoint must match to be resumed: the data, and every setting but the epoch budget
// (raising it to train longer is what resuming is for).
std::map<std::string, std::string> run_identity(const data::FeatureFrame& frame,
                                                const ForecastConfig& config) {
  json settings = to_json(config);
  settings.erase("recur_version");
  settings.erase("scalers");  // fitted from the data, which the fingerprint covers
  settings["training"].erase("epochs");
  return train::make_run_identity(fingerprint(frame), settings);
}

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

std::string fmt(double v, int precision = 4) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, v);
  return buf;
}

std::vector<data::Date> dates_of(const data::FeatureFrame& frame, const std::vector<size_t>& rows) {
  std::vector<data::Date> out;
  for (size_t r : rows) out.push_back(frame.dates[r]);
  return out;
}

// predictions.csv: one line per test origin and step, the model next to the naive forecast.
void write_predictions(const std::string& path, const data::FeatureFrame& frame,
                       const MethodResults& test, int horizon) {
  std::ostringstream csv;
  csv.precision(10);
  csv << "date,step,actual," << test.model.model << ",lower,upper," << test.naive.model << "\n";
  for (int h = 1; h <= horizon; ++h) {
    const StepPath model = step_path(test.model, h);
    const StepPath naive = step_path(test.naive, h);
    for (size_t i = 0; i < model.targets.size(); ++i) {
      csv << frame.dates[model.targets[i]].str() << ',' << h << ',' << model.records.actual[i]
          << ',' << model.records.predicted[i] << ',';
      if (!model.records.lower.empty()) {
        csv << model.records.lower[i] << ',' << model.records.upper[i];
      } else {
        csv << ',';
      }
      csv << ',' << naive.records.predicted[i] << '\n';
    }
  }
  io::write_file_atomically(path, csv.str());
}

// The plots of the test split, each with the caption the report gives it.
std::vector<PlotLink> write_plots(const std::string& dir, const data::FeatureFrame& frame,
                                  const MethodResults& test, const train::History& history,
                                  const std::string& target_column) {
  std::vector<PlotLink> plots;
  const StepPath model = step_path(test.model, 1);
  const StepPath naive = step_path(test.naive, 1);
  ForecastPlot fp;
  fp.title = "One-day-ahead forecast on the test period";
  fp.y_label = target_column;
  fp.dates = dates_of(frame, model.targets);
  fp.actual = model.records.actual;
  fp.forecast = model.records.predicted;
  fp.forecast_label = test.model.model;
  fp.naive = naive.records.predicted;
  fp.lower = model.records.lower;
  fp.upper = model.records.upper;
  fp.level = model.records.level;
  plot_forecast(in_dir(dir, "forecast.png"), fp);
  plots.push_back({"Forecast vs actual (test period)", "forecast.png"});

  if (!history.epochs.empty()) {
    LossPlot lp;
    for (const train::EpochRecord& r : history.epochs) {
      lp.train.push_back(r.train_loss);
      lp.validation.push_back(r.val_loss);
    }
    plot_loss_curves(in_dir(dir, "loss.png"), lp);
    plots.push_back({"Training and validation loss", "loss.png"});
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

// What the network predicts, and why that is (or is not) the default: a reader of one report
// should not need the docs to know that the tutorial's price-level target lost badly.
std::string target_note(const ForecastConfig& c) {
  const std::string column = c.features.target_column;
  const std::string defaults =
      " (docs/FORECAST.md, \"Defaults\": measured on the validation splits of recur's shipped "
      "price series)";
  switch (c.features.target) {
    case data::TargetKind::kPrice:
      return "The network predicts the level of " + column +
             " (`--target-kind price`, the tutorial's setup). On recur's shipped price series "
             "this did far worse than the naive forecast, 1.9 to 2.7 times its validation MASE, "
             "where predicting the change did as well as naive or slightly better; the "
             "default is `--target-kind difference`" +
             defaults + ".";
    case data::TargetKind::kDifference:
      return "The network predicts the next change of " + column +
             " (`--target-kind difference`, recur's default), added to the last price: of the "
             "targets and inputs tried it did best on validation, and the tutorial's price-level "
             "target (`--target-kind price`) did far worse than naive" +
             defaults + ".";
    case data::TargetKind::kLogReturn:
      return "The network predicts the next log return of " + column +
             " (`--target-kind log_return`), turned back into a price from the last one; on "
             "validation it did about as well as the default `--target-kind difference`" +
             defaults + ".";
  }
  return "";
}

ReportInput report_input(const RunResult& result, const ForecastConfig& c,
                         const std::string& data_path) {
  ReportInput in;
  in.notes.push_back(target_note(c));
  in.title = "Forecast report: " + fs::path(data_path).filename().string();
  in.model = result.test.model.model;
  in.baseline = result.test.naive.model;
  in.rows = result.rows();
  in.config = {
      {"data", data_path},
      {"target", c.features.target_column + " (" + data::target_kind_name(c.features.target) + ")"},
      {"window", std::to_string(c.window)},
      {"horizon", std::to_string(c.horizon)},
      {"model", c.model.cell + " " + std::to_string(c.model.num_layers) + "x" +
                    std::to_string(c.model.hidden_size) +
                    (c.model.bidirectional ? " bidirectional" : "") + ", head " +
                    head_name(c.model.head)},
      {"training",
       "Adam lr " + fmt(c.training.lr, 5) + ", batch " + std::to_string(c.training.batch_size) +
           ", up to " + std::to_string(c.training.epochs) + " epochs, patience " +
           std::to_string(c.training.patience) + ", seed " + std::to_string(c.training.seed)}};
  return in;
}

// The verdict against naive, as a sentence and as numbers.
void judge(RunResult& result, const ReportInput& report) {
  result.verdict = verdict_sentence(report);
  result.beats_naive = compare_to_baseline(report);
}

void finish(const std::string& dir, RunResult& result, const NeuralForecaster& model,
            const data::FeatureFrame& frame, const std::string& data_path,
            std::vector<std::string> files) {
  const ForecastConfig& c = model.config();
  io::write_file_atomically(in_dir(dir, "metrics.json"),
                            metrics_json(result.rows()).dump(2) + "\n");
  files.push_back("metrics.json");
  ReportInput report = report_input(result, c, data_path);
  report.warnings = result.warnings;
  write_predictions(in_dir(dir, "predictions.csv"), frame, result.test,
                    static_cast<int>(c.horizon));
  files.push_back("predictions.csv");
  report.plots = write_plots(dir, frame, result.test, model.history(), c.features.target_column);
  for (const PlotLink& plot : report.plots) files.push_back(plot.path);
  judge(result, report);
  write_report(in_dir(dir, "report.md"), report);
  files.push_back("report.md");
  result.files = std::move(files);
  result.epochs_run = static_cast<int64_t>(model.history().epochs.size());
  result.best_epoch = model.history().best_epoch;
  result.stop_reason = model.history().stop_reason;
}

NeuralForecaster load_trained(const std::string& run_dir, const data::FeatureFrame& frame,
                              const ForecastConfig& config) {
  if (config.scalers.inputs.size() == 0) {
    throw ValueError(in_dir(run_dir, "config.json") +
                     ": no 'scalers' section (a trained "
                     "model's config carries the scaler statistics of its training data)");
  }
  NeuralForecaster model(frame, config);
  const std::string weights = in_dir(run_dir, "model.safetensors");
  model.load_weights(weights);
  nn::check_finite_parameters(*model.net(), weights);
  return model;
}

// A forecast that came out NaN or Inf (weights and scalers that are finite but extreme) is an
// error, never a printed "nan".
void check_forecast(const std::string& run_dir, const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) {
      throw ValueError(run_dir + ": the model's forecast is not finite (" + std::to_string(v) +
                       "): the weights or the scalers in config.json are out of range");
    }
  }
}

// Puts the checkpoint of a finished run where a resumed one looks for it, when the interrupted
// run's own staging folder is gone.
void carry_checkpoint(const std::string& out_dir, const io::StagedRunFolder& run) {
  const fs::path staged = run.file("checkpoint.safetensors");
  const fs::path finished = in_dir(out_dir, "checkpoint.safetensors");
  std::error_code ec;
  if (!fs::exists(staged, ec) && fs::exists(finished, ec)) fs::copy_file(finished, staged, ec);
}

}  // namespace

RunResult train_run(const RunOptions& options) {
  const ForecastConfig& config = options.config;
  config.validate();
  check_level("forecast train", options.interval_level);
  // Everything that can fail without training is checked before the run folder is touched.
  const LoadedData data = load_data(options.data_path, config);
  const data::FeatureFrame& frame = data.frame;
  const data::Splits splits = splits_of(frame, config);
  check_splits(splits, config, options.data_path);
  Baselines baselines = fit_baselines(options.baselines, frame, splits);
  RunResult result;
  result.warnings = data_warnings(data, splits);

  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  if (options.resume) carry_checkpoint(options.out_dir, run);
  NeuralForecaster model(frame, config,
                         {.checkpoint_path = run.file("checkpoint.safetensors"),
                          .resume = options.resume,
                          .metrics_csv = run.file("training.csv"),
                          .progress = options.progress,
                          .run_identity = run_identity(frame, config)});
  model.fit_rows(splits.train, splits.val);
  nn::save(*model.net(), run.file("model.safetensors"));
  save_config(run.file("config.json"), model.config());

  const int horizon = static_cast<int>(config.horizon);
  result.validation =
      score_split(model, baselines, frame, splits, splits.val, horizon, options.interval_level);
  result.test =
      score_split(model, baselines, frame, splits, splits.test, horizon, options.interval_level);
  finish(run.staging().string(), result, model, frame, options.data_path,
         {"model.safetensors", "config.json", "training.csv", "checkpoint.safetensors"});
  run.commit();
  return result;
}

RunResult evaluate_run(const std::string& run_dir, const std::string& data_path,
                       const BaselineOptions& baseline_options, double interval_level) {
  check_level("forecast evaluate", interval_level);
  const ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  const LoadedData data = load_data(data_path, config);
  const data::Splits splits = splits_of(data.frame, config);
  check_splits(splits, config, data_path);
  Baselines baselines = fit_baselines(baseline_options, data.frame, splits);
  NeuralForecaster model = load_trained(run_dir, data.frame, config);
  const int horizon = static_cast<int>(config.horizon);
  RunResult result;
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
  const ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  const LoadedData data = load_data(data_path, config);
  const data::FeatureFrame& frame = data.frame;
  NeuralForecaster model = load_trained(run_dir, frame, config);
  const int horizon = static_cast<int>(config.horizon);
  const NeuralForecaster::PriceForecast f =
      model.forecast_from(frame.rows(), horizon, interval_level);
  for (const auto* values : {&f.mean, &f.lower, &f.upper}) check_forecast(run_dir, *values);
  Prediction p;
  p.last_date = frame.dates.back().str();
  p.last_price = frame.price.back();
  p.interval_level = f.lower.empty() ? 0.0 : model.interval_level(interval_level);
  p.warnings = data.warnings;
  data::Date day = frame.dates.back();
  for (int h = 1; h <= horizon; ++h) {
    do day = day + 1;
    while (day.weekday() >= 5);  // trading days: the next weekday (holidays are not known)
    PredictionRow row{h, day.str(), f.mean[static_cast<size_t>(h - 1)], {}, {}};
    if (!f.lower.empty()) {
      row.lower = f.lower[static_cast<size_t>(h - 1)];
      row.upper = f.upper[static_cast<size_t>(h - 1)];
    }
    p.rows.push_back(row);
  }
  return p;
}

BacktestRun backtest_run(const BacktestOptions& options) {
  const double fraction = options.initial_fraction;
  if (options.config.initial_train == 0 && !(fraction > 0.0 && fraction < 1.0)) {
    throw ValueError("forecast backtest: the initial fraction must be in (0, 1), got " +
                     std::to_string(fraction));
  }
  if (options.config.interval_level != 0.0) {
    check_level("forecast backtest", options.config.interval_level);
  }
  const ForecastConfig config = load_config(in_dir(options.run_dir, "config.json"));
  const LoadedData data = load_data(options.data_path, config);
  const data::FeatureFrame& frame = data.frame;
  BacktestConfig bc = options.config;
  bc.horizon = static_cast<int>(config.horizon);
  if (bc.initial_train == 0) {
    bc.initial_train = static_cast<size_t>(fraction * static_cast<double>(frame.rows()));
  }
  FitOptions fit_options;
  fit_options.progress = options.progress;
  // Refitting trains fresh networks at the folds; otherwise the run's trained one is scored.
  NeuralForecaster model = bc.fit ? NeuralForecaster(frame, config, fit_options)
                                  : load_trained(options.run_dir, frame, config);
  BacktestRun out;
  out.warnings = data.warnings;
  out.results.model = backtest(model, frame.price, bc);
  // The baselines are always fitted at the folds (they cannot leak: fit sees the window only).
  BacktestConfig baseline_config = bc;
  baseline_config.fit = true;
  NaiveForecaster naive;
  out.results.naive = backtest(naive, frame.price, baseline_config);
  for (auto& b : make_other_baselines(options.baselines)) {
    out.results.baselines.push_back(backtest(*b, frame.price, baseline_config));
  }
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

std::vector<ReportRow> MethodResults::rows(const std::string& split) const {
  auto tested = [&](const BacktestResult& b) {
    return ReportRow{split, b.model, b.aggregate, diebold_mariano_against(model, b)};
  };
  std::vector<ReportRow> out{{split, model.model, model.aggregate}, tested(naive)};
  for (const BacktestResult& b : baselines) out.push_back(tested(b));
  return out;
}

std::vector<ReportRow> RunResult::rows() const {
  std::vector<ReportRow> out = validation.rows("validation");
  for (ReportRow& r : test.rows("test")) out.push_back(std::move(r));
  return out;
}

}  // namespace recur::forecast
