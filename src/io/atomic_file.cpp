#include "recur/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "recur/tensor/error.h"

namespace recur::io {
namespace {

std::string errno_text() { return std::strerror(errno); }

// The permissions a plain open(O_CREAT, 0666) would give, since mkstemp creates files 0600.
// The umask is read from /proc rather than with umask() because setting it is process-wide.
mode_t default_file_mode() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) {
      return 0666 & ~static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    }
  }
  return 0644;
}

// Makes the rename itself durable; failure only weakens durability, so it is not reported.
void sync_directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::filesystem::path dir = parent.empty() ? std::filesystem::path(".") : parent;
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::string pattern = path_ + std::string(kTemporarySuffix) + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  fd_ = ::mkostemp(buffer.data(), O_CLOEXEC);
  if (fd_ < 0) {
    throw IoError(path_ + ": cannot create temporary file " + pattern + ": " + errno_text());
  }
  temp_path_ = buffer.data();
  struct stat existing {};
  mode_t mode =
      ::stat(path_.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : default_file_mode();
  if (::fchmod(fd_, mode) != 0) fail("cannot set permissions");
}

AtomicFile::~AtomicFile() {
  if (!committed_) abandon();
}

void AtomicFile::abandon() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

void AtomicFile::fail(const std::string& what) {
  std::string message = path_ + ": " + what + " (" + temp_path_ + "): " + errno_text();
  abandon();
  throw IoError(message);
}

void AtomicFile::write(const void* data, size_t size) {
  if (fd_ < 0) throw IoError(path_ + ": write after commit or failure");
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, bytes, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw IoError(path_ + ": commit after commit or failure");
  if (::fsync(fd_) != 0) fail("fsync failed");
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close failed");
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail("rename failed");
  committed_ = true;
  temp_path_.clear();
  sync_directory_of(path_);
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicFile file(path);
  file.write(contents);
  file.commit();
}

void remove_abandoned_temporaries(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> abandoned;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const size_t at = name.rfind(kTemporarySuffix);
    // mkstemp's six characters follow the suffix, and nothing else.
    if (at != std::string::npos && at + kTemporarySuffix.size() + 6 == name.size() &&
        it->is_regular_file(ec)) {
      abandoned.push_back(it->path());
    }
  }
  for (const fs::path& p : abandoned) fs::remove(p, ec);
}

}  // namespace recur::io
