// Many series in one file (`recur forecast --symbols`): windows never cross series, a global
// network learns structure shared across series, and train / evaluate / predict / backtest work
// on long and wide files, globally and per series.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"
#include "expect_error.h"
#include "recur/apps/forecast/global_model.h"
#include "recur/apps/forecast/panel.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::forecast {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using recur::testing::Contains;
using recur::testing::error_message;
using recur::testing::file_bytes;

using recur::testing::TempDir;

// A frame whose every value names its series and row: series k, row r holds 1000 (k + 1) + r.
data::FeatureFrame labelled_frame(size_t k, size_t rows) {
  data::FeatureFrame f;
  f.source = "series" + std::to_string(k);
  f.inputs.resize(1);
  for (size_t r = 0; r < rows; ++r) {
    const double v = 1000.0 * static_cast<double>(k + 1) + static_cast<double>(r);
    f.times.push_back({data::Date::from_ymd(2020, 1, 1) + static_cast<int>(r), 0});
    f.dates.push_back(f.times.back().date);
    f.inputs[0].push_back(v);
    f.target.push_back(v);
    f.price.push_back(v);
  }
  f.names = {"value"};
  return f;
}

TEST(PanelWindows, NeverCrossFromOneSeriesIntoAnother) {
  // Series of different lengths, so that a stacked index would straddle their boundaries.
  const std::vector<data::FeatureFrame> frames = {labelled_frame(0, 20), labelled_frame(1, 9),
                                                  labelled_frame(2, 15)};
  const std::vector<data::RowRange> splits = {{0, 20}, {0, 9}, {5, 15}};
  const size_t w = 4, h = 2;
  const PanelWindows p = panel_windows(frames, splits, {w, h}, "training");
  // Per series: samples r = max(begin, W) .. end - H.
  ASSERT_EQ(p.set.size(), (20 - 2 - 4 + 1) + (9 - 2 - 4 + 1) + (15 - 2 - 5 + 1));
  ASSERT_EQ(p.series.size(), p.set.size());
  for (size_t i = 0; i < p.set.size(); ++i) {
    const size_t k = p.series[i];
    const size_t r = p.set.target_rows[i];
    EXPECT_TRUE(r >= splits[k].begin && r + h <= splits[k].end) << "sample " << i;
    for (size_t j = 0; j < w; ++j) {
      EXPECT_EQ(p.set.x.data()[i * w + j], static_cast<float>(frames[k].inputs[0][r - w + j]))
          << "sample " << i << " input " << j;
    }
    for (size_t j = 0; j < h; ++j) {
      EXPECT_EQ(p.set.y.data()[i * h + j], static_cast<float>(frames[k].target[r + j]));
    }
  }
  // A series too short for any window adds none; none at all is an error naming the split.
  const std::vector<data::RowRange> short_splits = {{0, 3}, {0, 9}, {0, 2}};
  EXPECT_EQ(panel_windows(frames, short_splits, {w, h}, "training").set.size(), 4u);
  const std::vector<data::RowRange> none = {{0, 3}, {0, 3}, {0, 3}};
  try {
    panel_windows(frames, none, {w, h}, "validation");
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("validation"), std::string::npos) << e.what();
  }
}

// Long-format CSV of `series` series with a shared, learnable structure: a cycle of period 6 on
// top of a slow random walk, at very different levels (so per-series scaling matters).
std::string cyclic_panel_csv(int series, int rows, unsigned seed) {
  std::ostringstream csv;
  csv << "date,symbol,close\n";
  csv.precision(10);
  uint64_t state = seed;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5;
  };
  for (int k = 0; k < series; ++k) {
    const double level = std::pow(10.0, 1 + k % 3);  // 10, 100, 1000
    double walk = 0.0;
    for (int r = 0; r < rows; ++r) {
      walk += 0.05 * uniform();
      const double cycle = std::sin(2 * M_PI * (r + k) / 6.0);
      const double v = level * (3.0 + cycle + walk);
      const data::Date d = data::Date::from_ymd(2015, 1, 1) + r;
      csv << d.str() << ",S" << k << "," << v << "\n";
    }
  }
  return csv.str();
}

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

ForecastConfig panel_config(PanelMode mode = PanelMode::kGlobal) {
  ForecastConfig c;
  c.window = 12;
  c.model.hidden_size = 12;
  c.model.num_layers = 1;
  c.training.epochs = 25;
  c.training.patience = 0;
  c.training.lr = 1e-2;
  c.training.seed = 3;
  c.panel.symbols = {"all"};
  c.panel.mode = mode;
  return c;
}

PanelRun train(const std::string& data, const std::string& out, const ForecastConfig& config,
               bool resume = false) {
  return train_panel({.data_path = data,
                      .out_dir = out,
                      .config = config,
                      .resume = resume,
                      .progress = train::ProgressStyle::Quiet});
}

PanelRun resume(const std::string& data, const std::string& out, const ForecastConfig& config) {
  return train(data, out, config, true);
}

TEST(GlobalForecast, LearnsTheSharedCycleAndBeatsNaiveOnEverySeries) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(4, 240, 11));
  const PanelRun run = train(data, dir / "run", panel_config());
  ASSERT_EQ(run.series.size(), 4u);
  const PanelSummary& test = run.summaries.back();
  EXPECT_EQ(test.split, "test");
  // The cycle is most of each change: naive, which ignores it, must lose on every series, by far
  // and significantly, even after Holm's adjustment.
  EXPECT_EQ(test.beats_naive, 4u) << format_panel_run(run);
  EXPECT_EQ(test.better_holm, 4u) << format_panel_run(run);
  for (const SeriesVerdict& v : test.rows) EXPECT_LT(v.model_mase, 0.5 * v.naive_mase) << v.symbol;
  EXPECT_NE(run.verdict.find("on 4 (100%)"), std::string::npos) << run.verdict;
  for (const char* f : {"model.safetensors", "config.json", "metrics.json", "predictions.csv",
                        "training.csv", "report.md", "mase.png", "loss.png"}) {
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  }
}

TEST(GlobalForecast, EvaluatePredictAndBacktestReadTheRunBack) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(3, 200, 5));
  ForecastConfig config = panel_config();
  config.training.epochs = 3;
  config.horizon = 2;
  const PanelRun trained = train(data, dir / "run", config);

  const json cfg = json::parse(file_bytes(dir / "run/config.json"));
  ASSERT_EQ(cfg["panel"]["series"].size(), 3u);
  EXPECT_EQ(cfg["panel"]["symbols"], "all");
  EXPECT_EQ(cfg["panel"]["series"][1]["symbol"], "S1");
  EXPECT_TRUE(is_panel_run(dir / "run"));

  // Evaluated on the same file: the same numbers as at training time.
  const PanelRun evaluated = evaluate_panel(dir / "run", data, {}, 0.9);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(evaluated.series[k].test.model.aggregate.mae,
              trained.series[k].test.model.aggregate.mae);
    EXPECT_EQ(evaluated.series[k].test.naive.aggregate.mae,
              trained.series[k].test.naive.aggregate.mae);
  }
  const std::vector<SeriesPrediction> next = predict_panel(dir / "run", data, 0.9);
  ASSERT_EQ(next.size(), 3u);
  for (const SeriesPrediction& p : next) {
    ASSERT_EQ(p.prediction.rows.size(), 2u) << p.symbol;
    EXPECT_TRUE(std::isfinite(p.prediction.rows[0].price));
  }
  EXPECT_EQ(next[2].symbol, "S2");

  BacktestOptions bt{.data_path = data, .run_dir = dir / "run"};
  bt.config.step = 10;
  bt.config.fit = false;
  bt.initial_fraction = 0.7;
  const PanelRun backtested = backtest_panel(bt);
  ASSERT_EQ(backtested.summaries.size(), 1u);
  EXPECT_EQ(backtested.summaries[0].series(), 3u);
  EXPECT_NE(backtested.summaries[0].split.find("folds"), std::string::npos);
  bt.config.fit = true;
  bt.config.refit_every = 20;
  EXPECT_THROW(backtest_panel(bt), ValueError);  // refitting a global network: not yet

  // The single-series commands refuse a many-series run rather than misread it.
  EXPECT_THROW(evaluate_run(dir / "run", data, {}, 0.9), ValueError);
  EXPECT_THROW(predict_run(dir / "run", data, 0.9), ValueError);

  const json metrics = json::parse(file_bytes(dir / "run/metrics.json"));
  EXPECT_EQ(metrics["mode"], "global");
  EXPECT_EQ(metrics["aggregate"]["test"]["series"], 3);
  EXPECT_TRUE(metrics["series"]["S0"]["metrics"]["test"].contains("naive"));
  const std::string predictions = file_bytes(dir / "run/predictions.csv");
  EXPECT_EQ(predictions.rfind("symbol,date,step,actual,lstm,lower,upper,naive\n", 0), 0u);
  EXPECT_NE(predictions.find("\nS2,"), std::string::npos);
  const std::string report = file_bytes(dir / "run/report.md");
  EXPECT_NE(report.find("Holm"), std::string::npos);
  EXPECT_NE(report.find("![MASE of each series"), std::string::npos);
}

TEST(PerSeriesForecast, EachSeriesGetsTheNetworkASingleRunWouldTrain) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(2, 160, 9));
  ForecastConfig config = panel_config(PanelMode::kPerSeries);
  config.training.epochs = 2;
  const PanelRun panel = train(data, dir / "per_series", config);
  EXPECT_TRUE(fs::exists(dir / "per_series/series/2.safetensors"));
  EXPECT_TRUE(fs::exists(dir / "per_series/series/training_1.csv"));
  EXPECT_FALSE(fs::exists(dir / "per_series/model.safetensors"));
  // Series S1 alone, as a single-series run: the same network, the same forecasts.
  ForecastConfig single = config;
  single.panel = {};
  single.symbol = "S1";
  const RunResult alone = train_run({.data_path = data,
                                     .out_dir = dir / "alone",
                                     .config = single,
                                     .progress = train::ProgressStyle::Quiet});
  EXPECT_EQ(panel.series[1].test.model.aggregate.mae, alone.test.model.aggregate.mae);
  EXPECT_EQ(panel.series[1].test.model.aggregate.rmse, alone.test.model.aggregate.rmse);
  // And read back from the run folder.
  const PanelRun evaluated = evaluate_panel(dir / "per_series", data, {}, 0.9);
  EXPECT_EQ(evaluated.series[1].test.model.aggregate.mae, alone.test.model.aggregate.mae);

  // A refitting backtest trains each series' network at the folds, as a single series' does.
  BacktestOptions bt{.data_path = data, .run_dir = dir / "per_series"};
  bt.config.step = 20;
  bt.config.refit_every = 40;
  bt.config.fit = true;
  bt.initial_fraction = 0.6;
  bt.progress = train::ProgressStyle::Quiet;
  const PanelRun panel_bt = backtest_panel(bt);
  bt.run_dir = dir / "alone";
  const BacktestRun alone_bt = backtest_run(bt);
  EXPECT_EQ(panel_bt.series[1].test.model.aggregate.mae, alone_bt.results.model.aggregate.mae);
  EXPECT_GT(alone_bt.results.model.folds.size(), 1u);
}

TEST(PanelForecast, EnsemblesGlobalAndPerSeries) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(2, 140, 4));
  ForecastConfig config = panel_config();
  config.training.epochs = 2;
  const PanelRun one = train(data, dir / "one", config);
  config.training.ensemble = 2;
  const PanelRun two = train(data, dir / "two", config);
  // Member 0 of the global ensemble is the single global network, bit for bit.
  EXPECT_EQ(file_bytes(dir / "one/model.safetensors"), file_bytes(dir / "two/model.safetensors"));
  EXPECT_TRUE(fs::exists(dir / "two/members/member_1.safetensors"));
  EXPECT_TRUE(fs::exists(dir / "two/members/training_1.csv"));
  EXPECT_EQ(two.model, "lstm ensemble (2)");
  EXPECT_NE(two.series[0].test.model.aggregate.mae, one.series[0].test.model.aggregate.mae);
  const PanelRun read_back = evaluate_panel(dir / "two", data, {}, 0.9);
  EXPECT_EQ(read_back.series[1].test.model.aggregate.mae, two.series[1].test.model.aggregate.mae);

  config.panel.mode = PanelMode::kPerSeries;
  const PanelRun per_series = train(data, dir / "per_series", config);
  EXPECT_TRUE(fs::exists(dir / "per_series/series/2_member_1.safetensors"));
  EXPECT_TRUE(fs::exists(dir / "per_series/series/training_2_member_1.csv"));
  const PanelRun per_series_back = evaluate_panel(dir / "per_series", data, {}, 0.9);
  EXPECT_EQ(per_series_back.series[0].test.model.aggregate.mae,
            per_series.series[0].test.model.aggregate.mae);
}

TEST(PanelForecast, WideFilesAndChosenSymbols) {
  TempDir dir;
  // Two tickers listed at different times, one column each; a third left out.
  std::ostringstream csv;
  csv << "date,AAA,BBB,CCC\n";
  for (int r = 0; r < 150; ++r) {
    const data::Date d = data::Date::from_ymd(2018, 1, 1) + r;
    const double a = 50 + 5 * std::sin(r / 3.0), b = 300 + 20 * std::cos(r / 4.0);
    csv << d.str() << "," << a << "," << (r < 20 ? std::string("") : std::to_string(b)) << ","
        << 7 + r % 5 << "\n";
  }
  const std::string data = write(dir / "wide.csv", csv.str());
  ForecastConfig config = panel_config();
  config.training.epochs = 1;
  config.layout = data::TableLayout::kWide;
  config.panel.symbols = {"bbb", "AAA"};
  const PanelRun run = train(data, dir / "run", config);
  ASSERT_EQ(run.series.size(), 2u);
  EXPECT_EQ(run.series[0].symbol, "BBB");      // in the order asked for, spelled as in the file
  EXPECT_EQ(run.series[0].series.rows, 130u);  // its first 20 cells are empty
  EXPECT_EQ(run.series[1].series.rows, 150u);

  config.panel.symbols = {"AAA", "ZZZ"};
  try {
    train(data, dir / "bad", config);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'ZZZ'"), std::string::npos) << what;
    EXPECT_NE(what.find("AAA, BBB, CCC"), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(dir / "bad"));
}

TEST(PanelForecast, AFileOfOneSeriesIsAPanelOfOne) {
  TempDir dir;
  const std::string msft = std::string(RECUR_SOURCE_DIR) + "/data/msft_2000_2001_ohlcv.csv";
  ForecastConfig config = panel_config();
  config.date_column = "Date";
  config.features.target_column = "Close";
  config.features.inputs = {"Close"};
  config.training.epochs = 1;
  const PanelRun run = train(msft, dir / "run", config);
  ASSERT_EQ(run.series.size(), 1u);
  EXPECT_EQ(run.series[0].symbol, "series");
  // Read back: the unnamed series is found again under the same name.
  EXPECT_EQ(evaluate_panel(dir / "run", msft, {}, 0.9).series[0].test.model.aggregate.mae,
            run.series[0].test.model.aggregate.mae);
  EXPECT_EQ(predict_panel(dir / "run", msft, 0.9).size(), 1u);
  config.panel.symbols = {"MSFT"};
  try {
    train(msft, dir / "named", config);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("a single series (no symbol column)"), std::string::npos)
        << e.what();
  }
}

TEST(PanelForecast, RefusesWhatItDoesNotSupportBeforeWritingAnything) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(2, 120, 1));
  ForecastConfig config = panel_config();
  config.symbol = "S0";
  EXPECT_THROW(train(data, dir / "run", config), ValueError);  // --symbol and --symbols
  config.symbol.clear();
  EXPECT_THROW(train_run({.data_path = data,
                          .out_dir = dir / "run",
                          .config = config,
                          .progress = train::ProgressStyle::Quiet}),
               ValueError);
  EXPECT_FALSE(fs::exists(dir / "run"));
}

// A global network's training keeps a checkpoint like a single series' does, and --resume
// continues it: with a larger epoch budget it keeps the epochs it had; other settings or other
// data for any one series are refused, naming what changed.
TEST(GlobalForecast, ResumesFromItsCheckpointAndRefusesOtherDataOrSettings) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(3, 160, 7));
  const std::string run = dir / "run";
  ForecastConfig c = panel_config();
  c.training.epochs = 2;
  const PanelRun first = train(data, run, c);
  EXPECT_EQ(first.epochs_run, 2);
  EXPECT_TRUE(fs::exists(run + "/checkpoint.safetensors"));
  const std::string first_log = file_bytes(run + "/training.csv");
  ForecastConfig lr = c;
  lr.training.lr = 0.5;
  EXPECT_TRUE(Contains(error_message<Error>([&] { resume(data, run, lr); }), "training/lr"));
  const std::string other = write(dir / "other.csv", cyclic_panel_csv(3, 160, 8));
  EXPECT_TRUE(Contains(error_message<Error>([&] { resume(other, run, c); }), "data was"));
  ForecastConfig longer = c;
  longer.training.epochs = 3;
  const PanelRun resumed = resume(data, run, longer);
  EXPECT_EQ(resumed.epochs_run, 3);
  // training.csv: the first run's two epochs as they were, then the third.
  const std::string log = file_bytes(run + "/training.csv");
  EXPECT_EQ(log.substr(0, first_log.size()), first_log);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1 + 3);
}

// Each series' network keeps a checkpoint of its own, so a per-series run killed part way
// resumes: series that had finished train nothing more, the one cut short continues, the rest
// start; the result is the uninterrupted run's. Other data for one series is refused.
TEST(PerSeriesForecast, ResumesEachSeriesFromItsOwnCheckpoint) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(3, 160, 7));
  ForecastConfig c = panel_config(PanelMode::kPerSeries);
  c.training.epochs = 3;
  const PanelRun whole = train(data, dir / "whole", c);
  EXPECT_TRUE(fs::exists(dir / "whole/series/checkpoint_3.safetensors"));
  const auto same_as_whole = [&](const PanelRun& r) {
    ASSERT_EQ(r.series.size(), whole.series.size());
    for (size_t k = 0; k < r.series.size(); ++k) {
      EXPECT_EQ(r.series[k].test.model.aggregate.mae, whole.series[k].test.model.aggregate.mae)
          << k;
      EXPECT_EQ(r.series[k].validation.model.aggregate.rmse,
                whole.series[k].validation.model.aggregate.rmse)
          << k;
    }
  };

  // A run folder as a kill during series 2 leaves it: series 1 finished, series 2 after its
  // first epoch (its checkpoint and log from a 1-epoch run), series 3 not started.
  ForecastConfig one_epoch = c;
  one_epoch.training.epochs = 1;
  train(data, dir / "short", one_epoch);
  const std::string partial = dir / "killed.partial";
  fs::create_directories(partial + "/series");
  for (const char* f : {"series/checkpoint_1.safetensors", "series/training_1.csv"}) {
    fs::copy_file(dir / (std::string("whole/") + f), partial + "/" + f);
  }
  for (const char* f : {"series/checkpoint_2.safetensors", "series/training_2.csv"}) {
    fs::copy_file(dir / (std::string("short/") + f), partial + "/" + f);
  }
  same_as_whole(resume(data, dir / "killed", c));
  EXPECT_FALSE(fs::exists(partial));
  // Series 1 trained nothing more (its log, timings included, is the one it had); series 2's
  // log has its first epoch as the killed run wrote it, then epochs 2 and 3.
  EXPECT_EQ(file_bytes(dir / "killed/series/training_1.csv"),
            file_bytes(dir / "whole/series/training_1.csv"));
  const std::string first_log = file_bytes(dir / "short/series/training_2.csv");
  const std::string log = file_bytes(dir / "killed/series/training_2.csv");
  EXPECT_EQ(log.substr(0, first_log.size()), first_log);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1 + 3);

  // A finished run resumed with a larger budget trains each series on from where it stopped.
  train(data, dir / "grown", one_epoch);
  const std::string grown_log = file_bytes(dir / "grown/series/training_3.csv");
  same_as_whole(resume(data, dir / "grown", c));
  EXPECT_EQ(file_bytes(dir / "grown/series/training_3.csv").substr(0, grown_log.size()), grown_log);

  // Another file for the same symbols: each checkpoint belongs to its own series' data.
  const std::string other = write(dir / "other.csv", cyclic_panel_csv(3, 160, 8));
  EXPECT_TRUE(Contains(error_message<Error>([&] { resume(other, dir / "whole", c); }), "data was"));
}

// An ensemble's members each keep a checkpoint, global or per series, so a finished run resumed
// with a larger budget ends as the run that had it from the start.
TEST(PanelForecast, EnsemblesResumeEveryMember) {
  TempDir dir;
  const std::string data = write(dir / "panel.csv", cyclic_panel_csv(2, 160, 5));
  for (PanelMode mode : {PanelMode::kGlobal, PanelMode::kPerSeries}) {
    const std::string name = mode == PanelMode::kGlobal ? "global" : "per_series";
    ForecastConfig c = panel_config(mode);
    c.training.ensemble = 2;
    c.training.epochs = 2;
    const PanelRun whole = train(data, dir / (name + "_whole"), c);
    ForecastConfig one_epoch = c;
    one_epoch.training.epochs = 1;
    train(data, dir / name, one_epoch);
    const std::string member_log =
        mode == PanelMode::kGlobal ? "members/training_1.csv" : "series/training_2_member_1.csv";
    const std::string first_log = file_bytes(dir / (name + "/" + member_log));
    const PanelRun resumed = resume(data, dir / name, c);
    ASSERT_EQ(resumed.series.size(), whole.series.size()) << name;
    for (size_t k = 0; k < whole.series.size(); ++k) {
      EXPECT_EQ(resumed.series[k].test.model.aggregate.mae,
                whole.series[k].test.model.aggregate.mae)
          << name << " series " << k;
    }
    // The member's log: the epoch it had (timings included), then the second.
    const std::string log = file_bytes(dir / (name + "/" + member_log));
    EXPECT_EQ(log.substr(0, first_log.size()), first_log) << name;
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1 + 2) << name;
  }
}

TEST(PanelForecast, ConfigRoundTripsThePanel) {
  ForecastConfig c = panel_config(PanelMode::kPerSeries);
  c.layout = data::TableLayout::kWide;
  c.panel.symbols = {"A", "B"};
  const ForecastConfig back = config_from_json(to_json(c));
  EXPECT_EQ(back.panel.symbols, c.panel.symbols);
  EXPECT_EQ(back.panel.mode, PanelMode::kPerSeries);
  EXPECT_EQ(back.layout, data::TableLayout::kWide);
  // A single-series config has no panel and no layout, as before.
  const json single = to_json(ForecastConfig{});
  EXPECT_FALSE(single.contains("panel"));
  EXPECT_FALSE(single["data"].contains("layout"));
  json bad = to_json(c);
  bad["panel"]["mode"] = "sideways";
  EXPECT_THROW(config_from_json(bad), ValueError);
}

TEST(PanelForecastCli, TrainsAWideFileAndPrintsTheAggregate) {
  TempDir dir;
  const std::string data = std::string(RECUR_SOURCE_DIR) + "/data/synthetic_panel_30x2500_wide.csv";
  const auto r = recur::testing::run_cli(
      "forecast train --data " + data +
      " --layout wide --symbols S01,S11,S21 --window 10 --hidden 4 --layers 1 --epochs 1 "
      "--out " +
      dir / "run");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Across 3 series on the test split"), std::string::npos) << r.output;
  const auto predicted =
      recur::testing::run_cli("forecast predict --json --model " + dir / "run" + " --data " + data);
  ASSERT_EQ(predicted.status, 0) << predicted.output;
  EXPECT_EQ(json::parse(predicted.output)["series"].size(), 3u);
  const auto bad =
      recur::testing::run_cli("forecast train --data " + data + " --per-series --out " + dir / "x");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--per-series needs --symbols"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace recur::forecast
