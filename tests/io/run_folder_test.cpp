#include "recur/io/run_folder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::io {
namespace {

namespace fs = std::filesystem;
using testing::file_bytes;
using testing::TempDir;

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// A folder holding what a previous recur run left.
void make_run(const fs::path& dir, const std::string& weights) {
  fs::create_directories(dir);
  write(dir / "config.json", "{\n  \"format\": \"recur.forecast.v1\"\n}\n");
  write(dir / "model.safetensors", weights);
}

TEST(StagedRunFolder, CommitPutsANewRunInPlace) {
  TempDir tmp;
  const fs::path target = tmp.path() / "run";
  {
    StagedRunFolder run(target);
    write(run.file("model.safetensors"), "new");
    EXPECT_FALSE(fs::exists(target));  // nothing visible before commit
    run.commit();
  }
  EXPECT_EQ(file_bytes((target / "model.safetensors").string()), "new");
  EXPECT_FALSE(fs::exists(staging_path(target)));
}

TEST(StagedRunFolder, CommitReplacesThePreviousRunWhole) {
  TempDir tmp;
  const fs::path target = tmp.path() / "run";
  make_run(target, "old");
  write(target / "plot.png", "old plot");
  StagedRunFolder run(target);
  write(run.file("model.safetensors"), "new");
  EXPECT_EQ(file_bytes((target / "model.safetensors").string()), "old");
  run.commit();
  EXPECT_EQ(file_bytes((target / "model.safetensors").string()), "new");
  EXPECT_FALSE(fs::exists(target / "plot.png"));  // nothing of the old run mixes in
  EXPECT_FALSE(fs::exists(staging_path(target)));
}

TEST(StagedRunFolder, AFailureLeavesThePreviousRunAndNoStagingFolder) {
  TempDir tmp;
  const fs::path target = tmp.path() / "run";
  make_run(target, "old");
  try {
    StagedRunFolder run(target);
    write(run.file("model.safetensors"), "half");
    throw std::runtime_error("training failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(file_bytes((target / "model.safetensors").string()), "old");
  EXPECT_FALSE(fs::exists(staging_path(target)));
}

TEST(StagedRunFolder, AFailedRunKeepsItsCheckpointForResume) {
  TempDir tmp;
  const fs::path target = tmp.path() / "run";
  try {
    StagedRunFolder run(target);
    write(run.file("checkpoint.safetensors"), "epoch 3");
    throw std::runtime_error("disk full");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(file_bytes((staging_path(target) / "checkpoint.safetensors").string()), "epoch 3");
  {
    StagedRunFolder resumed(target, {.resume = true});  // resuming keeps it
    EXPECT_TRUE(fs::exists(resumed.file("checkpoint.safetensors")));
  }
  StagedRunFolder fresh(target);  // a fresh run starts empty
  EXPECT_FALSE(fs::exists(fresh.file("checkpoint.safetensors")));
}

// A process killed while it wrote a checkpoint leaves the write's temporary beside it; resuming
// removes such leftovers (in subfolders too), so they never become part of the finished run,
// and keeps every complete file, including names that merely contain ".tmp-".
TEST(StagedRunFolder, ResumingRemovesTheTemporariesOfAKilledWrite) {
  TempDir tmp;
  const fs::path target = tmp.path() / "run";
  const fs::path staging = staging_path(target);
  fs::create_directories(staging / "series");
  write(staging / "checkpoint.safetensors", "epoch 3");
  write(staging / "checkpoint.safetensors.tmp-a1B2c3", "epoch 4, cut");
  write(staging / "series" / "checkpoint_2.safetensors.tmp-XyZ789", "cut");
  write(staging / "notes.tmp-keep.txt", "a file of its own");
  StagedRunFolder resumed(target, {.resume = true});
  EXPECT_EQ(file_bytes((staging / "checkpoint.safetensors").string()), "epoch 3");
  EXPECT_FALSE(fs::exists(staging / "checkpoint.safetensors.tmp-a1B2c3"));
  EXPECT_FALSE(fs::exists(staging / "series" / "checkpoint_2.safetensors.tmp-XyZ789"));
  EXPECT_TRUE(fs::exists(staging / "notes.tmp-keep.txt"));
}

// A many-series run keeps its checkpoints elsewhere: keep_with names the one that shows a
// network has trained (the first series').
TEST(StagedRunFolder, AFailedRunKeepsTheCheckpointItNames) {
  TempDir tmp;
  const fs::path target = tmp.path() / "run";
  try {
    StagedRunFolder run(target, {.keep_with = "series/checkpoint_1.safetensors"});
    fs::create_directories(run.staging() / "series");
    write(run.file("series/checkpoint_1.safetensors"), "epoch 2");
    throw std::runtime_error("series 2 failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(fs::exists(staging_path(target) / "series" / "checkpoint_1.safetensors"));
}

TEST(StagedRunFolder, RefusesToReplaceAnythingButARun) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "photos");
  write(tmp.path() / "photos" / "holiday.jpg", "jpeg");
  EXPECT_THROW(StagedRunFolder(tmp.path() / "photos"), IoError);
  write(tmp.path() / "notes.txt", "text");
  EXPECT_THROW(StagedRunFolder(tmp.path() / "notes.txt"), IoError);
  fs::create_directories(tmp.path() / "other");
  write(tmp.path() / "other" / "config.json", "{\"format\": \"someone else's\"}");
  EXPECT_THROW(StagedRunFolder(tmp.path() / "other"), IoError);
  EXPECT_EQ(file_bytes((tmp.path() / "photos" / "holiday.jpg").string()), "jpeg");
  fs::create_directories(tmp.path() / "empty");
  EXPECT_NO_THROW(StagedRunFolder(tmp.path() / "empty"));
}

}  // namespace
}  // namespace recur::io
