// The readers under test take file paths, so every fuzz input is written to one scratch file per
// process first: in /dev/shm when there is one (no disk I/O per input), else the temp directory.
// The file is removed when the process exits normally; a crash leaves it behind, harmlessly.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "recur/tensor/error.h"

namespace recur::fuzz {

class ScratchFile {
 public:
  explicit ScratchFile(const std::string& suffix) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    path_ = (dir / ("recur_fuzz_" + std::to_string(::getpid()) + suffix)).string();
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's contents with the input; returns its path.
  const std::string& write(const uint8_t* data, size_t size) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) throw std::runtime_error("fuzz: cannot write " + path_);
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace recur::fuzz
