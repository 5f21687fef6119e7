#include "recur/apps/compare/parameter_budget.h"

#include <cstdlib>

#include "recur/tensor/error.h"

namespace recur::compare {

int64_t parameter_count(ModelKind kind, const ModelShape& shape, int64_t width) {
  Generator gen(0);
  return make_model(kind, shape, width, gen)->num_parameters();
}

MatchedWidth match_width(ModelKind kind, const ModelShape& shape, int64_t budget) {
  if (budget < 1) {
    throw ValueError("parameter budget " + std::to_string(budget) + ": expected at least 1");
  }
  const int64_t step = width_step(kind);
  auto count = [&](int64_t units) { return parameter_count(kind, shape, units * step); };
  // Counts grow with the width: find the last width (in steps) within the budget by doubling
  // then bisecting, then take it or the next one, whichever is closer.
  int64_t low = 1, high = 1;
  while (count(high) <= budget) {
    low = high;
    high *= 2;
  }
  if (count(low) > budget) return {.width = step, .parameters = count(1)};
  while (high - low > 1) {
    const int64_t mid = low + (high - low) / 2;
    (count(mid) <= budget ? low : high) = mid;
  }
  const int64_t below = count(low), above = count(high);
  if (above - budget < budget - below) return {.width = high * step, .parameters = above};
  return {.width = low * step, .parameters = below};
}

}  // namespace recur::compare
