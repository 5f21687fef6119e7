#include "test_support.h"

namespace recur::testing {

std::string fixture_path(const std::string& relative) {
  return std::string(RECUR_FIXTURE_DIR) + "/" + relative;
}

}  // namespace recur::testing
