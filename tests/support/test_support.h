// Helpers shared by the test binaries: where the committed fixtures live, reading files.
#pragma once

#include <string>

namespace recur::testing {

// Absolute path of a file under tests/fixtures/.
std::string fixture_path(const std::string& relative);

// The whole content of a file ("" if it cannot be read).
std::string file_bytes(const std::string& path);

}  // namespace recur::testing
