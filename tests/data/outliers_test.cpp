#include "recur/data/outliers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace recur::data {
namespace {

// A seeded-free random-walk stand-in: a deterministic wiggle of about 1% a row.
std::vector<double> wiggle(size_t n) {
  std::vector<double> p{100.0};
  for (size_t i = 1; i < n; ++i) p.push_back(p.back() * (1.0 + 0.01 * std::sin(1.7 * i)));
  return p;
}

TEST(FindExtremeMoves, FlagsASpikeAndTheReturnFromIt) {
  std::vector<double> p = wiggle(300);
  p[150] *= 1e6;
  const auto moves = find_extreme_moves(p, {0, p.size()});
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_TRUE((moves[0].row == 150 && moves[1].row == 151) ||
              (moves[0].row == 151 && moves[1].row == 150));
  EXPECT_GT(moves[0].robust_z, kExtremeMoveLimit);
}

TEST(FindExtremeMoves, OrdinaryLargeMovesAreNotFlagged) {
  std::vector<double> p = wiggle(300);
  p[100] = p[99] * 0.89;  // an 11% crash day, as in 2008
  for (size_t i = 101; i < p.size(); ++i) p[i] = p[i - 1] * (1.0 + 0.01 * std::sin(1.7 * i));
  EXPECT_TRUE(find_extreme_moves(p, {0, p.size()}).empty());
}

TEST(FindExtremeMoves, LooksOnlyAtTheRowsAsked) {
  std::vector<double> p = wiggle(300);
  p[250] *= 1e6;
  EXPECT_TRUE(find_extreme_moves(p, {0, 200}).empty());
  EXPECT_FALSE(find_extreme_moves(p, {200, 300}).empty());
}

TEST(FindExtremeMoves, ConstantAndTinySeriesHaveNothingToFlag) {
  EXPECT_TRUE(find_extreme_moves(std::vector<double>(50, 3.0), {0, 50}).empty());
  EXPECT_TRUE(find_extreme_moves(std::vector<double>{1.0, 1e9}, {0, 2}).empty());
}

TEST(FindExtremeMoves, NonPositivePricesUseDifferences) {
  std::vector<double> p;
  for (size_t i = 0; i < 200; ++i) p.push_back(std::sin(0.3 * i));  // crosses zero
  p[120] = 1e5;
  const auto moves = find_extreme_moves(p, {0, p.size()});
  ASSERT_FALSE(moves.empty());
  EXPECT_TRUE(moves[0].row == 120 || moves[0].row == 121);
}

}  // namespace
}  // namespace recur::data
