// Internal to src/io: reading a whole file into memory with errors that name it.
#pragma once

#include <string>

namespace recur::io::detail {

// The file's bytes. Throws IoError naming `path` if it cannot be opened or read.
std::string read_file_bytes(const std::string& path);

}  // namespace recur::io::detail
