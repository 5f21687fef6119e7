// Helpers shared by the test binaries: where the committed fixtures live, reading files, and a
// scratch folder per test.
#pragma once

#include <filesystem>
#include <string>

namespace recur::testing {

// Absolute path of a file under tests/fixtures/.
std::string fixture_path(const std::string& relative);

// The whole content of a file ("" if it cannot be read).
std::string file_bytes(const std::string& path);

// The running test's name ("Suite.Test"); "" outside a test (e.g. in SetUpTestSuite).
std::string current_test_name();

// A fresh, empty folder under the system's temporary directory, removed with everything in it
// when the object goes: recur_<name>_<process id> (the process id: other builds of the same test
// may run at the same time). `dir / "file"` and `dir.file("file")` are paths inside it.
class TempDir {
 public:
  explicit TempDir(const std::string& name = current_test_name());
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string operator/(const std::string& name) const { return file(name); }

 private:
  std::filesystem::path path_;
};

}  // namespace recur::testing
