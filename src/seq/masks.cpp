#include "recur/seq/masks.h"

#include <algorithm>
#include <string>

namespace recur {

Tensor length_mask(const std::vector<int64_t>& lengths, bool batch_first,
                   std::optional<int64_t> max_length) {
  const int64_t longest = lengths.empty() ? 0 : *std::max_element(lengths.begin(), lengths.end());
  const int64_t steps = max_length.value_or(longest);
  if (steps < 0) {
    throw ValueError("length_mask: max_length must be >= 0, got " + std::to_string(steps));
  }
  for (size_t b = 0; b < lengths.size(); ++b) {
    if (lengths[b] < 0 || lengths[b] > steps) {
      throw ValueError("length_mask: lengths[" + std::to_string(b) +
                       "] = " + std::to_string(lengths[b]) + " must lie in [0, " +
                       std::to_string(steps) + "] (the mask's max_length)");
    }
  }
  const int64_t batch = static_cast<int64_t>(lengths.size());
  Tensor mask = Tensor::zeros(batch_first ? Shape{batch, steps} : Shape{steps, batch});
  float* m = mask.data();
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < lengths[b]; ++t) m[batch_first ? b * steps + t : t * batch + b] = 1.0f;
  }
  return mask;
}

}  // namespace recur
