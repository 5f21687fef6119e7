#include "recur/apps/compare/task.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "recur/apps/compare/adding_task.h"
#include "recur/apps/compare/copy_task.h"
#include "recur/apps/compare/date_task.h"
#include "recur/apps/compare/parity_task.h"
#include "recur/tensor/error.h"

namespace recur::compare {

std::unique_ptr<Task> make_task(const std::string& name) {
  const std::string expected =
      "expected adding-T, copy-T, parity-T or dates-T with T a whole number";
  const size_t dash = name.rfind('-');
  if (dash == std::string::npos) throw ValueError("unknown task \"" + name + "\": " + expected);
  const std::string kind = name.substr(0, dash), digits = name.substr(dash + 1);
  int64_t length = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  // Far longer sequences than anyone trains on here would only exhaust memory.
  constexpr int64_t kMaxLength = 100000;
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      length < 1 || length > kMaxLength) {
    throw ValueError("task \"" + name + "\": the length after '-' must be a whole number in [1, " +
                     std::to_string(kMaxLength) + "]");
  }
  if (kind == "adding") return std::make_unique<AddingTask>(length);
  if (kind == "copy") return std::make_unique<CopyTask>(length);
  if (kind == "parity") return std::make_unique<ParityTask>(length);
  if (kind == "dates") return std::make_unique<DateTask>(length);
  throw ValueError("unknown task \"" + name + "\": " + expected);
}

double majority_share(const std::vector<int64_t>& labels) {
  if (labels.empty()) return 0.0;
  std::map<int64_t, int64_t> counts;
  for (int64_t label : labels) ++counts[label];
  int64_t most = 0;
  for (const auto& [label, count] : counts) most = std::max(most, count);
  return static_cast<double>(most) / static_cast<double>(labels.size());
}

bool meets_threshold(const TaskSpec& spec, double value) {
  return spec.lower_is_better ? value < spec.threshold : value >= spec.threshold;
}

}  // namespace recur::compare
