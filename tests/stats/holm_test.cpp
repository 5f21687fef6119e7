// Holm's adjustment against a worked example (by the definition, step by step) and its
// properties: never below the raw p-value, never above Bonferroni's, order kept.
#include "recur/stats/holm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "recur/tensor/error.h"

namespace recur::stats {
namespace {

TEST(HolmAdjust, WorkedExample) {
  // Sorted: 0.005 * 4 = 0.02, 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 = 0.04 -> max(0.06,
  // 0.04) = 0.06 (the step-down never lets a larger p-value get a smaller adjustment).
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adjusted = holm_adjust(p);
  const std::vector<double> expected = {0.03, 0.06, 0.06, 0.02};
  ASSERT_EQ(adjusted.size(), expected.size());
  for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(adjusted[i], expected[i], 1e-15) << i;
}

TEST(HolmAdjust, CapsAtOneAndSkipsUntestedEntries) {
  const double nan = std::nan("");
  const std::vector<double> adjusted = holm_adjust(std::vector<double>{0.6, nan, 0.02});
  // Two tests, not three: 0.02 * 2 = 0.04, 0.6 * 1 -> 0.6.
  EXPECT_NEAR(adjusted[2], 0.04, 1e-15);
  EXPECT_NEAR(adjusted[0], 0.6, 1e-15);
  EXPECT_TRUE(std::isnan(adjusted[1]));
  EXPECT_DOUBLE_EQ(holm_adjust(std::vector<double>{0.7, 0.8})[0], 1.0);
}

TEST(HolmAdjust, LiesBetweenRawAndBonferroniAndKeepsOrder) {
  std::vector<double> p;
  for (int i = 0; i < 30; ++i) p.push_back(std::fmod(0.037 * i * i + 0.001, 1.0));
  const std::vector<double> adjusted = holm_adjust(p);
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(adjusted[i], p[i]);
    EXPECT_LE(adjusted[i], std::min(1.0, p[i] * static_cast<double>(p.size())) + 1e-15);
    for (size_t j = 0; j < p.size(); ++j) {
      if (p[i] < p[j]) {
        EXPECT_LE(adjusted[i], adjusted[j]);
      }
    }
  }
}

TEST(HolmAdjust, RejectsValuesOutsideTheUnitInterval) {
  EXPECT_THROW(holm_adjust(std::vector<double>{0.1, 1.5}), ValueError);
  EXPECT_THROW(holm_adjust(std::vector<double>{-0.1}), ValueError);
  EXPECT_TRUE(holm_adjust(std::vector<double>{}).empty());
}

}  // namespace
}  // namespace recur::stats
