// End-to-end tests of `recur forecast` through its pipeline functions, on the bundled MSFT file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"
#include "recur/apps/forecast/forecast_net.h"
#include "recur/apps/forecast/neural_forecaster.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/data/price_table.h"
#include "recur/io/safetensors.h"
#include "test_support.h"

namespace recur::forecast {
namespace {

namespace fs = std::filesystem;
using recur::testing::file_bytes;

const std::string kMsft = std::string(RECUR_SOURCE_DIR) + "/data/msft_2000_2001_ohlcv.csv";

using recur::testing::TempDir;

ForecastConfig small_config() {
  ForecastConfig c;
  c.date_column = "Date";
  c.features = {.target_column = "Close",
                .target = data::TargetKind::kLogReturn,
                .inputs = {"log_return", "log_volume"}};
  c.window = 10;
  c.model.hidden_size = 8;
  c.model.num_layers = 1;
  c.training.epochs = 3;
  c.training.patience = 0;
  c.training.seed = 7;
  return c;
}

RunResult train(const std::string& data, const std::string& out, ForecastConfig config) {
  return train_run({.data_path = data,
                    .out_dir = out,
                    .config = std::move(config),
                    .progress = train::ProgressStyle::Quiet});
}

// A copy: rows() builds its list afresh.
Metrics metrics_of(const RunResult& r, const std::string& split, const std::string& method) {
  for (const ReportRow& row : r.rows()) {
    if (row.split == split && row.method == method) return row.metrics;
  }
  throw std::runtime_error("no row " + split + "/" + method);
}

TEST(ForecastPipeline, TrainsOnMsftAndWritesTheRunFolder) {
  TempDir dir;
  const RunResult r = train(kMsft, dir / "run", small_config());
  for (const char* f : {"model.safetensors", "config.json", "metrics.json", "predictions.csv",
                        "training.csv", "report.md", "forecast.png", "loss.png", "errors.png"}) {
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  }
  // Model and every baseline scored on the same test origins.
  const Metrics model = metrics_of(r, "test", "lstm");
  const Metrics naive = metrics_of(r, "test", "naive");
  EXPECT_EQ(model.count, naive.count);
  EXPECT_GT(model.count, 20u);
  EXPECT_GT(model.rmse, 0.0);
  EXPECT_NO_THROW(metrics_of(r, "validation", "AR(5)"));
  EXPECT_FALSE(r.verdict.empty());
  const auto metrics = nlohmann::json::parse(file_bytes(dir / "run/metrics.json"));
  EXPECT_DOUBLE_EQ(metrics["test"]["naive"]["mae"].get<double>(), naive.mae);
  // The report states the verdict against the naive forecast.
  EXPECT_NE(file_bytes(dir / "run/report.md").find(r.verdict), std::string::npos);

  // The saved run predicts the next day from the latest rows.
  const Prediction p = predict_run(dir / "run", kMsft, 0.9);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.last_date, "2001-09-27");
  EXPECT_EQ(p.rows[0].date, "2001-09-28");
  EXPECT_GT(p.rows[0].price, 0.5 * p.last_price);
  EXPECT_LT(p.rows[0].price, 1.5 * p.last_price);
}

TEST(ForecastPipeline, SameSeedSameMetrics) {
  TempDir dir;
  const RunResult a = train(kMsft, dir / "a", small_config());
  const RunResult b = train(kMsft, dir / "b", small_config());
  EXPECT_EQ(file_bytes(dir / "a/metrics.json"), file_bytes(dir / "b/metrics.json"));
  EXPECT_EQ(file_bytes(dir / "a/model.safetensors"), file_bytes(dir / "b/model.safetensors"));
}

// Changing prices in the test period must change neither the trained weights nor anything
// measured on the validation split.
TEST(ForecastPipeline, TestPeriodValuesDoNotLeakIntoTrainingOrValidation) {
  TempDir dir;
  std::ifstream in(kMsft);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // Scale the whole last 15% of rows (the test split) by 3.
  std::ofstream out(dir / "changed.csv");
  const size_t rows = lines.size() - 1, test_from = 1 + rows - rows * 15 / 100;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i < test_from) {
      out << lines[i] << "\n";
      continue;
    }
    std::stringstream fields(lines[i]);
    std::string date, value;
    std::getline(fields, date, ',');
    out << date;
    for (int c = 0; c < 4; ++c) {
      std::getline(fields, value, ',');
      out << ',' << std::stod(value) * 3;
    }
    std::getline(fields, value, ',');
    out << ',' << value << "\n";
  }
  out.close();
  const RunResult original = train(kMsft, dir / "original", small_config());
  const RunResult changed = train(dir / "changed.csv", dir / "changed", small_config());
  EXPECT_EQ(file_bytes(dir / "original/model.safetensors"),
            file_bytes(dir / "changed/model.safetensors"));
  for (const char* method : {"lstm", "naive", "drift", "AR(5)"}) {
    EXPECT_EQ(metrics_of(original, "validation", method).rmse,
              metrics_of(changed, "validation", method).rmse)
        << method;
  }
  EXPECT_NE(metrics_of(original, "test", "naive").rmse, metrics_of(changed, "test", "naive").rmse);
}

// A StockForecaster trained in PyTorch (tools/fixtures/make_forecast_fixtures.py), saved as
// safetensors with a config.json written by hand, predicts what PyTorch predicts.
TEST(ForecastPipeline, PredictMatchesPyTorchStockForecaster) {
  const std::string run = recur::testing::fixture_path("forecast/stock_forecaster");
  const TensorMap expected = io::load_safetensors(
      recur::testing::fixture_path("forecast/stock_forecaster/expected.safetensors"));
  const Prediction p = predict_run(run, kMsft, 0.9);
  ASSERT_EQ(p.rows.size(), 1u);
  const double want = expected.at("next_close").item();
  EXPECT_NEAR(p.rows[0].price, want, 1e-5 * std::abs(want));
  EXPECT_EQ(p.interval_level, 0.0);
}

TEST(ForecastPipeline, GaussianHeadGivesIntervalsThatContainTheForecast) {
  TempDir dir;
  ForecastConfig c = small_config();
  c.model.head = HeadKind::kGaussian;
  const RunResult r = train(kMsft, dir / "run", c);
  const Metrics m = metrics_of(r, "test", "lstm");
  ASSERT_TRUE(m.interval.has_value());
  EXPECT_GT(m.interval->mean_width, 0.0);
  const Prediction p = predict_run(dir / "run", kMsft, 0.8);
  ASSERT_TRUE(p.rows[0].lower.has_value());
  EXPECT_LT(*p.rows[0].lower, p.rows[0].price);
  EXPECT_GT(*p.rows[0].upper, p.rows[0].price);
}

TEST(ForecastPipeline, DirectMultiStepHorizon) {
  TempDir dir;
  ForecastConfig c = small_config();
  c.horizon = 3;
  train(kMsft, dir / "run", c);
  const Prediction p = predict_run(dir / "run", kMsft, 0.9);
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[2].date, "2001-10-02");  // Friday 28th, then Monday 1st, Tuesday 2nd
}

TEST(ForecastConfig, RoundTripsAndRejectsInconsistentDocuments) {
  ForecastConfig c = small_config();
  c.model.head = HeadKind::kQuantile;
  const ForecastConfig back = config_from_json(to_json(c));
  EXPECT_EQ(to_json(back), to_json(c));
  auto bad = [&](auto edit) {
    nlohmann::json j = to_json(small_config());
    edit(j);
    return j;
  };
  EXPECT_THROW(config_from_json(bad([](auto& j) { j["model"]["cell"] = "transformer"; })),
               ValueError);
  EXPECT_THROW(config_from_json(bad([](auto& j) { j["window"] = 0; })), ValueError);
  EXPECT_THROW(config_from_json(bad([](auto& j) { j["window"] = "thirty"; })), ValueError);
  EXPECT_THROW(config_from_json(bad([](auto& j) {
                 j["model"]["head"] = "quantile";
                 j["model"]["quantiles"] = {0.1, 0.9};
               })),
               ValueError);
  // Recursive forecasting feeds the prediction back, so the target must be the only input.
  EXPECT_THROW(config_from_json(bad([](auto& j) { j["model"]["strategy"] = "recursive"; })),
               ValueError);
  EXPECT_THROW(load_config("/nonexistent/config.json"), IoError);
}

TEST(ForecastPipeline, MissingScalersOrWeightsAreClearErrors) {
  TempDir dir;
  fs::create_directories(dir / "run");
  ForecastConfig c = small_config();
  save_config(dir / "run/config.json", c);
  try {
    predict_run(dir / "run", kMsft, 0.9);
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("scalers"), std::string::npos) << e.what();
  }
  EXPECT_THROW(predict_run(dir / "nowhere", kMsft, 0.9), IoError);
}

// ---- Defaults (issue 14 item 1): the change of the close, chosen on validation data
// (docs/FORECAST.md, "Defaults"); the tutorial's price level one flag away.

TEST(ForecastCli, DefaultsPredictTheChangeAndThePriceLevelIsOneFlagAway) {
  TempDir dir;
  const std::string train = "forecast train --data " + kMsft +
                            " --window 5 --hidden 4 --layers 1 --epochs 1 --quiet --out ";
  for (const auto& [flags, kind] :
       {std::pair<std::string, std::string>{"", "difference"}, {" --target-kind price", "price"}}) {
    const std::string run = dir / kind;
    const auto r = recur::testing::run_cli(train + run + flags);
    ASSERT_EQ(r.status, 0) << r.output;
    const auto config = nlohmann::json::parse(file_bytes(run + "/config.json"));
    EXPECT_EQ(config["features"]["target"], kind);
    EXPECT_EQ(config["features"]["inputs"], nlohmann::json::array({"close"}));
    // The report says which target was used and where the choice is explained.
    const std::string report = file_bytes(run + "/report.md");
    EXPECT_NE(report.find("`--target-kind " + kind + "`"), std::string::npos) << report;
    EXPECT_NE(report.find("docs/FORECAST.md, \"Defaults\""), std::string::npos) << report;
  }
}

// ---- Reliability (issue 10): a failed run changes nothing, every input is validated.

// Every file of a run folder, by name.
std::map<std::string, std::string> folder_bytes(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    files[e.path().filename().string()] = file_bytes(e.path().string());
  }
  return files;
}

// The MSFT file with `edit` applied to its rows (header kept), written to `path`.
std::string edited_msft(const std::string& path,
                        const std::function<void(std::vector<std::string>&)>& edit) {
  std::istringstream in(file_bytes(kMsft));
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  edit(rows);
  std::ofstream out(path);
  out << header << "\n";
  for (const std::string& r : rows) out << r << "\n";
  return path;
}

template <class Call>
std::string error_of(Call call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- Typed results (issue 14 item 6): the model, naive and each baseline by name, not position.

std::vector<std::string> names_of(const std::vector<BacktestResult>& results) {
  std::vector<std::string> names;
  for (const BacktestResult& r : results) names.push_back(r.model);
  return names;
}

std::vector<size_t> origins_of(const BacktestResult& r) {
  std::vector<size_t> origins;
  for (const Fold& f : r.folds) origins.push_back(f.origin);
  return origins;
}

TEST(ForecastPipeline, ResultsNameTheModelNaiveAndEachBaseline) {
  TempDir dir;
  const RunResult r = train(kMsft, dir / "run", small_config());
  for (const MethodResults* split : {&r.validation, &r.test}) {
    EXPECT_EQ(split->model.model, "lstm");
    EXPECT_EQ(split->naive.model, "naive");
    EXPECT_EQ(names_of(split->baselines),
              (std::vector<std::string>{"drift", "seasonal naive (m=5)", "moving average (w=20)",
                                        "AR(5)"}));
    // Every method forecast from the model's origins.
    for (const BacktestResult& b : split->baselines) {
      EXPECT_EQ(origins_of(b), origins_of(split->model)) << b.model;
    }
    EXPECT_EQ(origins_of(split->naive), origins_of(split->model));
  }
  EXPECT_LT(origins_of(r.validation.model).back(), origins_of(r.test.model).front());
  // rows(): validation then test, each the model, naive, then the others.
  const std::vector<ReportRow> rows = r.rows();
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[0].split, "validation");
  EXPECT_EQ(rows[6].split, "test");
  EXPECT_EQ(rows[6].method, "lstm");
  EXPECT_EQ(rows[7].method, "naive");
  EXPECT_EQ(rows[11].method, "AR(5)");
  EXPECT_EQ(rows[7].metrics.mae, r.test.naive.aggregate.mae);
  // The verdict numbers are the typed results' own.
  ASSERT_TRUE(r.beats_naive.has_value());
  EXPECT_EQ(r.beats_naive->model_mase, r.test.model.aggregate.mase);
  EXPECT_EQ(r.beats_naive->baseline_rmse, r.test.naive.aggregate.rmse);
}

TEST(ForecastPipeline, NaiveHasNoDirectionalAccuracyInTableJsonAndReport) {
  TempDir dir;
  const RunResult r = train(kMsft, dir / "run", small_config());
  EXPECT_TRUE(std::isnan(r.test.naive.aggregate.directional_accuracy));
  EXPECT_FALSE(std::isnan(r.test.model.aggregate.directional_accuracy));
  const auto metrics = nlohmann::json::parse(file_bytes(dir / "run/metrics.json"));
  EXPECT_TRUE(metrics["test"]["naive"]["directional_accuracy"].is_null());
  EXPECT_TRUE(metrics["test"]["lstm"]["directional_accuracy"].is_number());
  // metrics.json: the metrics per split, and what the pipeline found out about the series.
  EXPECT_EQ(metrics["data"], series_json(r.series));
  auto splits = metrics;
  splits.erase("data");
  EXPECT_EQ(splits, metrics_json(r.rows()));
  // The table's DirAcc column holds a dash for naive, right-aligned like the numbers above it.
  const std::string table = format_table(r.rows());
  const size_t header = table.find("DirAcc");
  const size_t naive_line = table.find("  naive ");
  ASSERT_NE(naive_line, std::string::npos) << table;
  const size_t dash = table.find("—", naive_line);
  ASSERT_NE(dash, std::string::npos) << table;
  // The dash's column (one column, all before it ASCII) ends where "DirAcc" ends.
  const size_t header_start = table.rfind('\n', header) + 1;
  EXPECT_EQ(dash - naive_line + 1, header - header_start + 6) << table;
  const std::string report = file_bytes(dir / "run/report.md");
  EXPECT_NE(report.find("| naive | "), std::string::npos);
  EXPECT_NE(report.find(" | — |"), std::string::npos) << report;
  // Each plot under its own caption.
  EXPECT_NE(report.find("### Forecast vs actual (test period)\n\n"
                        "![Forecast vs actual (test period)](forecast.png)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("![Training and validation loss](loss.png)"), std::string::npos);
  EXPECT_NE(report.find("![Forecast errors over time](errors.png)"), std::string::npos);
}

TEST(ForecastPipeline, BacktestResultsNameTheMethods) {
  TempDir dir;
  train(kMsft, dir / "run", small_config());
  BacktestOptions o;
  o.data_path = kMsft;
  o.run_dir = dir / "run";
  o.initial_fraction = 0.85;
  o.config.step = 5;
  o.config.fit = false;
  o.progress = train::ProgressStyle::Quiet;
  const BacktestRun run = backtest_run(o);
  EXPECT_EQ(run.results.model.model, "lstm");
  EXPECT_EQ(run.results.naive.model, "naive");
  EXPECT_EQ(run.results.baselines.size(), 4u);
  EXPECT_EQ(origins_of(run.results.naive), origins_of(run.results.model));
  const std::vector<ReportRow> rows = run.results.rows("backtest");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[1].method, "naive");
}

// Every baseline is tested against the model (Diebold-Mariano) on the same origins: in
// metrics.json, in report.md's tables and in the headline, and in the backtest's rows.
TEST(ForecastPipeline, DieboldMarianoPValuesReachMetricsReportAndBacktest) {
  TempDir dir;
  const RunResult r = train(kMsft, dir / "run", small_config());
  const auto metrics = nlohmann::json::parse(file_bytes(dir / "run/metrics.json"));
  for (const char* split : {"validation", "test"}) {
    for (const char* method : {"naive", "drift", "AR(5)"}) {
      const auto& dm = metrics[split][method]["diebold_mariano"];
      EXPECT_EQ(dm["against"], "lstm") << split << " " << method;
      const double p = dm["squared"]["p_value"].get<double>();
      EXPECT_TRUE(p > 0.0 && p <= 1.0) << p;
      EXPECT_EQ(dm["squared"]["n"], r.test.model.aggregate.count);
    }
    EXPECT_FALSE(metrics[split]["lstm"].contains("diebold_mariano"));
  }
  const Significance naive = diebold_mariano_against(r.test.model, r.test.naive);
  ASSERT_TRUE(naive.squared.has_value());
  EXPECT_EQ(metrics["test"]["naive"]["diebold_mariano"]["squared"]["p_value"].get<double>(),
            naive.squared->p_value);
  // The headline states the test's answer and its p-value.
  EXPECT_NE(r.verdict.find("Diebold-Mariano test, squared errors: " +
                           p_value_text(naive.squared->p_value)),
            std::string::npos)
      << r.verdict;
  const std::string report = file_bytes(dir / "run/report.md");
  EXPECT_NE(report.find(r.verdict), std::string::npos);
  EXPECT_NE(report.find("DM p vs lstm (squared / absolute)"), std::string::npos);

  BacktestOptions o;
  o.data_path = kMsft;
  o.run_dir = dir / "run";
  o.initial_fraction = 0.7;
  o.config.step = 2;
  o.config.fit = false;
  o.progress = train::ProgressStyle::Quiet;
  const std::vector<ReportRow> rows = backtest_run(o).results.rows("backtest");
  ASSERT_TRUE(rows[1].significance.has_value());
  EXPECT_TRUE(rows[1].significance->squared.has_value()) << rows[1].significance->unavailable;
}

// The network's Forecaster face reads the history as rows of its own data and says so when it is
// not: a history from another series must not get this series' forecast.
TEST(NeuralForecaster, ForecastReadsTheHistoryAsRowsOfItsData) {
  TempDir dir;
  train(kMsft, dir / "run", small_config());
  const ForecastConfig config = load_config(dir / "run/config.json");
  const data::PriceTable table = data::load_price_table(kMsft, {.date_column = config.date_column});
  const data::FeatureFrame frame = data::build_features(table, config.features);
  NeuralForecaster model(frame, config);
  model.load_weights(dir / "run/model.safetensors");
  std::vector<double> history(frame.price.begin(), frame.price.begin() + 200);
  EXPECT_EQ(model.forecast(history, 1), model.forecast_from(200, 1, 0.9).mean);
  EXPECT_NE(model.forecast(history, 1), model.forecast_from(201, 1, 0.9).mean);
  history[195] *= 1.01;
  const std::string error = error_of([&] { model.forecast(history, 1); });
  EXPECT_NE(error.find("history value 195"), std::string::npos) << error;
  std::vector<double> too_long = frame.price;
  too_long.push_back(too_long.back());
  EXPECT_THROW(model.forecast(too_long, 1), ValueError);
  EXPECT_THROW(model.forecast_from(frame.rows() + 1, 1, 0.9), ValueError);
}

TEST(ForecastReliability, AFailedTrainingLeavesThePreviousRunAsItWas) {
  TempDir dir;
  const std::string run = dir / "run";
  train(kMsft, run, small_config());
  const auto before = folder_bytes(run);
  const double predicted = predict_run(run, kMsft, 0.9).rows[0].price;

  const std::string constant = edited_msft(dir / "constant.csv", [](auto& rows) {
    for (std::string& r : rows) r = r.substr(0, 11) + "50,50,50,50,1000";
  });
  ForecastConfig gap = small_config();
  gap.training.gap = 100000;
  const std::vector<std::function<void()>> failing = {
      [&] { train(kMsft, run, gap); },  // empties validation and test
      [&] {                             // MA(500) cannot fit a training split of ~170 rows
        train_run({.data_path = kMsft,
                   .out_dir = run,
                   .config = small_config(),
                   .baselines = {.moving_average = 500},
                   .progress = train::ProgressStyle::Quiet});
      },
      [&] {  // an interval level of 100%
        train_run({.data_path = kMsft,
                   .out_dir = run,
                   .config = small_config(),
                   .interval_level = 1.0,
                   .progress = train::ProgressStyle::Quiet});
      },
      [&] { train(constant, run, small_config()); },  // a constant series
  };
  for (const auto& call : failing) {
    EXPECT_THROW(call(), Error);
    EXPECT_EQ(folder_bytes(run), before);
    EXPECT_FALSE(fs::exists(run + ".partial"));
    EXPECT_EQ(predict_run(run, kMsft, 0.9).rows[0].price, predicted);
  }
  // A successful run replaces the folder as a whole.
  ForecastConfig other = small_config();
  other.training.seed = 8;
  train(kMsft, run, other);
  EXPECT_NE(folder_bytes(run).at("model.safetensors"), before.at("model.safetensors"));
  EXPECT_FALSE(fs::exists(run + ".partial"));
}

TEST(ForecastReliability, ResumeRefusesOtherDataOrSettings) {
  TempDir dir;
  const std::string run = dir / "run";
  ForecastConfig c = small_config();
  c.training.epochs = 2;
  train(kMsft, run, c);
  auto resume = [&](const std::string& data, ForecastConfig config) {
    return train_run({.data_path = data,
                      .out_dir = run,
                      .config = std::move(config),
                      .resume = true,
                      .progress = train::ProgressStyle::Quiet});
  };
  ForecastConfig lr = c;
  lr.training.lr = 0.01;
  const std::string lr_error = error_of([&] { resume(kMsft, lr); });
  EXPECT_NE(lr_error.find("training/lr was 0.001"), std::string::npos) << lr_error;
  const std::string shorter =
      edited_msft(dir / "shorter.csv", [](auto& rows) { rows.resize(rows.size() - 10); });
  const std::string data_error = error_of([&] { resume(shorter, c); });
  EXPECT_NE(data_error.find("data was 249 rows"), std::string::npos) << data_error;
  // Same data and settings with a larger epoch budget: resumes, keeps the two epochs it had.
  ForecastConfig longer = c;
  longer.training.epochs = 3;
  const RunResult r = resume(kMsft, longer);
  EXPECT_EQ(r.epochs_run, 3);
}

TEST(ForecastReliability, PredictRefusesNonFiniteWeightsAndForecasts) {
  TempDir dir;
  const std::string run = dir / "run";
  train(kMsft, run, small_config());
  const std::string config_text = file_bytes(run + "/config.json");
  const std::string weights_text = file_bytes(run + "/model.safetensors");

  io::SafetensorsFile weights = io::read_safetensors(run + "/model.safetensors");
  weights.tensors.at("fc.bias").data()[0] = std::numeric_limits<float>::quiet_NaN();
  io::save_safetensors(run + "/model.safetensors", weights.tensors);
  const std::string nan_error = error_of([&] { predict_run(run, kMsft, 0.9); });
  EXPECT_NE(nan_error.find("fc.bias"), std::string::npos) << nan_error;
  EXPECT_THROW(evaluate_run(run, kMsft, {}, 0.9), ValueError);

  std::ofstream(run + "/model.safetensors", std::ios::binary) << weights_text;
  auto config = nlohmann::json::parse(config_text);
  config["scalers"]["target"]["center"][0] = 1e308;  // finite, but the forecast overflows
  std::ofstream(run + "/config.json") << config.dump();
  const std::string inf_error = error_of([&] { predict_run(run, kMsft, 0.9); });
  EXPECT_NE(inf_error.find("not finite"), std::string::npos) << inf_error;

  std::ofstream(run + "/config.json") << config_text;
  for (double level : {1.5, 0.0, std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_THROW(predict_run(run, kMsft, level), ValueError) << level;
  }
}

TEST(ForecastReliability, ConfigFieldsAreCheckedForKindAndRange) {
  const auto base = to_json(small_config());
  auto error_for = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = base;
    edit(j);
    return error_of([&] { config_from_json(j); });
  };
  const std::string negative = error_for([](auto& j) { j["window"] = -5; });
  EXPECT_NE(negative.find("'window'"), std::string::npos) << negative;
  EXPECT_EQ(negative.find("18446744073709551611"), std::string::npos) << negative;
  EXPECT_NE(error_for([](auto& j) { j["window"] = 10.7; }).find("whole number"), std::string::npos);
  const std::string wrong_type = error_for([](auto& j) { j["training"]["lr"] = "fast"; });
  EXPECT_NE(wrong_type.find("'lr'"), std::string::npos) << wrong_type;
  EXPECT_EQ(wrong_type.find("json.exception"), std::string::npos) << wrong_type;
  const std::string inputs = error_for([](auto& j) { j["features"]["inputs"] = 3; });
  EXPECT_NE(inputs.find("'inputs'"), std::string::npos) << inputs;
  EXPECT_EQ(inputs.find("json.exception"), std::string::npos) << inputs;
  EXPECT_NE(error_for([](auto& j) { j["training"]["gap"] = -1; }).find("'gap'"), std::string::npos);
  EXPECT_NE(error_for([](auto& j) { j["model"] = "big"; }).find("'model'"), std::string::npos);
}

TEST(ForecastReliability, DataWarningsReachTheResultAndTheReport) {
  TempDir dir;
  // A 1e6x spike in the training rows, and two rows swapped (the loader sorts them and says so).
  const std::string spiky = edited_msft(dir / "spiky.csv", [](auto& rows) {
    std::string& r = rows[60];
    const size_t close = r.find(',', r.find(',', r.find(',', r.find(',') + 1) + 1) + 1) + 1;
    r.replace(close, r.find(',', close) - close, "60000000");
    std::swap(rows[100], rows[101]);
  });
  const RunResult r = train(spiky, dir / "run", small_config());
  ASSERT_GE(r.warnings.size(), 2u);
  std::string all;
  for (const std::string& w : r.warnings) all += w + "\n";
  EXPECT_NE(all.find("robust standard deviations"), std::string::npos) << all;
  EXPECT_NE(all.find("date order"), std::string::npos) << all;
  const std::string report = file_bytes(dir / "run/report.md");
  EXPECT_NE(report.find("## Data warnings"), std::string::npos);
  EXPECT_NE(report.find("robust standard deviations"), std::string::npos);
}

TEST(ForecastReliability, BacktestRefusesAnInitialShareOutsideZeroOne) {
  TempDir dir;
  train(kMsft, dir / "run", small_config());
  for (double initial : {-1.0, 0.0, 1.0, 1e19, std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN()}) {
    BacktestOptions o;
    o.data_path = kMsft;
    o.run_dir = dir / "run";
    o.initial_fraction = initial;
    o.progress = train::ProgressStyle::Quiet;
    EXPECT_THROW(backtest_run(o), ValueError) << initial;
  }
}

}  // namespace
}  // namespace recur::forecast
