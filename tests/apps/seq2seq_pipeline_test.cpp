// `recur seq2seq` end to end through its pipeline functions, on a small generated corpus: short
// strings and their reversal, which copying the source gets right only for palindromes and an
// attentive encoder-decoder learns in a few epochs.
#include "recur/apps/seq2seq/seq2seq_pipeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "expect_error.h"
#include "png_check.h"
#include "recur/data/vocabulary.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::seq2seq {
namespace {

namespace fs = std::filesystem;
using recur::testing::Contains;
using recur::testing::error_message;

using recur::testing::TempDir;

// "source<TAB>target" lines: strings of 3 to 6 letters from a-f and the same string reversed.
std::string reversal_corpus(int pairs, uint64_t seed) {
  uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  std::string out;
  for (int i = 0; i < pairs; ++i) {
    std::string s;
    const uint64_t length = 3 + next(4);
    for (uint64_t k = 0; k < length; ++k) s += static_cast<char>('a' + next(6));
    out += s + "\t" + std::string(s.rbegin(), s.rend()) + "\n";
  }
  return out;
}

Seq2SeqConfig small_config() {
  Seq2SeqConfig c;
  c.model.embedding_dim = 12;
  c.model.hidden_size = 24;
  c.training.epochs = 12;
  c.training.patience = 12;
  c.training.batch_size = 16;
  c.training.lr = 0.01;
  c.training.seed = 1;
  c.teacher_forcing = TeacherForcingSchedule::linear(1.0f, 0.05f, 0.5f);
  c.decoding.beam_width = 3;
  c.decoding.max_length = 12;
  return c;
}

const Seq2SeqScores& score(const Seq2SeqRunResult& r, const std::string& split,
                           const std::string& method) {
  for (const Seq2SeqScores& s : r.scores) {
    if (s.split == split && s.method == method) return s;
  }
  throw std::runtime_error("no score " + split + "/" + method);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One trained run shared by the tests that only read it.
class Seq2SeqPipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("suite");
    std::ofstream(*dir_ / "pairs.tsv") << reversal_corpus(600, 1);
    result_ = new Seq2SeqRunResult(train_seq2seq({.data_path = *dir_ / "pairs.tsv",
                                                  .out_dir = *dir_ / "run",
                                                  .config = small_config(),
                                                  .progress = train::ProgressStyle::Quiet}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  static std::string run() { return *dir_ / "run"; }

  static TempDir* dir_;
  static Seq2SeqRunResult* result_;
};
TempDir* Seq2SeqPipeline::dir_ = nullptr;
Seq2SeqRunResult* Seq2SeqPipeline::result_ = nullptr;

TEST_F(Seq2SeqPipeline, BeatsTheCopyBaselineAndWritesTheRunFolder) {
  const Seq2SeqRunResult& r = *result_;
  for (const char* split : {"validation", "test"}) {
    const Seq2SeqScores& net = score(r, split, "lstm greedy");
    const Seq2SeqScores& copy = score(r, split, "copy source");
    EXPECT_EQ(net.pairs, 60);
    EXPECT_GT(net.exact_match, 0.6) << split;
    EXPECT_GT(net.exact_match, copy.exact_match + 0.4) << split;
    EXPECT_GT(net.bleu, copy.bleu) << split;
    EXPECT_GT(score(r, split, "lstm beam 3").exact_match, copy.exact_match + 0.4) << split;
    EXPECT_LT(copy.exact_match, 0.15) << split;  // palindromes only
  }
  EXPECT_TRUE(Contains(r.verdict, "beats the copy-the-source baseline")) << r.verdict;
  EXPECT_EQ(r.epochs_run, 12);
  // The ratio logged per epoch is the schedule's: 1 - 0.05 (epoch - 1), floored at 0.5.
  ASSERT_EQ(r.teacher_forcing.size(), 12u);
  EXPECT_FLOAT_EQ(r.teacher_forcing[0], 1.0f);
  EXPECT_FLOAT_EQ(r.teacher_forcing[4], 0.8f);
  EXPECT_FLOAT_EQ(r.teacher_forcing[11], 0.5f);
  EXPECT_EQ(r.target_vocabulary_size, 10);  // 4 specials + a-f
  for (const std::string& f : r.files) EXPECT_TRUE(fs::exists(run() + "/" + f)) << f;
  for (const char* f :
       {"model.safetensors", "config.json", "source_vocabulary.json", "target_vocabulary.json",
        "metrics.json", "training.csv", "report.md", "attention_1.png", "attention_2.png",
        "attention_3.png", "checkpoint.safetensors"}) {
    EXPECT_NE(std::find(r.files.begin(), r.files.end(), f), r.files.end()) << f;
  }
  EXPECT_FALSE(fs::exists(run() + ".partial"));

  const nlohmann::json metrics = nlohmann::json::parse(read_text(run() + "/metrics.json"));
  EXPECT_DOUBLE_EQ(metrics["test"]["lstm greedy"]["exact_match"].get<double>(),
                   score(r, "test", "lstm greedy").exact_match);
  ASSERT_EQ(metrics["teacher_forcing"].size(), 12u);
  EXPECT_EQ(metrics["teacher_forcing"][4]["epoch"], 5);
  EXPECT_NEAR(metrics["teacher_forcing"][4]["ratio"].get<double>(), 0.8, 1e-6);
  const std::string report = read_text(run() + "/report.md");
  EXPECT_TRUE(Contains(report, r.verdict));
  EXPECT_TRUE(Contains(report, "| 5 | 0.800 |"));
  EXPECT_TRUE(Contains(report, "![attention_1.png](attention_1.png)"));

  // One row per output character, one column per source character (sizes of plot_attention).
  ASSERT_FALSE(r.examples.empty());
  const auto pixels = [](size_t n) { return static_cast<uint32_t>(220 + 36 * n); };
  recur::testing::expect_png(run() + "/attention_1.png", pixels(r.examples[0].source.size()) + 60,
                             pixels(r.examples[0].output.size()) + 40);
}

TEST_F(Seq2SeqPipeline, TranslateReloadsTheRunAndBeamWidthOneIsGreedy) {
  std::vector<std::string> sources;
  for (const Seq2SeqExample& x : result_->examples) sources.push_back(x.source);
  const std::vector<Translated> greedy = translate_texts(run(), sources, 1);
  ASSERT_EQ(greedy.size(), sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    EXPECT_EQ(greedy[i].source, sources[i]);
    EXPECT_EQ(greedy[i].output, result_->examples[i].output) << sources[i];
    EXPECT_EQ(greedy[i].unknown_tokens, 0);
  }
  // Beam search (the run's width, 3) reverses most of them too; unknown letters are counted.
  const std::vector<Translated> beam = translate_texts(run(), sources);
  int correct = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    correct += beam[i].output == std::string(sources[i].rbegin(), sources[i].rend()) ? 1 : 0;
  }
  EXPECT_GE(correct, 3) << "of " << sources.size();
  EXPECT_EQ(translate_texts(run(), {"abz"}, 2)[0].unknown_tokens, 1);
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         translate_texts(run(), {"ab", " "});
                       }),
                       "text 2 is empty"));
}

TEST_F(Seq2SeqPipeline, EvaluateScoresEveryPairOfAFile) {
  TempDir dir;
  std::ofstream(dir / "more.tsv") << reversal_corpus(50, 7);
  const Seq2SeqRunResult r = evaluate_seq2seq(run(), dir / "more.tsv", 2);
  EXPECT_EQ(score(r, "all", "lstm greedy").pairs, 50);
  EXPECT_GT(score(r, "all", "lstm beam 2").exact_match, score(r, "all", "copy source").exact_match);
  EXPECT_TRUE(Contains(r.verdict, "On the all split"));
}

TEST_F(Seq2SeqPipeline, AVocabularyThatDoesNotMatchTheModelNamesTheFile) {
  TempDir dir;
  fs::copy(run(), dir.path() / "run", fs::copy_options::recursive);
  // A vocabulary of 8 letters where the model was trained on 6.
  data::Vocabulary::build({"abcdefgh"}, {.level = data::TokenLevel::kChar})
      .save(dir / "run/target_vocabulary.json");
  const std::string message =
      error_message<ValueError>([&] { translate_texts(dir / "run", {"abc"}); });
  EXPECT_TRUE(Contains(message, "target_vocabulary.json"));
  EXPECT_TRUE(Contains(message, "does not belong to this model"));
}

// The teacher-forcing coins come from the generator the checkpoint saves, and the ratio is a
// function of the epoch: a run resumed after epoch 2 ends exactly as an uninterrupted one.
TEST(Seq2SeqPipelineResume, AResumedRunEqualsAnUninterruptedOne) {
  TempDir dir;
  std::ofstream(dir / "pairs.tsv") << reversal_corpus(200, 3);
  Seq2SeqConfig c = small_config();
  c.training.epochs = 3;
  const auto train = [&](const std::string& out, int64_t epochs, bool resume) {
    Seq2SeqConfig e = c;
    e.training.epochs = epochs;
    return train_seq2seq({.data_path = dir / "pairs.tsv",
                          .out_dir = dir / out,
                          .config = e,
                          .resume = resume,
                          .progress = train::ProgressStyle::Quiet});
  };
  const Seq2SeqRunResult full = train("full", 3, false);
  train("part", 2, false);
  fs::create_directories(dir / "resumed.partial");  // as an interrupted run leaves it
  fs::copy_file(dir / "part/checkpoint.safetensors",
                dir / "resumed.partial/checkpoint.safetensors");
  const Seq2SeqRunResult resumed = train("resumed", 3, true);
  EXPECT_EQ(resumed.teacher_forcing, full.teacher_forcing);
  EXPECT_EQ(read_text(dir / "resumed/metrics.json"), read_text(dir / "full/metrics.json"));
  EXPECT_EQ(read_text(dir / "resumed/model.safetensors"),
            read_text(dir / "full/model.safetensors"));
}

TEST(Seq2SeqPipelineInput, BadPairsNameTheirLine) {
  TempDir dir;
  std::ofstream(dir / "empty_target.tsv") << "abc\tcba\nabd\t \n";
  EXPECT_TRUE(Contains(error_message<IoError>([&] {
                         train_seq2seq({.data_path = dir / "empty_target.tsv",
                                        .out_dir = dir / "run",
                                        .config = small_config()});
                       }),
                       "empty_target.tsv:2:5: empty target"));
  std::ofstream(dir / "long.tsv") << reversal_corpus(40, 2) << "ab\tabcdefghijklmnop\n";
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         train_seq2seq({.data_path = dir / "long.tsv",
                                        .out_dir = dir / "run",
                                        .config = small_config()});
                       }),
                       "long.tsv:41: the target has 16 tokens, more than the 11"));
  EXPECT_FALSE(fs::exists(dir / "run"));
}

}  // namespace
}  // namespace recur::seq2seq
