// Forecast metrics against values computed by hand (the arithmetic is in the comments).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "recur/apps/forecast/metrics.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

// actual y = {2, 4, 0, 5}, forecast ŷ = {3, 4, 1, 3}, errors e = y − ŷ = {−1, 0, −1, 2}.
const std::vector<double> kActual = {2, 4, 0, 5};
const std::vector<double> kPredicted = {3, 4, 1, 3};

TEST(ForecastMetrics, MaeAndRmse) {
  // MAE = (1 + 0 + 1 + 2) / 4 = 1
  EXPECT_DOUBLE_EQ(mean_absolute_error(kActual, kPredicted), 1.0);
  // RMSE = √((1 + 0 + 1 + 4) / 4) = √1.5
  EXPECT_DOUBLE_EQ(root_mean_squared_error(kActual, kPredicted), std::sqrt(1.5));
}

TEST(ForecastMetrics, RmseOfHugeAndTinyErrorsNeitherOverflowsNorVanishes) {
  for (double unit : {1e200, 1e-200}) {
    const std::vector<double> actual{3 * unit, 0.0}, predicted{0.0, 4 * unit};
    EXPECT_DOUBLE_EQ(root_mean_squared_error(actual, predicted), std::sqrt(12.5) * unit) << unit;
  }
  EXPECT_EQ(root_mean_squared_error(std::vector<double>{1.0}, std::vector<double>{1.0}), 0.0);
}

TEST(ForecastMetrics, MapeSkipsZeroActualsAndCountsThem) {
  // Over y ≠ 0 only: |−1/2| + |0/4| + |2/5| = 0.5 + 0 + 0.4 = 0.9, / 3 = 0.3 -> 30 %.
  size_t skipped = 0;
  EXPECT_DOUBLE_EQ(mean_absolute_percentage_error(kActual, kPredicted, &skipped), 30.0);
  EXPECT_EQ(skipped, 1u);
}

TEST(ForecastMetrics, MapeOfOnlyZeroActualsIsNan) {
  std::vector<double> zeros = {0, 0}, predicted = {1, 2};
  size_t skipped = 0;
  EXPECT_TRUE(std::isnan(mean_absolute_percentage_error(zeros, predicted, &skipped)));
  EXPECT_EQ(skipped, 2u);
}

TEST(ForecastMetrics, Smape) {
  // 2|e|/(|y|+|ŷ|): 2/(2+3) = 0.4, 0/8 = 0, 2/(0+1) = 2, 4/(5+3) = 0.5; sum 2.9, / 4 = 0.725.
  EXPECT_DOUBLE_EQ(symmetric_mape(kActual, kPredicted), 72.5);
  // y = ŷ = 0 is a perfect forecast: the term counts as 0, not 0/0.
  std::vector<double> zero = {0, 1}, zero_hat = {0, 3};  // terms 0 and 4/4 = 1 -> 50 %
  EXPECT_DOUBLE_EQ(symmetric_mape(zero, zero_hat), 50.0);
}

TEST(ForecastMetrics, MaseScaleIsTheTrainingNaiveMae) {
  std::vector<double> train = {1, 3, 2, 6};
  // lag 1: |3−1| + |2−3| + |6−2| = 2 + 1 + 4 = 7, / 3
  EXPECT_DOUBLE_EQ(mase_scale(train, 1), 7.0 / 3.0);
  // lag 2: |2−1| + |6−3| = 1 + 3 = 4, / 2 = 2
  EXPECT_DOUBLE_EQ(mase_scale(train, 2), 2.0);
  // MASE = MAE / scale = 1 / (7/3) = 3/7
  EXPECT_DOUBLE_EQ(mean_absolute_scaled_error(kActual, kPredicted, 7.0 / 3.0), 3.0 / 7.0);
}

TEST(ForecastMetrics, MaseScaleRejectsShortOrConstantSeries) {
  std::vector<double> train = {1, 3, 2};
  EXPECT_THROW(mase_scale(train, 3), ValueError);  // period 3 needs 4 values
  EXPECT_THROW(mase_scale(train, 0), ValueError);
  std::vector<double> flat = {5, 5, 5};
  EXPECT_THROW(mase_scale(flat, 1), ValueError);
}

TEST(ForecastMetrics, DirectionalAccuracy) {
  // last observed 10 everywhere. Changes (actual, predicted):
  //   (+2, +1) hit   (−1, −2) hit   (+1, −1) miss   (0, +2) tie, left out   (−2, 0) miss (flat)
  // -> 2 hits of 4 counted = 0.5, 1 tie.
  std::vector<double> actual = {12, 9, 11, 10, 8};
  std::vector<double> predicted = {11, 8, 9, 12, 10};
  std::vector<double> last = {10, 10, 10, 10, 10};
  size_t counted = 0, ties = 0;
  EXPECT_DOUBLE_EQ(directional_accuracy(actual, predicted, last, &counted, &ties), 0.5);
  EXPECT_EQ(counted, 4u);
  EXPECT_EQ(ties, 1u);
  // Only zero changes: nothing to score.
  std::vector<double> flat = {10, 10};
  EXPECT_TRUE(std::isnan(directional_accuracy(flat, std::vector<double>{11, 9}, flat)));
}

TEST(ForecastMetrics, AForecastThatNeverMovesHasNoDirectionalAccuracy) {
  // The naive forecast (ŷ = y_T everywhere) calls no direction: NaN, where the old rule said 0.
  const std::vector<double> actual = {12, 9, 11, 8}, last = {10, 10, 10, 10};
  size_t counted = 0, ties = 0;
  EXPECT_TRUE(std::isnan(directional_accuracy(actual, last, last, &counted, &ties)));
  EXPECT_EQ(counted, 4u);
  EXPECT_EQ(ties, 0u);
  // One value that moves makes it a forecast with directions: the flat ones count as misses.
  const std::vector<double> one_move = {11, 10, 10, 10};
  EXPECT_DOUBLE_EQ(directional_accuracy(actual, one_move, last), 0.25);
  // compute_metrics carries the NaN (metrics.json writes it as null, tables as a dash).
  const Metrics m =
      compute_metrics({.actual = actual, .predicted = last, .last_observed = last}, 1.0);
  EXPECT_TRUE(std::isnan(m.directional_accuracy));
  EXPECT_DOUBLE_EQ(m.mae, 1.5);
}

TEST(ForecastMetrics, IntervalCoverageAndWidth) {
  // 1 ∈ [0, 2] yes; 2 ∈ [2.5, 3] no; 3 ∈ [3, 3] yes (bounds inclusive); 4 ∈ [3, 5] yes -> 3/4.
  // widths 2 + 0.5 + 0 + 2 = 4.5, / 4 = 1.125
  std::vector<double> actual = {1, 2, 3, 4}, lower = {0, 2.5, 3, 3}, upper = {2, 3, 3, 5};
  IntervalScore s = interval_score(actual, lower, upper, 0.9);
  EXPECT_DOUBLE_EQ(s.coverage, 0.75);
  EXPECT_DOUBLE_EQ(s.mean_width, 1.125);
  EXPECT_DOUBLE_EQ(s.level, 0.9);
  std::vector<double> crossed = {2, 2, 2, 2};
  EXPECT_THROW(interval_score(actual, upper, crossed, 0.9), ValueError);  // 5 > 2 in the last
}

TEST(ForecastMetrics, PinballLoss) {
  // τ = 0.9, u = y − q: u = 2 -> max(1.8, −0.2) = 1.8; u = −3 -> max(−2.7, 0.3) = 0.3; mean 1.05
  std::vector<double> actual = {10, 10}, q = {8, 13};
  EXPECT_DOUBLE_EQ(pinball_loss(actual, q, 0.9), 1.05);
  EXPECT_THROW(pinball_loss(actual, q, 1.0), ValueError);
}

TEST(ForecastMetrics, ComputeMetricsFillsEverything) {
  ForecastRecords r;
  r.actual = kActual;
  r.predicted = kPredicted;
  r.last_observed = {3, 3, 1, 5};  // changes: (−1, 0) miss, (+1, +1) hit, (−1, 0) miss, (0, −2) tie
  r.lower = {1, 3, 0, 3};          // 2 yes, 4 yes, 0 yes, 5 yes
  r.upper = {3, 5, 2, 6};          // widths 2, 2, 2, 3 -> 9/4
  r.level = 0.8;
  r.quantiles = {{0.5, kPredicted}};  // τ = 0.5: half the MAE = 0.5
  Metrics m = compute_metrics(r, 2.0);
  EXPECT_EQ(m.count, 4u);
  EXPECT_DOUBLE_EQ(m.mae, 1.0);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(1.5));
  EXPECT_DOUBLE_EQ(m.mape, 30.0);
  EXPECT_EQ(m.mape_skipped, 1u);
  EXPECT_DOUBLE_EQ(m.smape, 72.5);
  EXPECT_DOUBLE_EQ(m.mase, 0.5);
  EXPECT_DOUBLE_EQ(m.directional_accuracy, 1.0 / 3.0);
  EXPECT_EQ(m.direction_count, 3u);
  EXPECT_EQ(m.direction_ties, 1u);
  ASSERT_TRUE(m.interval.has_value());
  EXPECT_DOUBLE_EQ(m.interval->coverage, 1.0);
  EXPECT_DOUBLE_EQ(m.interval->mean_width, 2.25);
  ASSERT_EQ(m.pinball.size(), 1u);
  EXPECT_DOUBLE_EQ(m.pinball[0].loss, 0.5);
}

TEST(ForecastMetrics, BadInputThrowsValueError) {
  std::vector<double> empty;
  EXPECT_THROW(mean_absolute_error(empty, empty), ValueError);
  std::vector<double> two = {1, 2}, three = {1, 2, 3};
  EXPECT_THROW(root_mean_squared_error(two, three), ValueError);
  std::vector<double> with_nan = {1, std::nan("")};
  EXPECT_THROW(mean_absolute_error(two, with_nan), ValueError);
  EXPECT_THROW(mean_absolute_scaled_error(two, two, 0.0), ValueError);
  try {
    mean_absolute_error(two, three);
    FAIL() << "no throw";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("2 actual values but 3 forecasts"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace recur::forecast
