// The baseline forecasts against values computed by hand, and AR(p) against known coefficients.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "recur/apps/forecast/autoregression.h"
#include "recur/apps/forecast/baselines.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"

namespace recur::forecast {
namespace {

// Element-wise EXPECT_DOUBLE_EQ (the arithmetic above each call is exact in binary).
void expect_values(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_DOUBLE_EQ(actual[i], expected[i]) << i;
}

// y_1..y_5 = 1, 3, 2, 6, 8 (so y_T = 8 when the history is the training series).
const std::vector<double> kTrain = {1, 3, 2, 6, 8};
constexpr double kZ95 = 1.959963984540054;  // Φ⁻¹(0.975)

TEST(ForecastBaselines, Naive) {
  NaiveForecaster f;
  f.fit(kTrain);
  expect_values(f.forecast(kTrain, 3), {8, 8, 8});
  // Residuals y_t − y_{t−1} = 2, −1, 4, 2: σ̂² = (4 + 1 + 16 + 4) / 4 = 6.25, σ̂ = 2.5.
  EXPECT_DOUBLE_EQ(f.residual_sigma(), 2.5);
  // h = 1: 8 ± z·2.5;  h = 4: 8 ± z·2.5·√4.
  auto iv = f.interval(kTrain, 4, 0.95);
  ASSERT_TRUE(iv.has_value());
  EXPECT_NEAR(iv->lower[0], 8 - kZ95 * 2.5, 1e-9);
  EXPECT_NEAR(iv->upper[3], 8 + kZ95 * 5.0, 1e-9);
}

TEST(ForecastBaselines, Drift) {
  DriftForecaster f;
  f.fit(kTrain);
  // c = (y_5 − y_1) / (5 − 1) = (8 − 1) / 4 = 1.75; ŷ_{T+h} = 8 + 1.75h.
  EXPECT_DOUBLE_EQ(f.slope(), 1.75);
  expect_values(f.forecast(kTrain, 3), {9.75, 11.5, 13.25});
  // From a later origin the training slope is kept and the start moves: 10 + 1.75.
  std::vector<double> later = {1, 3, 2, 6, 8, 10};
  expect_values(f.forecast(later, 1), {11.75});
  // Residuals 2 − 1.75, −1 − 1.75, 4 − 1.75, 2 − 1.75 = 0.25, −2.75, 2.25, 0.25;
  // squares 0.0625 + 7.5625 + 5.0625 + 0.0625 = 12.75, / (4 − 1 slope) = 4.25.
  EXPECT_DOUBLE_EQ(f.residual_sigma(), std::sqrt(4.25));
  // h = 2: σ̂·√(2·(1 + 2/5)) = σ̂·√2.8
  auto iv = f.interval(kTrain, 2, 0.95);
  ASSERT_TRUE(iv.has_value());
  EXPECT_NEAR(iv->upper[1] - 11.5, kZ95 * std::sqrt(4.25) * std::sqrt(2.8), 1e-9);
}

TEST(ForecastBaselines, SeasonalNaive) {
  // m = 2, T = 5: h=1 -> y_{5+1−2} = y_4 = 6; h=2 -> y_5 = 8; h=3 (k=1) -> y_{5+3−4} = y_4 = 6.
  SeasonalNaiveForecaster m2(2);
  m2.fit(kTrain);
  expect_values(m2.forecast(kTrain, 4), {6, 8, 6, 8});
  // m = 3: y_3, y_4, y_5, then (k=1) y_{5+4−6} = y_3 -> 2, 6, 8, 2.
  SeasonalNaiveForecaster m3(3);
  m3.fit(kTrain);
  expect_values(m3.forecast(kTrain, 4), {2, 6, 8, 2});
  // m = 2 residuals y_t − y_{t−2} = 2 − 1, 6 − 3, 8 − 2 = 1, 3, 6: σ̂² = (1 + 9 + 36) / 3.
  EXPECT_DOUBLE_EQ(m2.residual_sigma(), std::sqrt(46.0 / 3.0));
  // m = 3 residuals y_t − y_{t−3} = 6 − 1, 8 − 3 = 5, 5: σ̂² = (25 + 25) / 2 = 25.
  EXPECT_DOUBLE_EQ(m3.residual_sigma(), 5.0);
  // Interval at h = 4 (k = 1): half-width z·σ̂·√2.
  auto iv = m3.interval(kTrain, 4, 0.95);
  ASSERT_TRUE(iv.has_value());
  EXPECT_NEAR(iv->upper[3] - 2.0, kZ95 * 5.0 * std::sqrt(2.0), 1e-9);
  EXPECT_EQ(m3.name(), "seasonal naive (m=3)");
}

TEST(ForecastBaselines, MovingAverage) {
  // w = 3: (2 + 6 + 8) / 3 = 16/3 for every step.
  MovingAverageForecaster f(3);
  f.fit(kTrain);
  expect_values(f.forecast(kTrain, 2), {16.0 / 3.0, 16.0 / 3.0});
}

TEST(ForecastBaselines, MakeBaselinesBuildsTheRequestedSet) {
  auto all = make_baselines({.season_period = 5, .moving_average = 3, .ar_order = 2});
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0]->name(), "naive");
  EXPECT_EQ(all[1]->name(), "drift");
  EXPECT_EQ(all[4]->name(), "AR(2)");
  EXPECT_EQ(make_baselines({.season_period = 0, .moving_average = 0, .ar_order = 0}).size(), 2u);
}

TEST(ForecastBaselines, BadInputThrowsValueError) {
  NaiveForecaster naive;
  naive.fit(kTrain);
  EXPECT_THROW(naive.forecast(kTrain, 0), ValueError);
  EXPECT_THROW(naive.forecast(std::vector<double>{}, 1), ValueError);
  SeasonalNaiveForecaster s(6);  // period 6 > 5 training values
  EXPECT_THROW(s.fit(kTrain), ValueError);
  EXPECT_THROW(SeasonalNaiveForecaster(0), ValueError);
  MovingAverageForecaster ma(6);
  EXPECT_THROW(ma.fit(kTrain), ValueError);
  DriftForecaster drift;
  EXPECT_THROW(drift.forecast(kTrain, 1), ValueError);  // not fitted
  EXPECT_THROW(drift.fit(std::vector<double>{1}), ValueError);
  EXPECT_THROW(naive.interval(kTrain, 1, 1.5), ValueError);
  try {
    s.fit(kTrain);
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(),
                 "seasonal naive (m=6) fit: period 6 is longer than the training series (5 "
                 "values)");
  }
}

// forecast() checks only the `reads` newest values, the ones it uses (forecaster.h): a NaN just
// before them is never read, a NaN among them is reported by its index in the history. This is
// what keeps a backtest linear in the length of the series: checking the whole history at every
// origin made scoring quadratic (93% of `forecast train` on 200,000 rows, issue 10).
void expect_checks_only_what_it_reads(Forecaster& f, size_t reads) {
  SCOPED_TRACE(f.name());
  const std::vector<double> clean = {1, 3, 2, 6, 8, 7, 9, 12, 10, 11, 14, 13};
  f.fit(clean);
  const size_t first_read = clean.size() - reads;
  std::vector<double> history = clean;
  history[first_read - 1] = std::nan("");
  EXPECT_EQ(f.forecast(history, 3), f.forecast(clean, 3));
  if (auto with_nan = f.interval(history, 3, 0.9)) {
    EXPECT_EQ(with_nan->lower, f.interval(clean, 3, 0.9)->lower);
  }
  history = clean;
  history[first_read] = std::numeric_limits<double>::infinity();
  try {
    f.forecast(history, 3);
    FAIL() << "a non-finite value that the forecast reads was accepted";
  } catch (const ValueError& e) {
    const std::string expected = "value " + std::to_string(first_read) + " is not finite";
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

TEST(ForecastBaselines, ForecastChecksOnlyTheValuesItReads) {
  NaiveForecaster naive;
  expect_checks_only_what_it_reads(naive, 1);
  DriftForecaster drift;
  expect_checks_only_what_it_reads(drift, 1);
  SeasonalNaiveForecaster seasonal(4);
  expect_checks_only_what_it_reads(seasonal, 4);
  MovingAverageForecaster moving_average(3);
  expect_checks_only_what_it_reads(moving_average, 3);
  AutoregressionForecaster ar(2);
  expect_checks_only_what_it_reads(ar, 2);
  AutoregressionForecaster ar_diff(2, /*on_differences=*/true);
  expect_checks_only_what_it_reads(ar_diff, 3);
}

TEST(ForecastAutoregression, Ar1ExactSeries) {
  // y_t = 1 + 0.5·y_{t−1} from y_1 = 0: 0, 1, 1.5, 1.75, 1.875 — least squares fits it exactly.
  std::vector<double> y = {0, 1, 1.5, 1.75, 1.875};
  AutoregressionForecaster ar(1);
  ar.fit(y);
  EXPECT_NEAR(ar.intercept(), 1.0, 1e-12);
  ASSERT_EQ(ar.coefficients().size(), 1u);
  EXPECT_NEAR(ar.coefficients()[0], 0.5, 1e-12);
  // 1 + 0.5·1.875 = 1.9375, then 1 + 0.5·1.9375 = 1.96875 (recursive).
  std::vector<double> f = ar.forecast(y, 2);
  EXPECT_NEAR(f[0], 1.9375, 1e-12);
  EXPECT_NEAR(f[1], 1.96875, 1e-12);
}

TEST(ForecastAutoregression, Ar1OnDifferences) {
  // Differences follow x_t = 2 − 0.5·x_{t−1}: 0, 2, 1, 1.5, 1.25, 1.375, so from y = 10:
  // y = 10, 10, 12, 13, 14.5, 15.75, 17.125.
  std::vector<double> y = {10, 10, 12, 13, 14.5, 15.75, 17.125};
  AutoregressionForecaster ar(1, /*on_differences=*/true);
  ar.fit(y);
  EXPECT_NEAR(ar.intercept(), 2.0, 1e-12);
  EXPECT_NEAR(ar.coefficients()[0], -0.5, 1e-12);
  // x = 2 − 0.5·1.375 = 1.3125 -> 18.4375; x = 2 − 0.5·1.3125 = 1.34375 -> 19.78125.
  std::vector<double> f = ar.forecast(y, 2);
  EXPECT_NEAR(f[0], 18.4375, 1e-12);
  EXPECT_NEAR(f[1], 19.78125, 1e-12);
  EXPECT_EQ(ar.name(), "AR(1) diff");
}

TEST(ForecastAutoregression, RecoversAr2Coefficients) {
  // y_t = 0.5 + 0.6·y_{t−1} − 0.3·y_{t−2} + ε_t, ε ~ N(0, 1). With n = 20000 the standard error
  // of each φ is about √((1 − φ_2²)/n) ≈ 0.007, so 0.03 is more than 4 standard errors.
  Generator gen(42);
  std::vector<double> y = {0.0, 0.0};
  for (int t = 0; t < 20100; ++t) {
    y.push_back(0.5 + 0.6 * y[y.size() - 1] - 0.3 * y[y.size() - 2] + gen.normal());
  }
  y.erase(y.begin(), y.begin() + 100);  // burn-in
  AutoregressionForecaster ar(2);
  ar.fit(y);
  EXPECT_NEAR(ar.coefficients()[0], 0.6, 0.03);
  EXPECT_NEAR(ar.coefficients()[1], -0.3, 0.03);
  // The process mean is 0.5 / (1 − 0.6 + 0.3) ≈ 0.714; the intercept is estimated less tightly.
  EXPECT_NEAR(ar.intercept(), 0.5, 0.05);
}

TEST(ForecastAutoregression, PricesNear1e200Or1eMinus200FitLikeOrdinaryOnes) {
  // A random walk around 100, and the same walk times 2^±660 (about 1e±200): the fit is the same,
  // with the intercept scaled. Before, both failed as "rank-deficient (constant?)": beside the
  // column of ones, lag columns of such magnitudes looked negligible or overwhelming.
  Generator gen(3);
  std::vector<double> y{100.0};
  for (int t = 0; t < 500; ++t) y.push_back(y.back() + gen.normal());
  AutoregressionForecaster plain(3);
  plain.fit(y);
  for (int exponent : {660, -660}) {
    std::vector<double> scaled;
    for (double v : y) scaled.push_back(std::scalbn(v, exponent));
    AutoregressionForecaster ar(3);
    ASSERT_NO_THROW(ar.fit(scaled)) << exponent;
    EXPECT_EQ(ar.coefficients(), plain.coefficients()) << exponent;
    EXPECT_EQ(ar.intercept(), std::scalbn(plain.intercept(), exponent)) << exponent;
    const std::vector<double> f = ar.forecast(scaled, 2);
    EXPECT_DOUBLE_EQ(f[1], std::scalbn(plain.forecast(y, 2)[1], exponent)) << exponent;
  }
}

TEST(ForecastBaselines, IntervalsOfHugeAndTinySeriesScaleExactly) {
  Generator gen(4);
  std::vector<double> y{100.0};
  for (int t = 0; t < 300; ++t) y.push_back(y.back() + gen.normal());
  NaiveForecaster plain;
  plain.fit(y);
  const auto expected = plain.interval(y, 3, 0.9);
  ASSERT_TRUE(expected);
  for (int exponent : {660, -660}) {
    std::vector<double> scaled;
    for (double v : y) scaled.push_back(std::scalbn(v, exponent));
    NaiveForecaster naive;
    naive.fit(scaled);
    const auto iv = naive.interval(scaled, 3, 0.9);
    ASSERT_TRUE(iv);
    for (size_t h = 0; h < 3; ++h) {
      EXPECT_DOUBLE_EQ(iv->lower[h], std::scalbn(expected->lower[h], exponent)) << exponent;
      EXPECT_DOUBLE_EQ(iv->upper[h], std::scalbn(expected->upper[h], exponent)) << exponent;
    }
  }
}

TEST(ForecastAutoregression, BadInputThrowsValueError) {
  EXPECT_THROW(AutoregressionForecaster(0), ValueError);
  AutoregressionForecaster ar5(5);
  std::vector<double> eight = {1, 2, 4, 3, 5, 7, 6, 8};
  try {
    ar5.fit(eight);  // needs 2·5 + 1 = 11 values
    FAIL() << "no throw";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("needs at least 11"), std::string::npos) << e.what();
  }
  AutoregressionForecaster ar1(1);
  std::vector<double> constant(10, 3.0);
  EXPECT_THROW(ar1.fit(constant), ValueError);       // rank-deficient
  EXPECT_THROW(ar1.forecast(eight, 1), ValueError);  // not fitted
  ar1.fit(eight);
  EXPECT_THROW(ar1.forecast(eight, 0), ValueError);
}

}  // namespace
}  // namespace recur::forecast
