// AtomicFile: writes a file so that readers see either its old content or the complete new one,
// never a half-written file. The bytes go to "<path>.tmp-XXXXXX" in the same directory (so the
// final rename stays on one file system); commit() flushes them to disk (fsync) and renames the
// temporary over `path`. If commit() is never reached (an exception, an early return) the
// destructor removes the temporary and an existing `path` is left untouched.
//
//   AtomicFile out(path);
//   out.write(header);
//   out.write(payload.data(), payload.size());
//   out.commit();
//
// Every failure throws recur::IoError naming the file and the system error.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace recur::io {

// The suffix of an AtomicFile's temporary: "<path>" + kTemporarySuffix + six characters.
inline constexpr std::string_view kTemporarySuffix = ".tmp-";

// Removes every AtomicFile temporary under `dir` (recursively): what writes cut short by a
// killed process left; never a complete file.
void remove_abandoned_temporaries(const std::filesystem::path& dir);

class AtomicFile {
 public:
  // Creates the temporary file next to `path`.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  // fsync, close, rename over the target, fsync the directory. The object is spent afterwards.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  void abandon() noexcept;  // closes and removes the temporary
  [[noreturn]] void fail(const std::string& what);

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Replaces `path` with `contents` atomically (AtomicFile in one call).
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace recur::io
