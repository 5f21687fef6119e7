#include "recur/io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::io {
namespace {

using recur::testing::TempDir;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t entries_in(const std::filesystem::path& dir) {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, CommitReplacesTheTarget) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  write_file_atomically(path, "old");
  AtomicFile file(path);
  EXPECT_EQ(file.temp_path().rfind(path + ".tmp-", 0), 0u) << file.temp_path();
  EXPECT_TRUE(std::filesystem::exists(file.temp_path()));
  file.write("new ");
  file.write("content");
  EXPECT_EQ(file_bytes(path), "old");  // readers see the old file until the rename
  file.commit();
  EXPECT_EQ(file_bytes(path), "new content");
  EXPECT_EQ(entries_in(dir.path()), 1u);
  EXPECT_THROW(file.write("more"), IoError);
}

TEST(AtomicFile, AbandonedWriteRemovesTheTemporaryAndKeepsTheTarget) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  write_file_atomically(path, "precious");
  try {
    AtomicFile file(path);
    file.write("half of the new");
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(file_bytes(path), "precious");
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(AtomicFile, KeepsTheModeOfAnExistingFile) {
  TempDir dir;
  const std::string path = dir.file("mode.bin");
  write_file_atomically(path, "a");
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  write_file_atomically(path, "b");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
}

TEST(AtomicFile, NewFileIsNotPrivate) {
  // mkstemp creates 0600 files; a saved model must be as readable as any other file.
  TempDir dir;
  const std::string path = dir.file("new.bin");
  write_file_atomically(path, "x");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  const mode_t mask = ::umask(022);
  ::umask(mask);
  EXPECT_EQ(info.st_mode & 0777, 0666u & ~mask);
}

TEST(AtomicFile, UnwritableDirectoryNamesTheFile) {
  const std::string path = "/nonexistent_recur_dir/out.bin";
  try {
    AtomicFile file(path);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, RenameOntoADirectoryFailsCleanly) {
  TempDir dir;
  const std::string path = dir.file("occupied");
  std::filesystem::create_directory(path);
  std::filesystem::create_directory(path + "/child");  // a non-empty directory cannot be replaced
  AtomicFile file(path);
  file.write("data");
  EXPECT_THROW(file.commit(), IoError);
  EXPECT_TRUE(std::filesystem::is_directory(path));
  EXPECT_EQ(entries_in(dir.path()), 1u) << "the temporary file was left behind";
}

}  // namespace
}  // namespace recur::io
