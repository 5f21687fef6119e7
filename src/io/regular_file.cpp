#include "recur/io/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "recur/tensor/error.h"

namespace recur::io {
namespace {

// Closes the descriptor on every path out of read_regular_file.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "an unknown kind of file";
}

void check_mode(const std::string& path, mode_t mode) {
  if (!S_ISREG(mode)) throw IoError(path + ": not a regular file (" + kind_of(mode) + ")");
}

}  // namespace

void require_regular_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw IoError(path + ": cannot open: " + std::strerror(errno));
  }
  check_mode(path, info.st_mode);
}

std::string read_regular_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It changes nothing
  // for regular files, whose reads never block.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw IoError(path + ": cannot open: " + std::strerror(errno));
  FdCloser closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw IoError(path + ": cannot stat: " + std::strerror(errno));
  check_mode(path, info.st_mode);
  std::string bytes(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError(path + ": read failed: " + std::strerror(errno));
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace recur::io
