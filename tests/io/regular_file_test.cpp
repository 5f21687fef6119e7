#include "recur/io/regular_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>

#include "expect_error.h"
#include "recur/io/csv.h"
#include "recur/io/npy.h"
#include "recur/io/safetensors.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::io {
namespace {

using recur::testing::Contains;
using recur::testing::TempDir;

// The IoError message of `read(path)`, which must come at once: a reader that opens a FIFO with a
// blocking open() would wait for a writer forever. If it has not returned after a few seconds the
// test opens the FIFO for writing to release it, and fails.
std::string error_without_blocking(const std::function<void(const std::string&)>& read,
                                   const std::string& fifo) {
  auto result = std::async(std::launch::async, [&] {
    return recur::testing::error_message<IoError>([&] { read(fifo); });
  });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << "reading " << fifo << " blocked";
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  return result.get();
}

class RegularFile : public ::testing::Test {
 protected:
  void SetUp() override {
    fifo_ = dir_.file("pipe");
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
  }
  TempDir dir_;
  std::string fifo_;
};

TEST_F(RegularFile, EveryReaderRefusesAFifoWithoutBlocking) {
  const std::vector<std::pair<const char*, std::function<void(const std::string&)>>> readers = {
      {"read_regular_file", [](const std::string& p) { read_regular_file(p); }},
      {"require_regular_file", [](const std::string& p) { require_regular_file(p); }},
      {"read_csv", [](const std::string& p) { read_csv(p); }},
      {"read_npy", [](const std::string& p) { read_npy(p); }},
      {"read_npy_int64", [](const std::string& p) { read_npy_int64(p); }},
      {"read_safetensors", [](const std::string& p) { read_safetensors(p); }},
  };
  for (const auto& [name, read] : readers) {
    EXPECT_EQ(error_without_blocking(read, fifo_), fifo_ + ": not a regular file (a FIFO)") << name;
  }
}

TEST_F(RegularFile, DirectoriesAndDevicesAreRefused) {
  const std::vector<std::function<void(const std::string&)>> readers = {
      [](const std::string& p) { read_regular_file(p); },
      [](const std::string& p) { require_regular_file(p); },
  };
  for (const auto& read : readers) {
    const std::string dir = dir_.path().string();
    EXPECT_EQ(recur::testing::error_message<IoError>([&] { read(dir); }),
              dir + ": not a regular file (a directory)");
    EXPECT_EQ(recur::testing::error_message<IoError>([&] { read("/dev/zero"); }),
              "/dev/zero: not a regular file (a character device)");
    EXPECT_TRUE(Contains(recur::testing::error_message<IoError>([&] { read(dir_.file("none")); }),
                         "none: cannot open: No such file or directory"));
  }
}

TEST_F(RegularFile, ReadsRegularFilesAndLinksToThem) {
  const std::string path = dir_.file("a.txt");
  std::ofstream(path, std::ios::binary) << std::string("x\0y", 3);
  EXPECT_EQ(read_regular_file(path), std::string("x\0y", 3));
  const std::string link = dir_.file("link");
  ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
  EXPECT_EQ(read_regular_file(link), std::string("x\0y", 3));
  EXPECT_NO_THROW(require_regular_file(link));
}

}  // namespace
}  // namespace recur::io
