// Helpers shared by the test binaries: where the committed fixtures live.
#pragma once

#include <string>

namespace recur::testing {

// Absolute path of a file under tests/fixtures/.
std::string fixture_path(const std::string& relative);

}  // namespace recur::testing
