// Runs the `recur` program from a test: its exit status and everything it printed (stdout and
// stderr together). Every run is bounded by `timeout`, so a command that blocks (a FIFO read, a
// hang) fails its test instead of stalling the suite.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace recur::testing {

// The CLI lives next to the tests folder of the build tree (build/recur, build/tests/test_apps)
// unless the build says where.
inline std::string cli_path() {
#ifdef RECUR_CLI_PATH
  return RECUR_CLI_PATH;
#else
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "recur")
      .string();
#endif
}

struct CliResult {
  int status = -1;     // exit status; 124 when the time limit ended it; -1 when a signal did
  std::string output;  // stdout and stderr
};

inline CliResult run_cli(const std::string& arguments, int timeout_seconds = 120) {
  CliResult result;
  const std::string command = "timeout -k 5 " + std::to_string(timeout_seconds) + " " + cli_path() +
                              " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 512> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace recur::testing
