#include "recur/apps/forecast/pipeline.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/apps/forecast/metrics.h"
#include "recur/apps/forecast/neural_forecaster.h"
#include "recur/apps/forecast/plot.h"
#include "recur/data/splits.h"
#include "recur/data/windows.h"
#include "recur/io/atomic_file.h"
#include "recur/nn/module.h"

namespace recur::forecast {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string in_dir(const std::string& dir, const std::string& file) {
  return (fs::path(dir) / file).string();
}

data::FeatureFrame load_frame(const std::string& path, const ForecastConfig& config) {
  const data::PriceTable table = data::load_price_table(
      path,
      {.date_column = config.date_column, .symbol = config.symbol, .missing = config.missing});
  return data::build_features(table, config.features);
}

data::Splits splits_of(const data::FeatureFrame& frame, const ForecastConfig& config) {
  const TrainingConfig& t = config.training;
  return data::split_by_fraction(
      frame.first_valid, frame.rows(),
      {.train = 1.0 - t.val_fraction - t.test_fraction, .val = t.val_fraction, .gap = t.gap});
}

// The model and every baseline on the same origins of the validation and test splits.
struct Scored {
  std::vector<ReportRow> rows;
  std::vector<BacktestResult> test;  // per method, model first
};

Scored score_all(NeuralForecaster& model, const data::FeatureFrame& frame,
                 const data::Splits& splits, const BaselineOptions& baseline_options, int horizon,
                 double level) {
  const std::vector<double>& prices = frame.price;
  const std::span<const double> train(prices.data() + splits.train.begin, splits.train.size());
  const double scale = mase_scale(train);
  std::vector<Forecaster*> methods{&model};
  std::vector<std::unique_ptr<Forecaster>> baselines = make_baselines(baseline_options);
  for (auto& b : baselines) {
    // Baselines learn from the training prices only, as the network does.
    b->fit(std::span<const double>(prices.data(), splits.train.end));
    methods.push_back(b.get());
  }
  Scored scored;
  for (const auto& [name, split] : {std::pair{"validation", splits.val}, {"test", splits.test}}) {
    if (split.size() < static_cast<size_t>(horizon)) continue;
    for (Forecaster* m : methods) {
      BacktestResult r = evaluate_split(*m, prices, split.begin, split.end, horizon, scale, level);
      scored.rows.push_back({name, m->name(), r.aggregate});
      if (std::string(name) == "test") scored.test.push_back(std::move(r));
    }
  }
  return scored;
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
                       const std::vector<BacktestResult>& test, int horizon) {
  std::ostringstream csv;
  csv.precision(10);
  csv << "date,step,actual," << test[0].model << ",lower,upper,naive\n";
  for (int h = 1; h <= horizon; ++h) {
    const StepPath model = step_path(test[0], h);
    const StepPath naive = step_path(test[1], h);
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

std::vector<std::string> write_plots(const std::string& dir, const data::FeatureFrame& frame,
                                     const std::vector<BacktestResult>& test,
                                     const train::History& history,
                                     const std::string& target_column) {
  std::vector<std::string> files;
  const StepPath model = step_path(test[0], 1);
  const StepPath naive = step_path(test[1], 1);
  ForecastPlot fp;
  fp.title = "One-day-ahead forecast on the test period";
  fp.y_label = target_column;
  fp.dates = dates_of(frame, model.targets);
  fp.actual = model.records.actual;
  fp.forecast = model.records.predicted;
  fp.forecast_label = test[0].model;
  fp.naive = naive.records.predicted;
  fp.lower = model.records.lower;
  fp.upper = model.records.upper;
  fp.level = model.records.level;
  plot_forecast(in_dir(dir, "forecast.png"), fp);
  files.push_back("forecast.png");

  if (!history.epochs.empty()) {
    LossPlot lp;
    for (const train::EpochRecord& r : history.epochs) {
      lp.train.push_back(r.train_loss);
      lp.validation.push_back(r.val_loss);
    }
    plot_loss_curves(in_dir(dir, "loss.png"), lp);
    files.push_back("loss.png");
  }

  ErrorPlot ep;
  ep.dates = fp.dates;
  for (const BacktestResult* r : {&test[0], &test[1]}) {
    const StepPath p = step_path(*r, 1);
    ErrorSeries s{r->model, {}};
    for (size_t i = 0; i < p.records.actual.size(); ++i) {
      s.errors.push_back(p.records.actual[i] - p.records.predicted[i]);
    }
    ep.series.push_back(std::move(s));
  }
  plot_errors(in_dir(dir, "errors.png"), ep);
  files.push_back("errors.png");
  return files;
}

ReportInput report_input(const std::string& model, const std::vector<ReportRow>& rows,
                         const ForecastConfig& c, const std::string& data_path) {
  ReportInput in;
  in.title = "Forecast report: " + fs::path(data_path).filename().string();
  in.model = model;
  in.rows = rows;
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

RunResult finish(const std::string& dir, const Scored& scored, NeuralForecaster& model,
                 const data::FeatureFrame& frame, const std::string& data_path,
                 std::vector<std::string> files) {
  RunResult result;
  result.rows = scored.rows;
  const ForecastConfig& c = model.config();
  io::write_file_atomically(in_dir(dir, "metrics.json"), metrics_json(scored.rows));
  files.push_back("metrics.json");
  ReportInput report = report_input(model.name(), scored.rows, c, data_path);
  if (!scored.test.empty()) {
    write_predictions(in_dir(dir, "predictions.csv"), frame, scored.test,
                      static_cast<int>(c.horizon));
    files.push_back("predictions.csv");
    for (const std::string& f :
         write_plots(dir, frame, scored.test, model.history(), c.features.target_column)) {
      files.push_back(f);
      report.plots.push_back({f == "forecast.png" ? "Forecast vs actual (test period)"
                              : f == "loss.png"   ? "Training and validation loss"
                                                  : "Forecast errors over time",
                              f});
    }
  }
  result.verdict = verdict_sentence(report);
  result.beats_naive = compare_to_baseline(report);
  write_report(in_dir(dir, "report.md"), report);
  files.push_back("report.md");
  result.files = std::move(files);
  result.epochs_run = static_cast<int64_t>(model.history().epochs.size());
  result.best_epoch = model.history().best_epoch;
  result.stop_reason = model.history().stop_reason;
  return result;
}

NeuralForecaster load_trained(const std::string& run_dir, const data::FeatureFrame& frame,
                              const ForecastConfig& config) {
  if (config.scalers.inputs.size() == 0) {
    throw ValueError(in_dir(run_dir, "config.json") +
                     ": no 'scalers' section (a trained "
                     "model's config carries the scaler statistics of its training data)");
  }
  NeuralForecaster model(frame, config);
  model.load_weights(in_dir(run_dir, "model.safetensors"));
  return model;
}

}  // namespace

RunResult train_run(const RunOptions& options) {
  const ForecastConfig& config = options.config;
  config.validate();
  fs::create_directories(options.out_dir);
  const data::FeatureFrame frame = load_frame(options.data_path, config);
  const data::Splits splits = splits_of(frame, config);

  NeuralForecaster model(frame, config,
                         {.checkpoint_path = in_dir(options.out_dir, "checkpoint.safetensors"),
                          .resume = options.resume,
                          .metrics_csv = in_dir(options.out_dir, "training.csv"),
                          .progress = options.progress});
  model.fit_rows(splits.train, splits.val);
  nn::save(*model.net(), in_dir(options.out_dir, "model.safetensors"));
  save_config(in_dir(options.out_dir, "config.json"), model.config());

  const Scored scored = score_all(model, frame, splits, options.baselines,
                                  static_cast<int>(config.horizon), options.interval_level);
  return finish(options.out_dir, scored, model, frame, options.data_path,
                {"model.safetensors", "config.json", "training.csv", "checkpoint.safetensors"});
}

RunResult evaluate_run(const std::string& run_dir, const std::string& data_path,
                       const BaselineOptions& baselines, double interval_level) {
  const ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  const data::FeatureFrame frame = load_frame(data_path, config);
  NeuralForecaster model = load_trained(run_dir, frame, config);
  const Scored scored = score_all(model, frame, splits_of(frame, config), baselines,
                                  static_cast<int>(config.horizon), interval_level);
  RunResult result;
  result.rows = scored.rows;
  ReportInput report = report_input(model.name(), scored.rows, config, data_path);
  result.verdict = verdict_sentence(report);
  result.beats_naive = compare_to_baseline(report);
  return result;
}

Prediction predict_run(const std::string& run_dir, const std::string& data_path,
                       double interval_level) {
  const ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  const data::FeatureFrame frame = load_frame(data_path, config);
  NeuralForecaster model = load_trained(run_dir, frame, config);
  const size_t origin = frame.rows();
  const double anchor = frame.price.back();
  const int horizon = static_cast<int>(config.horizon);
  const NeuralForecaster::PriceForecast f =
      model.forecast_from(origin, anchor, horizon, interval_level);
  Prediction p;
  p.last_date = frame.dates.back().str();
  p.last_price = anchor;
  p.interval_level = f.lower.empty() ? 0.0 : model.interval_level(interval_level);
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

std::vector<BacktestResult> backtest_run(const BacktestOptions& options) {
  const ForecastConfig config = load_config(in_dir(options.run_dir, "config.json"));
  const data::FeatureFrame frame = load_frame(options.data_path, config);
  BacktestConfig bc = options.config;
  bc.horizon = static_cast<int>(config.horizon);
  if (bc.initial_train == 0) {
    bc.initial_train =
        static_cast<size_t>(options.initial_fraction * static_cast<double>(frame.rows()));
  }
  FitOptions fit_options;
  fit_options.progress = options.progress;
  // Refitting trains fresh networks at the folds; otherwise the run's trained one is scored.
  NeuralForecaster model = bc.fit ? NeuralForecaster(frame, config, fit_options)
                                  : load_trained(options.run_dir, frame, config);
  std::vector<BacktestResult> results{backtest(model, frame.price, bc)};
  // The baselines are always fitted at the folds (they cannot leak: fit sees the window only).
  BacktestConfig baseline_config = bc;
  baseline_config.fit = true;
  for (auto& b : make_baselines(options.baselines)) {
    results.push_back(backtest(*b, frame.price, baseline_config));
  }
  return results;
}

std::string format_table(const std::vector<ReportRow>& rows) {
  std::ostringstream out;
  std::string split;
  char line[256];
  for (const ReportRow& r : rows) {
    if (r.split != split) {
      split = r.split;
      out << "\n" << split << " (" << r.metrics.count << " forecasts)\n";
      std::snprintf(line, sizeof(line), "  %-22s %10s %10s %8s %8s %7s %7s %9s\n", "method", "MAE",
                    "RMSE", "MAPE%", "sMAPE%", "MASE", "DirAcc", "Coverage");
      out << line;
    }
    const std::string coverage =
        r.metrics.interval ? fmt(100 * r.metrics.interval->coverage, 1) + "%" : std::string("-");
    std::snprintf(line, sizeof(line), "  %-22s %10s %10s %8s %8s %7s %7s %9s\n", r.method.c_str(),
                  fmt(r.metrics.mae, 3).c_str(), fmt(r.metrics.rmse, 3).c_str(),
                  fmt(r.metrics.mape, 3).c_str(), fmt(r.metrics.smape, 3).c_str(),
                  fmt(r.metrics.mase, 3).c_str(), fmt(r.metrics.directional_accuracy, 3).c_str(),
                  coverage.c_str());
    out << line;
  }
  return out.str();
}

std::string metrics_json(const std::vector<ReportRow>& rows) {
  json j = json::object();
  for (const ReportRow& r : rows) j[r.split][r.method] = metrics_to_json(r.metrics);
  return j.dump(2) + "\n";
}

}  // namespace recur::forecast
