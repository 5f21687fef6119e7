// `recur textgen` end to end through its pipeline functions, on a small generated text of words
// from a tiny lexicon (so a network learns the spelling and beats the unigram baseline quickly).
#include "recur/apps/textgen/textgen_pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::textgen {
namespace {

namespace fs = std::filesystem;

using recur::testing::TempDir;

// Lines of random words from a small lexicon, e.g. "the whale sees a ship.\n".
std::string word_text(int lines, uint64_t seed) {
  const std::vector<std::string> words = {"the", "a", "whale", "ship", "sees", "sails", "sea"};
  uint64_t state = seed * 6364136223846793005ull + 1;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  std::string out;
  for (int l = 0; l < lines; ++l) {
    for (int w = 0; w < 5; ++w) out += (w ? " " : "") + words[next(words.size())];
    out += ".\n";
  }
  return out;
}

TextgenConfig small_config() {
  TextgenConfig c;
  c.model.embedding_dim = 8;
  c.model.hidden_size = 32;
  c.model.num_layers = 1;
  c.training.epochs = 4;
  c.training.patience = 4;
  c.training.batch_size = 8;
  c.training.lr = 0.01;
  c.training.val_fraction = 0.1;
  c.training.test_fraction = 0.1;
  c.chunk_length = 20;
  c.ngram_order = 3;
  return c;
}

const TextgenScores& score(const TextgenRunResult& r, const std::string& split,
                           const std::string& method) {
  for (const TextgenScores& s : r.scores) {
    if (s.split == split && s.method == method) return s;
  }
  throw std::runtime_error("no score " + split + "/" + method);
}

TEST(TextgenPipeline, TrainsScoresBesideTheBaselinesAndWritesTheRunFolder) {
  TempDir dir;
  std::ofstream(dir / "text.txt") << word_text(300, 1);
  const TextgenRunResult r = train_textgen({.data_path = dir / "text.txt",
                                            .out_dir = dir / "run",
                                            .config = small_config(),
                                            .progress = train::ProgressStyle::Quiet});
  for (const char* f : {"model.safetensors", "config.json", "vocabulary.json", "metrics.json",
                        "training.csv", "report.md", "checkpoint.safetensors"}) {
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  }
  EXPECT_FALSE(fs::exists(dir / "run.partial"));
  for (const char* split : {"validation", "test"}) {
    const TextgenScores& net = score(r, split, "lstm");
    const TextgenScores& unigram = score(r, split, "unigram");
    const TextgenScores& trigram = score(r, split, "trigram");
    // The methods score exactly the same characters.
    EXPECT_EQ(net.characters, unigram.characters);
    EXPECT_EQ(net.characters, trigram.characters);
    EXPECT_GT(net.characters, 500);
    EXPECT_LT(net.bits_per_character(), unigram.bits_per_character()) << split;
    EXPECT_NEAR(net.perplexity(), std::pow(2.0, net.bits_per_character()), 1e-9);
  }
  EXPECT_NE(r.verdict.find("It beats the unigram"), std::string::npos) << r.verdict;
  EXPECT_EQ(r.sample.size() > 0, true);
  const nlohmann::json metrics = nlohmann::json::parse(std::ifstream(dir / "run/metrics.json"));
  EXPECT_NEAR(metrics["test"]["lstm"]["bits_per_character"].get<double>(),
              score(r, "test", "lstm").bits_per_character(), 1e-12);
  std::ifstream report(dir / "run/report.md");
  const std::string text((std::istreambuf_iterator<char>(report)), {});
  EXPECT_NE(text.find(r.verdict), std::string::npos);
  EXPECT_NE(text.find("## A sample"), std::string::npos);

  // Sampling: streamed pieces add up to the returned text, the same seed gives the same text, the
  // prompt's characters must be known.
  std::string streamed;
  const SampleOptions o{.prompt = "the ", .length = 60, .seed = 5};
  const std::string once =
      sample_text(dir / "run", o, [&](const std::string& c) { streamed += c; });
  EXPECT_EQ(once, streamed);
  EXPECT_EQ(static_cast<int64_t>(once.size()), 60);  // the lexicon is ASCII
  EXPECT_EQ(sample_text(dir / "run", o), once);
  SampleOptions other = o;
  other.seed = 6;
  EXPECT_NE(sample_text(dir / "run", other), once);
  SampleOptions greedy = o;
  greedy.sampling.temperature = 0.0f;
  greedy.seed = 99;  // greedy draws no random numbers: the seed cannot matter
  SampleOptions greedy2 = greedy;
  greedy2.seed = 100;
  EXPECT_EQ(sample_text(dir / "run", greedy), sample_text(dir / "run", greedy2));

  SampleOptions unknown = o;
  unknown.prompt = "the Zebra";
  EXPECT_TRUE(testing::Contains(
      testing::error_message<ValueError>([&] { sample_text(dir / "run", unknown); }),
      "character 5, U+005A 'Z', is not in the model's vocabulary"));
  SampleOptions empty = o;
  empty.prompt = "";
  EXPECT_TRUE(testing::Contains(
      testing::error_message<ValueError>([&] { sample_text(dir / "run", empty); }),
      "--prompt is empty"));
}

TEST(TextgenPipeline, ATextTooShortForTheStreamsIsRefusedBeforeTheRunFolderIsTouched) {
  TempDir dir;
  std::ofstream(dir / "short.txt") << word_text(3, 1);
  TextgenConfig c = small_config();
  c.training.batch_size = 64;
  EXPECT_TRUE(testing::Contains(testing::error_message<ValueError>([&] {
                                  train_textgen({.data_path = dir / "short.txt",
                                                 .out_dir = dir / "run",
                                                 .config = c,
                                                 .progress = train::ProgressStyle::Quiet});
                                }),
                                "too few for 64 streams"));
  EXPECT_FALSE(fs::exists(dir / "run"));
  EXPECT_FALSE(fs::exists(dir / "run.partial"));
}

TEST(TextgenConfig, RoundTripsAndChecksItsFields) {
  TextgenConfig c = small_config();
  c.model.cell = "gru";
  c.tokens.lowercase = true;
  const TextgenConfig back = textgen_config_from_json(to_json(c));
  EXPECT_EQ(to_json(back), to_json(c));
  nlohmann::json j = to_json(c);
  j["training"]["chunk_length"] = 0;
  EXPECT_TRUE(testing::Contains(
      testing::error_message<ValueError>([&] { textgen_config_from_json(j); }), "chunk_length"));
  j = to_json(c);
  j["baseline"]["ngram_order"] = 17;
  EXPECT_TRUE(testing::Contains(
      testing::error_message<ValueError>([&] { textgen_config_from_json(j); }), "ngram_order"));
  j = to_json(c);
  j["model"]["cell"] = "transformer";
  EXPECT_TRUE(testing::Contains(
      testing::error_message<ValueError>([&] { textgen_config_from_json(j); }), "cell"));
  j = to_json(c);
  j["format"] = "recur.tag.v1";
  EXPECT_TRUE(
      testing::Contains(testing::error_message<ValueError>([&] { textgen_config_from_json(j); }),
                        "recur.textgen.v1"));
}

}  // namespace
}  // namespace recur::textgen
