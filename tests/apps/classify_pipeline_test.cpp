// `recur classify` end to end through its pipeline functions, on the shipped first-names file.
#include "recur/apps/classify/classify_pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "png_check.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::classify {
namespace {

namespace fs = std::filesystem;

const std::string kNames = std::string(RECUR_SOURCE_DIR) + "/data/first_names_gender.csv";

using recur::testing::TempDir;

ClassifyConfig names_config() {
  ClassifyConfig c;
  c.text_column = "Name";
  c.label_column = "Gender";
  c.model.hidden_size = 32;
  c.model.embedding_dim = 16;
  c.training.epochs = 3;
  c.training.seed = 5;
  return c;
}

const ScoredMethod& score(const ClassifyRunResult& r, const std::string& split,
                          const std::string& method) {
  for (const ScoredMethod& s : r.scores) {
    if (s.split == split && s.method == method) return s;
  }
  throw std::runtime_error("no score " + split + "/" + method);
}

TEST(ClassifyPipeline, TrainsOnNamesBeatsTheMajorityAndWritesTheRunFolder) {
  TempDir dir;
  const ClassifyRunResult r = train_classifier({.data_path = kNames,
                                                .out_dir = dir / "run",
                                                .config = names_config(),
                                                .progress = train::ProgressStyle::Quiet});
  for (const char* f : {"model.safetensors", "config.json", "vocabulary.json", "metrics.json",
                        "training.csv", "report.md"}) {
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  }
  EXPECT_EQ(r.classes, (std::vector<std::string>{"female", "male"}));
  const ScoredMethod& lstm = score(r, "test", "lstm");
  const ScoredMethod& majority = score(r, "test", "majority class");
  EXPECT_EQ(lstm.metrics.count, 800);
  EXPECT_GT(lstm.metrics.accuracy, majority.metrics.accuracy + 0.15);  // names are learnable
  EXPECT_GT(score(r, "test", "char 1-3-gram naive Bayes").metrics.accuracy, 0.75);
  const auto metrics = nlohmann::json::parse(testing::file_bytes(dir / "run/metrics.json"));
  EXPECT_DOUBLE_EQ(metrics["test"]["lstm"]["accuracy"].get<double>(), lstm.metrics.accuracy);
  EXPECT_NE(testing::file_bytes(dir / "run/report.md").find(r.verdict), std::string::npos);
  // The confusion heat map of the network's test split, listed and linked from the report.
  testing::expect_png(dir / "run/confusion.png", 900, 800);
  EXPECT_NE(std::find(r.files.begin(), r.files.end(), "confusion.png"), r.files.end());
  EXPECT_NE(testing::file_bytes(dir / "run/report.md").find("](confusion.png)"), std::string::npos);

  // The saved run predicts from its own vocabulary and classes.
  const auto p = predict_classes(dir / "run", {"Maria", "Jürgen"});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].label, "female");
  EXPECT_GT(p[0].probability, 0.5);
  EXPECT_EQ(p[1].unknown_tokens, 1);  // "ü" is not in the names' alphabet
  // Scored on the whole file, the run reproduces at least its test accuracy roughly.
  const ClassifyRunResult all = evaluate_classifier(dir / "run", kNames);
  EXPECT_EQ(all.scores[0].metrics.count, 8003);
  EXPECT_GT(all.scores[0].metrics.accuracy, 0.7);
}

TEST(ClassifyPipeline, BadDataIsAClearErrorAndWritesNothing) {
  TempDir dir;
  auto train_on = [&](const std::string& csv, ClassifyConfig c) {
    const std::string path = dir / "data.csv";
    std::ofstream(path) << csv;
    train_classifier({.data_path = path,
                      .out_dir = dir / "run",
                      .config = std::move(c),
                      .progress = train::ProgressStyle::Quiet});
  };
  ClassifyConfig c = names_config();
  EXPECT_THROW(train_on("Name,Sex\nAnna,f\n", c), Error);  // no Gender column
  std::string one_label = "Name,Gender\n";
  for (int i = 0; i < 50; ++i) one_label += "N" + std::to_string(i) + ",female\n";
  try {
    train_on(one_label, c);
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("fewer than two distinct labels"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(dir / "run"));
  EXPECT_FALSE(fs::exists(dir / "run.partial"));
}

TEST(ClassifyPipeline, ALabelSeenOnlyAtEvaluationNamesItsLine) {
  TempDir dir;
  ClassifyConfig c = names_config();
  c.training.epochs = 1;
  train_classifier({.data_path = kNames,
                    .out_dir = dir / "run",
                    .config = c,
                    .progress = train::ProgressStyle::Quiet});
  std::ofstream(dir / "new.csv") << "Name,Gender\nAnna,female\nKim,unknown\n";
  try {
    evaluate_classifier(dir / "run", dir / "new.csv");
    FAIL() << "no error";
  } catch (const ValueError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("new.csv:3"), std::string::npos) << what;
    EXPECT_NE(what.find("'unknown'"), std::string::npos) << what;
  }
}

TEST(ClassifyConfig, FieldsAreCheckedForKindAndRange) {
  nlohmann::json j = to_json(names_config());
  j["classes"] = {"a", "b"};
  EXPECT_NO_THROW(classify_config_from_json(j));
  for (const auto& [where, key, value] :
       std::vector<std::tuple<std::string, std::string, nlohmann::json>>{
           {"model", "hidden_size", -1},
           {"model", "cell", "transformer"},
           {"model", "recurrent_dropout", 1.0},
           {"tokens", "level", "byte"},
           {"training", "lr", "fast"},
           {"training", "epochs", 2.5}}) {
    nlohmann::json bad = j;
    bad[where][key] = value;
    EXPECT_THROW(classify_config_from_json(bad), ValueError) << where << "." << key;
  }
  // The layer-normalised cell and variational dropout travel through the config.
  j["model"]["cell"] = "ln_gru";
  j["model"]["recurrent_dropout"] = 0.25;
  const ClassifyConfig c = classify_config_from_json(j);
  EXPECT_EQ(c.model.cell, "ln_gru");
  EXPECT_FLOAT_EQ(c.model.recurrent_dropout, 0.25f);
  EXPECT_FLOAT_EQ(to_json(c)["model"]["recurrent_dropout"].get<float>(), 0.25f);
}

}  // namespace
}  // namespace recur::classify
