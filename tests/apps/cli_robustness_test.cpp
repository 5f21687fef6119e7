// Every `recur` subcommand over a table of bad arguments, as a hostile or careless user types
// them: negative, zero, NaN, inf, huge, fractional where whole, wrong type, missing files,
// directories, FIFOs. Each must end with exit status 1 (bad data or files) or 2 (bad usage),
// say what was wrong in a line naming the flag or the file, print no crash or sanitizer report,
// and leave an existing run folder byte for byte as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "test_support.h"

namespace recur {
namespace {

namespace fs = std::filesystem;
using testing::file_bytes;
using testing::run_cli;

const std::string kMsft = std::string(RECUR_SOURCE_DIR) + "/data/msft_2000_2001_ohlcv.csv";
const std::string kSmallModel = " --window 5 --hidden 4 --layers 1 --epochs 1";

struct BadCall {
  std::string arguments;  // after "recur"; {run}, {fifo}, {dir}, {file} are replaced
  std::string names;      // what the message must mention
};

class CliRobustness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("recur_cli_robustness_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "dir");
    ::mkfifo((root_ / "fifo").c_str(), 0600);
    std::ofstream((root_ / "file.txt").string()) << "not a folder\n";
    const auto r = run_cli("forecast train --data " + kMsft + kSmallModel + " --quiet --out " +
                           (root_ / "run").string());
    ASSERT_EQ(r.status, 0) << r.output;
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static std::map<std::string, std::string> run_files() {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(root_ / "run")) {
      files[e.path().filename().string()] = file_bytes(e.path().string());
    }
    return files;
  }

  static std::string expand(std::string text) {
    const std::map<std::string, std::string> names{{"{run}", (root_ / "run").string()},
                                                   {"{fifo}", (root_ / "fifo").string()},
                                                   {"{dir}", (root_ / "dir").string()},
                                                   {"{file}", (root_ / "file.txt").string()},
                                                   {"{data}", kMsft}};
    for (const auto& [key, value] : names) {
      for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) {
        text.replace(at, key.size(), value);
      }
    }
    return text;
  }

  static void expect_rejected(const std::vector<BadCall>& calls) {
    const auto before = run_files();
    for (const BadCall& call : calls) {
      const std::string arguments = expand(call.arguments);
      const auto r = run_cli(arguments, 60);
      SCOPED_TRACE("recur " + arguments);
      EXPECT_TRUE(r.status == 1 || r.status == 2) << "status " << r.status << "\n" << r.output;
      EXPECT_NE(r.output.find(expand(call.names)), std::string::npos) << r.output;
      for (const char* crash : {"Sanitizer", "terminate called", "Segmentation", "Aborted"}) {
        EXPECT_EQ(r.output.find(crash), std::string::npos) << r.output;
      }
      EXPECT_LE(std::count(r.output.begin(), r.output.end(), '\n'), 3) << r.output;
    }
    EXPECT_EQ(run_files(), before) << "a failed command changed the run folder";
    EXPECT_FALSE(fs::exists(root_ / "run.partial"));
  }

  static fs::path root_;
};

fs::path CliRobustness::root_;

TEST_F(CliRobustness, ForecastTrain) {
  const std::string train = "forecast train --data {data} --out {run} --quiet";
  std::vector<BadCall> calls;
  const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"--window", {"-5", "0", "10.7", "abc", "1e30", "nan"}},
      {"--horizon", {"0", "-1", "inf"}},
      {"--hidden", {"0", "-1", "1e9", "4.5"}},
      {"--layers", {"0", "1000"}},
      {"--dropout", {"1", "-0.1", "nan"}},
      {"--epochs", {"-1", "x"}},
      {"--batch-size", {"0", "-32"}},
      {"--lr", {"0", "-1", "nan", "inf", "1e400"}},
      {"--patience", {"-1"}},
      {"--clip-grad-norm", {"-1", "nan"}},
      {"--seed", {"-1", "1.5"}},
      {"--val-fraction", {"0", "1", "nan"}},
      {"--test-fraction", {"-0.1", "inf"}},
      {"--gap", {"-1"}},
      {"--season", {"0", "-5"}},
      {"--ma-window", {"0", "-3"}},
      {"--ar-order", {"0"}},
      {"--level", {"1.0", "1.5", "0", "nan", "-inf"}},
      {"--threads", {"-1", "two"}},
      {"--quantiles", {"1.5", "0"}},
      {"--model", {"transformer"}},
      {"--missing", {"maybe"}},
      {"--target-kind", {"percent"}},
      {"--layout", {"sideways"}},
  };
  for (const auto& [flag, values] : flags) {
    for (const std::string& v : values) calls.push_back({train + " " + flag + " " + v, flag});
  }
  calls.push_back({"forecast train --out {run} --data /nonexistent.csv", "--data"});
  calls.push_back({"forecast train --out {run} --data {dir}", "--data"});
  calls.push_back({"forecast train --out {run} --data {fifo}", "{fifo}"});
  calls.push_back({train + " --config {fifo}", "{fifo}"});
  calls.push_back({"forecast train --data {data} --out {file}", "{file}"});
  calls.push_back({"forecast train --data {data} --out {dir}/../file.txt", "file.txt"});
  // Checked before training: nothing to score, a baseline that cannot fit.
  calls.push_back({train + kSmallModel + " --gap 100000", "--gap"});
  calls.push_back({train + kSmallModel + " --ma-window 5000", "moving average"});
  // Many series: an unknown ticker, a flag that needs --symbols, two ways of naming series.
  calls.push_back({train + kSmallModel + " --symbols ZZZ", "ZZZ"});
  calls.push_back({train + " --per-series", "--per-series"});
  calls.push_back({train + " --symbol MSFT --symbols all", "symbol"});
  expect_rejected(calls);
}

TEST_F(CliRobustness, ForecastPredictAndEvaluate) {
  std::vector<BadCall> calls;
  for (const char* command : {"predict", "evaluate"}) {
    const std::string base = std::string("forecast ") + command + " --model {run} --data {data}";
    for (const char* level : {"1.5", "nan", "-0.1", "1", "inf"}) {
      calls.push_back({base + " --level " + level, "--level"});
    }
    calls.push_back({base + " --threads -2", "--threads"});
    calls.push_back(
        {std::string("forecast ") + command + " --model /nowhere --data {data}", "--model"});
    calls.push_back(
        {std::string("forecast ") + command + " --model {file} --data {data}", "--model"});
    calls.push_back(
        {std::string("forecast ") + command + " --model {run} --data {fifo}", "{fifo}"});
    calls.push_back(
        {std::string("forecast ") + command + " --model {dir} --data {data}", "config.json"});
  }
  for (const char* flag : {"--season", "--ma-window", "--ar-order"}) {
    calls.push_back(
        {std::string("forecast evaluate --model {run} --data {data} ") + flag + " 0", flag});
  }
  expect_rejected(calls);
}

TEST_F(CliRobustness, ForecastBacktest) {
  const std::string base = "forecast backtest --model {run} --data {data} --quiet";
  std::vector<BadCall> calls;
  for (const char* v : {"-1", "nan", "inf", "1e19", "1e30", "0", "1"}) {
    calls.push_back({base + " --initial " + v, "--initial"});
  }
  for (const char* v : {"0", "-1", "2.5"}) calls.push_back({base + " --step " + v, "--step"});
  calls.push_back({base + " --refit-every -1", "--refit-every"});
  calls.push_back({base + " --window-type sideways", "--window-type"});
  expect_rejected(calls);
}

TEST_F(CliRobustness, Classify) {
  const std::string names = std::string(RECUR_SOURCE_DIR) + "/data/first_names_gender.csv";
  const std::string train = "classify train --data " + names +
                            " --text-column Name --label-column Gender --out {run} --quiet";
  std::vector<BadCall> calls;
  const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"--hidden", {"0", "-4", "2.5"}},
      {"--embedding-dim", {"0", "nan"}},
      {"--layers", {"0"}},
      {"--epochs", {"-1"}},
      {"--batch-size", {"0"}},
      {"--lr", {"0", "nan", "inf"}},
      {"--dropout", {"1", "-1"}},
      {"--recurrent-dropout", {"1", "-0.1", "nan"}},
      {"--val-fraction", {"0", "1"}},
      {"--min-frequency", {"0"}},
      {"--max-vocab", {"-1"}},
      {"--level", {"byte"}},
      {"--model", {"transformer"}},
  };
  for (const auto& [flag, values] : flags) {
    for (const std::string& v : values) calls.push_back({train + " " + flag + " " + v, flag});
  }
  calls.push_back({"classify train --data {fifo} --out {run}", "{fifo}"});
  calls.push_back({"classify train --data " + names + " --out {run} --text-column Nom", "Nom"});
  calls.push_back({"classify predict --model {dir} --text Anna", "config.json"});
  calls.push_back({"classify evaluate --model {run} --data {data}", "recur.classify.v1"});
  expect_rejected(calls);
}

TEST_F(CliRobustness, Tag) {
  const std::string brown = std::string(RECUR_SOURCE_DIR) + "/data/brown_news_pos.tsv";
  const std::string train = "tag train --data " + brown + " --out {run} --quiet";
  std::vector<BadCall> calls;
  const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"--hidden", {"0", "-4", "2.5"}},
      {"--embedding-dim", {"0", "nan"}},
      {"--layers", {"0"}},
      {"--epochs", {"-1"}},
      {"--batch-size", {"0"}},
      {"--lr", {"0", "nan", "inf"}},
      {"--dropout", {"1", "-1"}},
      {"--recurrent-dropout", {"1", "-0.1", "nan"}},
      {"--val-fraction", {"0", "1"}},
      {"--test-fraction", {"0", "1.5"}},
      {"--min-frequency", {"0"}},
      {"--max-vocab", {"-1"}},
      {"--token-column", {"0", "-1", "1.5"}},
      {"--tag-column", {"0", "1001"}},
      {"--model", {"transformer"}},
  };
  for (const auto& [flag, values] : flags) {
    for (const std::string& v : values) calls.push_back({train + " " + flag + " " + v, flag});
  }
  calls.push_back({"tag train --data {fifo} --out {run}", "{fifo}"});
  calls.push_back({train + " --tag-column 4", "brown_news_pos.tsv:1"});  // only 3 columns
  calls.push_back({train + " --tag-column 1", "tag_column"});            // the token column
  calls.push_back({"tag predict --model {dir} --sentence \"The jury\"", "config.json"});
  calls.push_back({"tag evaluate --model {run} --data {data}", "recur.tag.v1"});
  expect_rejected(calls);
}

TEST_F(CliRobustness, Textgen) {
  const std::string moby = std::string(RECUR_SOURCE_DIR) + "/data/moby_dick.txt";
  const std::string train = "textgen train --data " + moby + " --out {run} --quiet";
  std::vector<BadCall> calls;
  const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"--hidden", {"0", "-4", "2.5"}},
      {"--layers", {"0"}},
      {"--epochs", {"-1"}},
      {"--batch-size", {"0", "1e19"}},
      {"--chunk-length", {"0", "nan", "100001"}},
      {"--ngram-order", {"0", "17"}},
      {"--lr", {"0", "inf"}},
      {"--val-fraction", {"0", "1"}},
      {"--dropout", {"1", "nan"}},
      {"--recurrent-dropout", {"1", "-0.1", "nan"}},
      {"--model", {"transformer"}},
  };
  for (const auto& [flag, values] : flags) {
    for (const std::string& v : values) calls.push_back({train + " " + flag + " " + v, flag});
  }
  calls.push_back({"textgen train --data {fifo} --out {run}", "{fifo}"});
  calls.push_back({"textgen sample --model {dir}", "config.json"});
  calls.push_back({"textgen sample --model {run}", "recur.textgen.v1"});  // a forecast run
  // A tiny trained model for the sampling flags and prompts. Its recurrent dropout is one the flag
  // takes but config.json once refused (above 0.99), so sampling must read back what training
  // wrote.
  const std::string tiny = (root_ / "tiny").string();
  const auto r = run_cli("textgen train --data " + moby + " --out " + tiny +
                         " --hidden 4 --layers 1 --embedding-dim 2 --recurrent-dropout 0.995 "
                         "--epochs 0 --quiet");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string sample = "textgen sample --model " + tiny;
  const auto sampled = run_cli(sample + " --length 3");
  EXPECT_EQ(sampled.status, 0) << sampled.output;
  for (const auto& [flag, value] :
       std::vector<std::pair<std::string, std::string>>{{"--temperature", "-1"},
                                                        {"--temperature", "nan"},
                                                        {"--top-k", "-3"},
                                                        {"--top-p", "0"},
                                                        {"--top-p", "1.5"},
                                                        {"--length", "-1"}}) {
    calls.push_back({sample + " " + flag + " " + value, flag});
  }
  calls.push_back({sample + " --prompt \"\"", "--prompt is empty"});
  calls.push_back({sample + " --prompt \"Call me Ishmael \u00a9\"", "U+00A9"});
  expect_rejected(calls);
}

TEST_F(CliRobustness, Seq2seq) {
  // 200 pairs of the shipped dates, and one file whose second pair has no target.
  const std::string pairs = (root_ / "pairs.tsv").string();
  const std::string no_target = (root_ / "no_target.tsv").string();
  {
    std::ifstream dates(std::string(RECUR_SOURCE_DIR) + "/data/dates.tsv");
    std::ofstream out(pairs);
    std::string line;
    for (int i = 0; i < 200 && std::getline(dates, line); ++i) out << line << "\n";
    std::ofstream(no_target) << "march 3rd, 1999\t1999-03-03\n3/4/21\t\n";
  }
  const std::string train = "seq2seq train --data " + pairs + " --out {run} --quiet";
  std::vector<BadCall> calls;
  const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"--hidden", {"0", "2.5"}},
      {"--layers", {"0"}},
      {"--epochs", {"-1"}},
      {"--batch-size", {"0"}},
      {"--lr", {"0", "inf"}},
      {"--val-fraction", {"1"}},
      {"--model", {"rnn"}},
      {"--level", {"byte"}},
      {"--attention", {"luong"}},
      {"--bridge", {"mean"}},
      {"--teacher-forcing", {"cubic"}},
      {"--tf-start", {"1.5", "nan"}},
      {"--tf-rate", {"0"}},
      {"--tf-k", {"0.5"}},
      {"--beam-width", {"0", "-1"}},
      {"--max-length", {"0"}},
      {"--length-penalty", {"-1"}},
  };
  for (const auto& [flag, values] : flags) {
    for (const std::string& v : values) calls.push_back({train + " " + flag + " " + v, flag});
  }
  calls.push_back({"seq2seq train --data {fifo} --out {run}", "{fifo}"});
  calls.push_back({"seq2seq train --data " + no_target + " --out {run}", no_target + ":2:"});
  // The ISO target (10 characters and <eos>) cannot be written in 5 steps.
  calls.push_back({train + " --max-length 5", pairs + ":1: the target has 10 tokens"});
  calls.push_back({"seq2seq translate --model {dir} --text x", "config.json"});
  calls.push_back({"seq2seq translate --model {run} --text x", "recur.seq2seq.v1"});
  // A tiny trained model for translate's and evaluate's flags.
  const std::string tiny = (root_ / "tiny_seq2seq").string();
  const auto r = run_cli("seq2seq train --data " + pairs + " --out " + tiny +
                         " --hidden 4 --embedding-dim 2 --epochs 0 --max-length 12 --quiet");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string translate = "seq2seq translate --model " + tiny;
  calls.push_back({translate + " --text x --beam-width 0", "--beam-width"});
  calls.push_back({translate + " --text \"\"", "text 1 is empty"});
  calls.push_back({translate, "--text"});
  calls.push_back({translate + " --data " + no_target, no_target + ":2:"});
  calls.push_back({"seq2seq evaluate --model " + tiny + " --data {fifo}", "{fifo}"});
  calls.push_back({"seq2seq evaluate --model " + tiny + " --data " + pairs + " --beam-width 1001",
                   "--beam-width"});
  expect_rejected(calls);
}

TEST_F(CliRobustness, RunAndBench) {
  const std::string weights =
      testing::fixture_path("cli/lstm_packed/weights.safetensors") + " --prefix encoder";
  std::vector<BadCall> calls = {
      {"run --weights {fifo} --input {fifo} --out {dir}", "{fifo}"},
      {"run --weights {dir} --input {fifo} --out {dir}", "{dir}"},
      {"run --weights " + weights + " --input /nonexistent.npy --out {dir}", "/nonexistent.npy"},
      {"run --weights " + weights + " --input {fifo} --out {dir}", "{fifo}"},
      {"run --weights " + weights + " --input {file} --out {dir} --hidden-size -3",
       "--hidden-size"},
      {"run --weights " + weights + " --input {file} --out {dir} --config {fifo}", "{fifo}"},
      {"bench -T 0", "--seq-len"},
      {"bench -B -1", "--batch"},
      {"bench -H 1e9", "--hidden-size"},
      {"bench --threads -1", "--threads"},
      {"bench --reps 0", "--reps"},
      {"bench --min-time nan", "--min-time"},
      {"bench --mode fast", "--mode"},
  };
  expect_rejected(calls);
}

}  // namespace
}  // namespace recur
