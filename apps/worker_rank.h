// What `recur` does differently as a worker rank (rank 1..N-1) of `mpirun -np N recur <job> train
// ...` (docs/DISTRIBUTED.md). Every rank runs the whole command, so that the training loop's
// collective operations meet; rank 0 alone writes the run folder and prints the result. A worker
// therefore writes its run folder into a private temporary folder (every --out value is
// replaced; the folder is removed when the command ends) and prints nothing on standard output.
// Its errors still reach standard error: a rank that fails ends the whole job.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace recur::cli {

class WorkerRank {
 public:
  // Rewrites argv in place (its strings then live in this object); does nothing on rank 0.
  WorkerRank(int rank, int argc, char** argv) {
    if (rank == 0) return;
    private_dir_ = std::filesystem::temp_directory_path() /
                   ("recur-rank" + std::to_string(rank) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(private_dir_);
    const std::string out = (private_dir_ / "run").string();
    strings_.reserve(static_cast<size_t>(argc));  // no reallocation: argv points into it
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--out" && i + 1 < argc) {
        argv[i + 1] = keep(out);
        ++i;
      } else if (arg.rfind("--out=", 0) == 0) {
        argv[i] = keep("--out=" + out);
      }
    }
    saved_cout_ = std::cout.rdbuf(nullptr);  // a stream without a buffer drops what it is given
  }
  ~WorkerRank() {
    if (private_dir_.empty()) return;
    std::cout.rdbuf(saved_cout_);
    std::error_code ignored;
    std::filesystem::remove_all(private_dir_, ignored);
  }
  WorkerRank(const WorkerRank&) = delete;
  WorkerRank& operator=(const WorkerRank&) = delete;

 private:
  char* keep(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back().data();
  }

  std::filesystem::path private_dir_;
  std::vector<std::string> strings_;
  std::streambuf* saved_cout_ = nullptr;
};

}  // namespace recur::cli
