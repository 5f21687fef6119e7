// Internal: float reductions over a row with explicit partial sums in kLanes lanes, which the
// compiler keeps in one vector register. A plain loop is not vectorised (it would reorder the
// additions, which the compiler may not do without -ffast-math), and its serial dependency
// chain costs a few cycles per element: more than the maths around it in a softmax or a norm.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace recur::ops_detail {

constexpr int64_t kLanes = 16;

inline float lane_sum(const float* x, int64_t n) {
  float acc[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) acc[l] += x[j + l];
  }
  float total = 0.0f;
  for (int64_t l = 0; l < kLanes; ++l) total += acc[l];
  for (; j < n; ++j) total += x[j];
  return total;
}

inline float lane_dot(const float* x, const float* y, int64_t n) {
  float acc[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) acc[l] += x[j + l] * y[j + l];
  }
  float total = 0.0f;
  for (int64_t l = 0; l < kLanes; ++l) total += acc[l];
  for (; j < n; ++j) total += x[j] * y[j];
  return total;
}

// The largest element (-inf for n == 0); NaN-free input assumed, as in a masked softmax.
inline float lane_max(const float* x, int64_t n) {
  float acc[kLanes];
  std::fill(acc, acc + kLanes, -INFINITY);
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) acc[l] = acc[l] > x[j + l] ? acc[l] : x[j + l];
  }
  float m = -INFINITY;
  for (int64_t l = 0; l < kLanes; ++l) m = std::max(m, acc[l]);
  for (; j < n; ++j) m = std::max(m, x[j]);
  return m;
}

}  // namespace recur::ops_detail
