// `recur tag` end to end through its pipeline functions, on a small generated corpus where a word's
// tag depends on its neighbour (so context beats the most-frequent-tag baseline).
#include "recur/apps/tag/tag_pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "recur/apps/tag/most_frequent_tag.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::tag {
namespace {

namespace fs = std::filesystem;

using recur::testing::TempDir;

// Sentences "D N V D N" (e.g. "the cat sees a dog") in which any noun or verb slot may be the
// ambiguous word "fly": its tag (N or V) is given by the slot, i.e. by its left neighbour. The
// columns are token, a constant, tag, so the tag is column 3 as in the Brown file.
std::string context_corpus(int sentences, uint64_t seed) {
  const std::vector<std::string> det = {"the", "a"}, noun = {"cat", "dog", "bird", "fish"},
                                 verb = {"sees", "likes", "chases"};
  uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  std::string out;
  for (int s = 0; s < sentences; ++s) {
    for (const char* slot : {"D", "N", "V", "D", "N"}) {
      const std::string tag = slot;
      const auto& words = tag == "D" ? det : tag == "N" ? noun : verb;
      const std::string word = tag != "D" && next(10) < 4 ? "fly" : words[next(words.size())];
      out += word + "\tx\t" + tag + "\n";
    }
    out += "\n";
  }
  return out;
}

TagConfig small_config() {
  TagConfig c;
  c.tag_column = 3;
  c.model.embedding_dim = 8;
  c.model.hidden_size = 12;
  c.training.epochs = 12;
  c.training.patience = 12;
  c.training.batch_size = 16;
  c.training.lr = 0.02;
  c.training.seed = 3;
  return c;
}

const TagScores& score(const TagRunResult& r, const std::string& split, const std::string& method) {
  for (const TagScores& s : r.scores) {
    if (s.split == split && s.method == method) return s;
  }
  throw std::runtime_error("no score " + split + "/" + method);
}

TEST(TagPipeline, LearnsContextBeatsTheBaselineAndWritesTheRunFolder) {
  TempDir dir;
  std::ofstream(dir / "corpus.tsv") << context_corpus(200, 1);
  const TagRunResult r = train_tagger({.data_path = dir / "corpus.tsv",
                                       .out_dir = dir / "run",
                                       .config = small_config(),
                                       .progress = train::ProgressStyle::Quiet});
  for (const char* f : {"model.safetensors", "config.json", "vocabulary.json", "metrics.json",
                        "training.csv", "report.md"}) {
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  }
  EXPECT_EQ(r.tags, (std::vector<std::string>{"D", "N", "V"}));
  const TagScores& lstm = score(r, "test", "lstm");
  const TagScores& base = score(r, "test", "most frequent tag per word");
  EXPECT_EQ(lstm.metrics.count, 20 * 5);  // 10% of 200 sentences of 5 tokens
  // "fly" alone is ambiguous: the baseline must miss some, the BiLSTM reads the neighbour.
  EXPECT_LT(base.metrics.accuracy, 0.97);
  EXPECT_GT(lstm.metrics.accuracy, base.metrics.accuracy);
  EXPECT_GT(lstm.metrics.accuracy, 0.97);
  EXPECT_EQ(lstm.unseen_tokens, 0);  // every word of this corpus is frequent
  const auto metrics = nlohmann::json::parse(testing::file_bytes(dir / "run/metrics.json"));
  EXPECT_DOUBLE_EQ(metrics["test"]["lstm"]["accuracy"].get<double>(), lstm.metrics.accuracy);
  EXPECT_DOUBLE_EQ(metrics["test"]["lstm"]["per_tag"]["N"]["f1"].get<double>(),
                   lstm.metrics.per_class[1].f1);
  const std::string report = testing::file_bytes(dir / "run/report.md");
  EXPECT_NE(report.find(r.verdict), std::string::npos);
  EXPECT_NE(r.verdict.find(" beats "), std::string::npos) << r.verdict;

  // The saved run tags new sentences, one tag per token, from its own vocabulary.
  const auto p = predict_tags(
      dir / "run", {{"the", "fly", "sees", "a", "cat"}, {"a", "dog", "fly", "the", "zebra"}});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].tags, (std::vector<std::string>{"D", "N", "V", "D", "N"}));
  ASSERT_EQ(p[1].tags.size(), 5u);
  EXPECT_EQ(p[1].tags[2], "V");
  EXPECT_EQ(p[1].unknown_tokens, 1);  // "zebra"
  EXPECT_THROW(predict_tags(dir / "run", {{}}), ValueError);

  const TagRunResult all = evaluate_tagger(dir / "run", dir / "corpus.tsv");
  ASSERT_EQ(all.scores.size(), 1u);
  EXPECT_EQ(all.scores[0].metrics.count, 1000);
  EXPECT_GT(all.scores[0].metrics.accuracy, 0.97);
}

TEST(TagPipeline, ATagSeenOnlyAtEvaluationNamesItsLine) {
  TempDir dir;
  std::ofstream(dir / "corpus.tsv") << context_corpus(60, 2);
  TagConfig c = small_config();
  c.training.epochs = 1;
  train_tagger({.data_path = dir / "corpus.tsv",
                .out_dir = dir / "run",
                .config = c,
                .progress = train::ProgressStyle::Quiet});
  std::ofstream(dir / "new.tsv") << "the\tx\tD\ncat\tx\tN\n\na\tx\tD\nfly\tx\tADV\n";
  try {
    evaluate_tagger(dir / "run", dir / "new.tsv");
    FAIL() << "no error";
  } catch (const ValueError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("new.tsv:5"), std::string::npos) << what;
    EXPECT_NE(what.find("'ADV'"), std::string::npos) << what;
  }
}

TEST(TagPipeline, BadDataIsAClearErrorAndWritesNothing) {
  TempDir dir;
  auto train_on = [&](const std::string& tsv, TagConfig c) {
    const std::string path = dir / "data.tsv";
    std::ofstream(path) << tsv;
    train_tagger({.data_path = path,
                  .out_dir = dir / "run",
                  .config = std::move(c),
                  .progress = train::ProgressStyle::Quiet});
  };
  auto expect_error = [&](const std::string& tsv, const TagConfig& c, const std::string& text) {
    try {
      train_on(tsv, c);
      ADD_FAILURE() << "no error for " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  const TagConfig c = small_config();
  expect_error("the\tD\ncat\tN\n", c, "data.tsv:1");  // two columns, the tag is column 3
  std::string one_tag;
  for (int i = 0; i < 30; ++i) one_tag += "w" + std::to_string(i) + "\tx\tN\n\n";
  expect_error(one_tag, c, "fewer than two distinct tags");
  expect_error(context_corpus(4, 3), c, "too few");
  expect_error("", c, "no sentences");
  EXPECT_FALSE(fs::exists(dir / "run"));
  EXPECT_FALSE(fs::exists(dir / "run.partial"));
}

// Resuming on other data is refused with a short message: the tag list, which follows from the
// data, is not spelled out tag by tag.
TEST(TagPipeline, ResumingOnOtherDataIsAShortError) {
  TempDir dir;
  const std::string corpus = context_corpus(60, 4);
  std::string renamed = corpus;
  for (char& ch : renamed) ch = ch == 'N' ? 'M' : ch;  // the same sentences, tag N renamed
  std::ofstream(dir / "a.tsv") << corpus;
  std::ofstream(dir / "b.tsv") << renamed;
  TagConfig c = small_config();
  c.training.epochs = 1;
  train_tagger({.data_path = dir / "a.tsv",
                .out_dir = dir / "run",
                .config = c,
                .progress = train::ProgressStyle::Quiet});
  // An interrupted run leaves its checkpoint in <out>.partial/.
  fs::create_directories(dir / "run.partial");
  fs::copy_file(dir / "run/checkpoint.safetensors", dir / "run.partial/checkpoint.safetensors");
  try {
    train_tagger({.data_path = dir / "b.tsv",
                  .out_dir = dir / "run",
                  .config = c,
                  .resume = true,
                  .progress = train::ProgressStyle::Quiet});
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot resume"), std::string::npos) << what;
    EXPECT_EQ(what.find("tags/"), std::string::npos) << what;
    EXPECT_LT(what.size(), 500u) << what;
  }
}

TEST(MostFrequentTag, EachWordGetsItsMostFrequentTagAndUnknownWordsTheOverallOne) {
  MostFrequentTag b(/*lowercase=*/true);
  // Tags: 0 = D, 1 = N, 2 = V. "fly" is N twice and V once; "run" ties (N once, V once).
  b.fit({{"The", "fly", "run"}, {"a", "fly", "fly", "run"}}, {{0, 1, 2}, {0, 1, 2, 1}}, 3);
  EXPECT_EQ(b.predict({"fly", "run", "THE", "zebra"}), (std::vector<int64_t>{1, 1, 0, 1}));
  EXPECT_TRUE(b.seen("the"));
  EXPECT_FALSE(b.seen("zebra"));
  MostFrequentTag cased(/*lowercase=*/false);
  cased.fit({{"The"}}, {{0}}, 3);
  EXPECT_FALSE(cased.seen("the"));
  EXPECT_THROW(cased.fit({{"a"}}, {{3}}, 3), ValueError);
  EXPECT_THROW(cased.fit({{"a", "b"}}, {{0}}, 3), ValueError);
}

TEST(TagConfig, FieldsAreCheckedForKindAndRange) {
  nlohmann::json j = to_json(small_config());
  j["tags"] = {"a", "b"};
  const TagConfig back = tag_config_from_json(j);
  EXPECT_EQ(back.tag_column, 3);
  EXPECT_TRUE(back.model.bidirectional);
  EXPECT_EQ(back.tags, (std::vector<std::string>{"a", "b"}));
  for (const auto& [where, key, value] :
       std::vector<std::tuple<std::string, std::string, nlohmann::json>>{
           {"model", "hidden_size", -1},
           {"model", "cell", "transformer"},
           {"data", "tag_column", 0},
           {"data", "tag_column", 1},  // the same as the token column
           {"training", "lr", "fast"},
           {"training", "epochs", 2.5}}) {
    nlohmann::json bad = j;
    bad[where][key] = value;
    EXPECT_THROW(tag_config_from_json(bad), ValueError) << where << "." << key;
  }
  nlohmann::json other = j;
  other["format"] = "recur.classify.v1";
  EXPECT_THROW(tag_config_from_json(other), ValueError);
}

}  // namespace
}  // namespace recur::tag
