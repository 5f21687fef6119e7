#include "test_support.h"

#include <fstream>
#include <iterator>

namespace recur::testing {

std::string fixture_path(const std::string& relative) {
  return std::string(RECUR_FIXTURE_DIR) + "/" + relative;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace recur::testing
