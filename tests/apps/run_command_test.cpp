// `recur run` end to end: the CLI applied to committed weights and inputs must reproduce
// PyTorch's outputs (tools/fixtures/make_cli_fixtures.py), and bad input must fail with a
// non-zero status and a message naming the problem.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_runner.h"
#include "recur/io/npy.h"
#include "recur/io/safetensors.h"
#include "test_support.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

using testing::cli_path;
using Result = testing::CliResult;
Result run_cli(const std::string& arguments) { return testing::run_cli(arguments); }

class RunCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(cli_path())) << "build the `recur` CLI first: " << cli_path();
    out_ = fs::temp_directory_path() / ("recur_run_test_" + std::to_string(getpid()));
  }
  void TearDown() override { fs::remove_all(out_); }

  static std::string fixture(const std::string& case_name, const std::string& file) {
    return testing::fixture_path("cli/" + case_name + "/" + file);
  }
  std::string out_arg() const { return " --out " + out_.string(); }

  // Every tensor of expected.safetensors must match out_/<name>.npy.
  void expect_pytorch_results(const std::string& case_name) {
    for (const auto& [name, expected] :
         io::load_safetensors(fixture(case_name, "expected.safetensors"))) {
      const Tensor actual = io::read_npy((out_ / (name + ".npy")).string());
      ASSERT_EQ(actual.shape(), expected.shape()) << case_name << " " << name;
      EXPECT_LE(max_abs_diff(actual, expected), 2e-6f) << case_name << " " << name;
    }
  }

  fs::path out_;
};

TEST_F(RunCommand, PackedBidirectionalProjectedLstmUnderAPrefix) {
  const std::string c = "lstm_packed";
  Result r =
      run_cli("run --weights " + fixture(c, "weights.safetensors") + " --prefix encoder" +
              " --input " + fixture(c, "input.npy") + " --lengths " + fixture(c, "lengths.npy") +
              " --h0 " + fixture(c, "h0.npy") + " --c0 " + fixture(c, "c0.npy") + out_arg());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(out_ / "c_n.npy"));
  expect_pytorch_results(c);
}

TEST_F(RunCommand, BatchFirstGruWithOptionsFromFlagsOrConfig) {
  const std::string c = "gru_batch_first";
  const std::string common =
      "run --weights " + fixture(c, "weights.safetensors") + " --input " + fixture(c, "input.npy");
  Result r = run_cli(common + " --cell gru --hidden-size 4 --batch-first" + out_arg());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(fs::exists(out_ / "c_n.npy"));
  expect_pytorch_results(c);

  fs::remove_all(out_);
  fs::create_directories(out_);
  const fs::path config = out_ / "config.json";
  std::ofstream(config) << R"({"cell": "gru", "input_size": 2, "batch_first": true})";
  r = run_cli(common + " --config " + config.string() + out_arg());
  ASSERT_EQ(r.status, 0) << r.output;
  expect_pytorch_results(c);
}

TEST_F(RunCommand, ReluRnnWithoutBias) {
  const std::string c = "rnn_relu_no_bias";
  Result r = run_cli("run --weights " + fixture(c, "weights.safetensors") + " --cell rnn_relu" +
                     " --no-bias --input " + fixture(c, "input.npy") + " --h0 " +
                     fixture(c, "h0.npy") + out_arg());
  ASSERT_EQ(r.status, 0) << r.output;
  expect_pytorch_results(c);
}

TEST_F(RunCommand, BadInputFailsWithAClearMessage) {
  const std::string lstm = fixture("lstm_packed", "weights.safetensors");
  const std::string gru = fixture("gru_batch_first", "weights.safetensors");
  const std::string lstm_input = fixture("lstm_packed", "input.npy");
  struct Case {
    std::string arguments, message;
  };
  const Case cases[] = {
      {"--weights missing.safetensors --input " + lstm_input, "missing.safetensors"},
      {"--weights " + lstm + " --prefix encoder --input missing_input.npy", "missing_input.npy"},
      {"--weights " + lstm + " --input " + lstm_input, "--prefix encoder"},
      {"--weights " + lstm + " --prefix encoder --input " + fixture("gru_batch_first", "input.npy"),
       "expected [T, B, 3], got [2, 5, 2]"},
      {"--weights " + lstm + " --prefix encoder --hidden-size 7 --input " + lstm_input,
       "hidden_size = 7 disagrees with the weights"},
      {"--weights " + lstm + " --prefix encoder --cell gru --input " + lstm_input,
       "--cell gru needs 3 gates"},
      {"--weights " + fixture("rnn_relu_no_bias", "weights.safetensors") + " --input " +
           fixture("rnn_relu_no_bias", "input.npy"),
       "--cell rnn_tanh or --cell rnn_relu"},
      {"--weights " + gru + " --batch-first --input " + fixture("gru_batch_first", "input.npy") +
           " --lengths " + fixture("lstm_packed", "lengths.npy"),
       "expected one length per sequence"},
  };
  for (const Case& c : cases) {
    Result r = run_cli("run " + c.arguments + out_arg());
    EXPECT_NE(r.status, 0) << c.arguments;
    EXPECT_NE(r.output.find(c.message), std::string::npos)
        << "expected \"" << c.message << "\" in: " << r.output;
    EXPECT_FALSE(fs::exists(out_ / "output.npy")) << c.arguments;
  }
}

}  // namespace
}  // namespace recur
