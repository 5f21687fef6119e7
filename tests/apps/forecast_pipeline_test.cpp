// End-to-end tests of `recur forecast` through its pipeline functions, on the bundled MSFT file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/apps/forecast/forecast_net.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/io/safetensors.h"
#include "test_support.h"

namespace recur::forecast {
namespace {

namespace fs = std::filesystem;
using recur::testing::file_bytes;

const std::string kMsft = std::string(RECUR_SOURCE_DIR) + "/data/msft_2000_2001_ohlcv.csv";

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("recur_forecast_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

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

const Metrics& metrics_of(const RunResult& r, const std::string& split, const std::string& method) {
  for (const ReportRow& row : r.rows) {
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
  const Metrics& model = metrics_of(r, "test", "lstm");
  const Metrics& naive = metrics_of(r, "test", "naive");
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
  const Metrics& m = metrics_of(r, "test", "lstm");
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

}  // namespace
}  // namespace recur::forecast
