// `recur compare` end to end: --quick writes the whole run folder (and nothing half-written), the
// same seed gives the same numbers, and bad flags are usage errors (exit 2) naming the flag.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "png_check.h"

namespace recur::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct CompareDir {
  fs::path path =
      fs::temp_directory_path() / ("recur_compare_cli_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  CompareDir() { fs::remove_all(path); }
  ~CompareDir() { fs::remove_all(path); }
  std::string run(const std::string& name) const { return (path / name).string(); }
};

json read_json(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

// metrics.json without what the clock and the allocator decide.
json without_timings(json metrics) {
  for (auto& task : metrics["tasks"]) {
    for (auto& model : task["models"]) {
      for (const char* key : {"seconds", "median_step_ms", "peak_memory_bytes"}) model.erase(key);
    }
  }
  return metrics;
}

TEST(CompareCli, QuickWritesTheRunFolder) {
  CompareDir dir;
  const std::string out = dir.run("quick");
  const CliResult r = run_cli("compare --quick --threads 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Wrote " + out), std::string::npos) << r.output;
  for (const char* file : {"config.json", "metrics.json", "report.md"}) {
    EXPECT_TRUE(fs::exists(fs::path(out) / file)) << file;
  }
  EXPECT_FALSE(fs::exists(out + ".partial"));
  const json m = read_json(fs::path(out) / "metrics.json");
  ASSERT_EQ(m["tasks"].size(), 3u);
  for (const auto& task : m["tasks"]) {
    ASSERT_EQ(task["models"].size(), 4u) << task["name"];
    expect_png((fs::path(out) / ("curves_" + task["name"].get<std::string>() + ".png")).string(),
               1200, 700);
    for (const auto& model : task["models"]) {
      EXPECT_EQ(model["steps_run"], 30);
      EXPECT_GT(model["parameters"].get<int64_t>(), 0);
      EXPECT_EQ(model["curve"]["step"].size(), 3u);
    }
  }
  std::ifstream report(fs::path(out) / "report.md");
  const std::string text((std::istreambuf_iterator<char>(report)), {});
  EXPECT_NE(text.find("## adding-20"), std::string::npos);
  EXPECT_NE(text.find("| vanilla RNN |"), std::string::npos);
  EXPECT_EQ(read_json(fs::path(out) / "config.json")["format"], "recur.compare");
  // A second run replaces the first (its own earlier run folder).
  EXPECT_EQ(run_cli("compare --quick --threads 1 --quiet --models gru --out " + out).status, 0);
  EXPECT_EQ(read_json(fs::path(out) / "metrics.json")["tasks"][0]["models"].size(), 1u);
}

TEST(CompareCli, TheSameSeedGivesTheSameNumbers) {
  CompareDir dir;
  const std::string flags =
      "compare --quick --threads 1 --quiet --tasks adding-12,parity-6 --seed 7 --out ";
  ASSERT_EQ(run_cli(flags + dir.run("a")).status, 0);
  ASSERT_EQ(run_cli(flags + dir.run("b")).status, 0);
  const json a = without_timings(read_json(dir.path / "a" / "metrics.json"));
  const json b = without_timings(read_json(dir.path / "b" / "metrics.json"));
  EXPECT_EQ(a, b);
  const std::string other =
      "compare --quick --threads 1 --quiet --tasks adding-12,parity-6 "
      "--seed 8 --out " +
      dir.run("c");
  ASSERT_EQ(run_cli(other).status, 0);
  EXPECT_NE(a["tasks"], without_timings(read_json(dir.path / "c" / "metrics.json"))["tasks"]);
}

TEST(CompareCli, JsonOnStdout) {
  CompareDir dir;
  const CliResult r = run_cli(
      "compare --quick --threads 1 --json --models lstm --tasks copy-3 --out " + dir.run("j"));
  ASSERT_EQ(r.status, 0) << r.output;
  const json j = json::parse(r.output);
  EXPECT_EQ(j["tasks"][0]["name"], "copy-3");
  EXPECT_EQ(j["tasks"][0]["baseline"]["expected_metric"], 0.125);
  EXPECT_FALSE(j["tasks"][0]["models"][0].contains("curve"));
}

TEST(CompareCli, BadFlagsAreUsageErrorsNamingTheFlag) {
  CompareDir dir;
  const std::string out = " --out " + dir.run("bad");
  for (const auto& [flags, flag] :
       std::vector<std::pair<std::string, std::string>>{{"--steps 0", "--steps"},
                                                        {"--params -5", "--params"},
                                                        {"--time-cap nan", "--time-cap"},
                                                        {"--tasks adding-0", "--tasks"},
                                                        {"--tasks sorting-10", "--tasks"},
                                                        {"--models lstm,mamba", "--models"},
                                                        {"--lr 0", "--lr"},
                                                        {"--batch-size 2.5", "--batch-size"},
                                                        {"--no-such-flag", "--no-such-flag"}}) {
    const CliResult r = run_cli("compare --quick " + flags + out);
    EXPECT_EQ(r.status, 2) << flags << "\n" << r.output;
    EXPECT_NE(r.output.find(flag), std::string::npos) << flags << "\n" << r.output;
  }
  EXPECT_FALSE(fs::exists(dir.path / "bad"));
  const CliResult help = run_cli("compare --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("Example:"), std::string::npos);
  EXPECT_NE(help.output.find("--time-cap"), std::string::npos);
}

TEST(CompareCli, AFolderOfOtherFilesIsNotReplaced) {
  CompareDir dir;
  fs::create_directories(dir.path / "mine");
  std::ofstream(dir.path / "mine" / "notes.txt") << "keep me";
  const CliResult r = run_cli("compare --quick --quiet --out " + dir.run("mine"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(fs::exists(dir.path / "mine" / "notes.txt"));
}

}  // namespace
}  // namespace recur::testing
