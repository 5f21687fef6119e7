// `recur forecast train --ensemble K`: K networks from consecutive seeds, averaged; the run folder
// keeps every member, and predict / evaluate / backtest load them all.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "expect_error.h"
#include "recur/apps/forecast/ensemble.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/data/features.h"
#include "recur/data/price_table.h"
#include "recur/kernels/parallel.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::forecast {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using recur::testing::error_message;
using recur::testing::file_bytes;

const std::string kMsft = std::string(RECUR_SOURCE_DIR) + "/data/msft_2000_2001_ohlcv.csv";

using recur::testing::TempDir;

ForecastConfig small_config(int64_t members, uint64_t seed = 7) {
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
  c.training.seed = seed;
  c.training.ensemble = members;
  return c;
}

RunResult train(const std::string& out, ForecastConfig config) {
  return train_run({.data_path = kMsft,
                    .out_dir = out,
                    .config = std::move(config),
                    .progress = train::ProgressStyle::Quiet});
}

// Restores the thread count a test changed.
struct ThreadsGuard {
  int saved = kernels::num_threads();
  ~ThreadsGuard() { kernels::set_num_threads(saved); }
};

TEST(ForecastEnsemble, SameSeedSameEnsemble) {
  TempDir dir;
  train(dir / "a", small_config(3));
  train(dir / "b", small_config(3));
  EXPECT_EQ(file_bytes(dir / "a/metrics.json"), file_bytes(dir / "b/metrics.json"));
  EXPECT_EQ(file_bytes(dir / "a/report.md"), file_bytes(dir / "b/report.md"));
  for (int64_t k = 0; k < 3; ++k) {
    EXPECT_EQ(file_bytes(dir / ("a/" + member_weights_file(k))),
              file_bytes(dir / ("b/" + member_weights_file(k))))
        << "member " << k;
  }
}

// Member k is exactly the single model of seed + k (so K = 1 is the single model, and the
// members' seeds differ).
TEST(ForecastEnsemble, MembersAreTheSingleModelsOfConsecutiveSeeds) {
  TempDir dir;
  const RunResult single = train(dir / "single", small_config(1));
  train(dir / "seed8", small_config(1, 8));
  const RunResult ensemble = train(dir / "ensemble", small_config(3));
  EXPECT_EQ(single.members, 1);
  EXPECT_EQ(single.test.model.model, "lstm");
  EXPECT_TRUE(single.test.members.empty());
  EXPECT_EQ(ensemble.test.model.model, "lstm ensemble (3)");
  EXPECT_EQ(file_bytes(dir / "single/model.safetensors"),
            file_bytes(dir / "ensemble/model.safetensors"));
  EXPECT_EQ(file_bytes(dir / "seed8/model.safetensors"),
            file_bytes(dir / "ensemble/members/member_1.safetensors"));
  EXPECT_NE(file_bytes(dir / "ensemble/model.safetensors"),
            file_bytes(dir / "ensemble/members/member_1.safetensors"));
  EXPECT_NE(file_bytes(dir / "ensemble/members/member_1.safetensors"),
            file_bytes(dir / "ensemble/members/member_2.safetensors"));
  // A one-member config is the single model's config: nothing records an ensemble.
  EXPECT_EQ(load_config(dir / "single/config.json").training.ensemble, 1);
  EXPECT_EQ(file_bytes(dir / "single/config.json").find("ensemble"), std::string::npos);
  EXPECT_EQ(load_config(dir / "ensemble/config.json").training.ensemble, 3);
  // Member 0 of the ensemble scored alone is the single model's row.
  ASSERT_EQ(ensemble.test.members.size(), 3u);
  EXPECT_EQ(ensemble.test.members[0].aggregate.mae, single.test.model.aggregate.mae);
}

TEST(ForecastEnsemble, ThreadCountDoesNotChangeTheResult) {
  TempDir dir;
  ThreadsGuard guard;
  // One thread: the members one after another. Six: three workers of two threads each.
  kernels::set_num_threads(1);
  train(dir / "one", small_config(3));
  kernels::set_num_threads(6);
  train(dir / "six", small_config(3));
  EXPECT_EQ(file_bytes(dir / "one/metrics.json"), file_bytes(dir / "six/metrics.json"));
  EXPECT_EQ(file_bytes(dir / "one/members/member_2.safetensors"),
            file_bytes(dir / "six/members/member_2.safetensors"));
}

// The point forecast is the members' mean; the interval is the members' bounds averaged.
TEST(ForecastEnsemble, ForecastIsTheMembersMeanAndBoundsAreAveraged) {
  TempDir dir;
  ForecastConfig config = small_config(3);
  config.model.head = HeadKind::kGaussian;
  train(dir / "run", config);
  const ForecastConfig saved = load_config(dir / "run/config.json");
  const data::FeatureFrame frame =
      data::build_features(data::load_price_table(kMsft, {.date_column = "Date"}), saved.features);
  EnsembleForecaster ensemble(frame, saved);
  ensemble.load_weights(dir / "run");
  const auto combined = ensemble.forecast_from(frame.rows(), 1, 0.9);
  double mean = 0, lower = 0, upper = 0;
  for (NeuralForecaster& m : ensemble.members()) {
    const auto f = m.forecast_from(frame.rows(), 1, 0.9);
    mean += f.mean[0] / 3, lower += f.lower[0] / 3, upper += f.upper[0] / 3;
  }
  EXPECT_NEAR(combined.mean[0], mean, 1e-9 * std::abs(mean));
  EXPECT_NEAR(combined.lower[0], lower, 1e-9 * std::abs(lower));
  EXPECT_NEAR(combined.upper[0], upper, 1e-9 * std::abs(upper));
  EXPECT_LT(combined.lower[0], combined.mean[0]);
  EXPECT_GT(combined.upper[0], combined.mean[0]);

  const Prediction p = predict_run(dir / "run", kMsft, 0.9);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].price, combined.mean[0]);
  EXPECT_EQ(*p.rows[0].lower, combined.lower[0]);
}

TEST(ForecastEnsemble, EvaluateReloadsEveryMemberAndGivesTheSameNumbers) {
  TempDir dir;
  const RunResult trained = train(dir / "run", small_config(3));
  const RunResult evaluated = evaluate_run(dir / "run", kMsft, {}, 0.9);
  EXPECT_EQ(metrics_json(evaluated.rows()), metrics_json(trained.rows()));
  EXPECT_EQ(ensemble_json(evaluated), ensemble_json(trained));
  EXPECT_EQ(evaluated.verdict, trained.verdict);

  fs::remove(dir / "run/members/member_2.safetensors");
  try {
    evaluate_run(dir / "run", kMsft, {}, 0.9);
    FAIL() << "a missing member loaded";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("member_2.safetensors"), std::string::npos) << e.what();
  }
}

TEST(ForecastEnsemble, ReportAndMetricsShowTheMembersSpread) {
  TempDir dir;
  const RunResult r = train(dir / "run", small_config(3));
  const json metrics = json::parse(file_bytes(dir / "run/metrics.json"));
  ASSERT_TRUE(metrics.contains("ensemble"));
  EXPECT_EQ(metrics["ensemble"]["members"], 3);
  for (const char* split : {"validation", "test"}) {
    const json& mae = metrics["ensemble"]["spread"][split]["mae"];
    const double lo = mae["min"], mid = mae["median"], hi = mae["max"];
    EXPECT_LE(lo, mid) << split;
    EXPECT_LE(mid, hi) << split;
    EXPECT_LT(lo, hi) << split << ": members of different seeds scored alike";
  }
  // The ensemble is judged against naive as the single model is: DM p-value on naive's row.
  EXPECT_TRUE(metrics["test"]["naive"].contains("diebold_mariano"));
  EXPECT_TRUE(metrics["test"].contains("lstm ensemble (3)"));
  const std::string report = file_bytes(dir / "run/report.md");
  EXPECT_NE(report.find("## Ensemble members"), std::string::npos);
  EXPECT_NE(report.find("lstm ensemble (3)"), std::string::npos);
  EXPECT_NE(format_member_spread(r).find("the 3 members alone"), std::string::npos);
  for (const char* f : {"members/member_1.safetensors", "members/training_2.csv"}) {
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  }
}

TEST(ForecastEnsemble, BacktestRefitsEveryMember) {
  TempDir dir;
  train(dir / "run", small_config(2));
  BacktestOptions o;
  o.data_path = kMsft;
  o.run_dir = dir / "run";
  o.initial_fraction = 0.85;
  o.config.step = 10;
  o.config.refit_every = 1000;
  o.config.fit = true;
  o.progress = train::ProgressStyle::Quiet;
  const BacktestRun run = backtest_run(o);
  EXPECT_EQ(run.results.model.model, "lstm ensemble (2)");
  EXPECT_GT(run.results.model.aggregate.count, 0u);
}

TEST(ForecastEnsemble, BadSizeIsAClearError) {
  for (int64_t k : {0, -1, 65, 1000000}) {
    try {
      small_config(k).validate();
      FAIL() << "ensemble " << k << " accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("training.ensemble"), std::string::npos) << e.what();
    }
  }
  json doc = to_json(small_config(2));
  EXPECT_EQ(doc["training"]["ensemble"], 2);
  doc["training"]["ensemble"] = 0;
  EXPECT_THROW(config_from_json(doc), ValueError);

  for (const char* k : {"0", "-2", "1000", "two"}) {
    const auto r = recur::testing::run_cli(
        "forecast train --data " + kMsft + " --date-column Date --target Close --out " +
        (fs::temp_directory_path() / "recur_ensemble_bad").string() + " --ensemble " + k);
    EXPECT_EQ(r.status, 2) << k << ": " << r.output;
    EXPECT_NE(r.output.find("--ensemble"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "recur_ensemble_bad"));
}

// Every member keeps a checkpoint of its own, so --resume continues each one: a finished run
// resumed with a larger budget ends as the run that had that budget from the start, and each
// member's log keeps the epochs it had.
TEST(ForecastEnsemble, ResumingContinuesEveryMember) {
  TempDir dir;
  const RunResult whole = train(dir / "whole", small_config(2));
  ForecastConfig one_epoch = small_config(2);
  one_epoch.training.epochs = 1;
  train(dir / "run", one_epoch);
  EXPECT_TRUE(fs::exists(dir / "run/members/checkpoint_1.safetensors"));
  const std::string member_log = file_bytes(dir / ("run/" + member_log_file(1)));
  const RunResult resumed = train_run({.data_path = kMsft,
                                       .out_dir = dir / "run",
                                       .config = small_config(2),
                                       .resume = true,
                                       .progress = train::ProgressStyle::Quiet});
  EXPECT_EQ(file_bytes(dir / "run/metrics.json"), file_bytes(dir / "whole/metrics.json"));
  EXPECT_EQ(resumed.test.model.aggregate.mae, whole.test.model.aggregate.mae);
  for (int64_t k = 0; k < 2; ++k) {
    EXPECT_EQ(file_bytes(dir / ("run/" + member_weights_file(k))),
              file_bytes(dir / ("whole/" + member_weights_file(k))))
        << "member " << k;
  }
  const std::string log = file_bytes(dir / ("run/" + member_log_file(1)));
  EXPECT_EQ(log.substr(0, member_log.size()), member_log);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1 + 3);
  // A member's checkpoint belongs to its own seed: another seed is refused, naming it.
  ForecastConfig other_seed = small_config(2, 8);
  EXPECT_NE(error_message<Error>([&] {
              train_run({.data_path = kMsft,
                         .out_dir = dir / "run",
                         .config = other_seed,
                         .resume = true,
                         .progress = train::ProgressStyle::Quiet});
            }).find("seed"),
            std::string::npos);
}

}  // namespace
}  // namespace recur::forecast
