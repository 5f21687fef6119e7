// StagedRunFolder: a run folder that appears whole or not at all. A training command writes every
// file of its run (weights, config, metrics, report, plots, checkpoint) into "<target>.partial/"
// beside the target, and commit() then swaps that folder with the target in one rename (Linux's
// renameat2 RENAME_EXCHANGE; two renames where a file system lacks it) and removes the previous
// run. Until commit() a reader of <target> sees the previous run, complete; a command that fails
// changes nothing there. Its staging folder is removed, unless it holds a training checkpoint: that
// stays (as it does when a process is killed outright) for `--resume` to continue from.
//
//   io::StagedRunFolder run(out_dir, {.resume = resume});
//   write_file_atomically(run.file("config.json"), ...);   // ... every file of the run
//   run.commit();                                          // <out_dir> now holds the new run
//
// The target must be absent, an empty folder, or an earlier run (a folder whose config.json says
// `"format": "recur.`): a folder of someone's other files is never replaced. Errors are IoError
// naming the folder.
#pragma once

#include <filesystem>
#include <string>

namespace recur::io {

struct StagedRunOptions {
  // Keep an existing staging folder (an interrupted run to continue); otherwise start it empty.
  bool resume = false;
  // A failed run keeps its staging folder when this file is in it (a training checkpoint: what
  // --resume continues from); otherwise the staging folder is removed.
  std::string keep_with = "checkpoint.safetensors";
};

class StagedRunFolder {
 public:
  explicit StagedRunFolder(std::filesystem::path target, StagedRunOptions options = {});
  ~StagedRunFolder();
  StagedRunFolder(const StagedRunFolder&) = delete;
  StagedRunFolder& operator=(const StagedRunFolder&) = delete;

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& staging() const { return staging_; }
  // The path of `name` inside the staging folder.
  std::string file(const std::string& name) const;

  // Puts the staged run in place of the target (durably: the folder is synced before and after).
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::string keep_with_;
  bool committed_ = false;
};

// The staging folder StagedRunFolder uses for `target`: "<target>.partial".
std::filesystem::path staging_path(const std::filesystem::path& target);

// Throws IoError unless `dir` is absent, empty, or a folder recur wrote a run into.
void check_replaceable_run_folder(const std::filesystem::path& dir);

}  // namespace recur::io
