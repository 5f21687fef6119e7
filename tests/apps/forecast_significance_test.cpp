// The Diebold-Mariano test of each baseline against the model, as the forecast app wires it: the
// errors it tests, its lag window, what it says when it cannot test, and where it is reported.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>
#include <vector>

#include "recur/apps/forecast/baselines.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/apps/forecast/report.h"
#include "recur/apps/forecast/significance.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

// A weekly cycle plus noise: the seasonal-naive forecast (period 7) knows the cycle, the naive
// forecast does not.
std::vector<double> seasonal_series(size_t n, double noise) {
  std::mt19937 rng(3);
  std::normal_distribution<double> eps(0.0, noise);
  std::vector<double> y(n);
  for (size_t t = 0; t < n; ++t)
    y[t] = 100.0 + 10.0 * std::sin(2.0 * std::numbers::pi * t / 7.0) + eps(rng);
  return y;
}

BacktestResult scored(Forecaster& f, const std::vector<double>& y, int horizon) {
  f.fit(std::span<const double>(y.data(), 200));
  return evaluate_split(f, y, 200, y.size(), horizon, 1.0);
}

std::vector<double> step_errors(const BacktestResult& r, int h) {
  const StepPath p = step_path(r, h);
  std::vector<double> e;
  for (size_t i = 0; i < p.records.actual.size(); ++i) {
    e.push_back(p.records.actual[i] - p.records.predicted[i]);
  }
  return e;
}

TEST(ForecastSignificance, TestsTheModelsErrorsAgainstTheBaselinesOnTheSameOrigins) {
  const std::vector<double> y = seasonal_series(300, 1.0);
  SeasonalNaiveForecaster model(7);
  NaiveForecaster naive;
  const BacktestResult m = scored(model, y, 1), b = scored(naive, y, 1);
  const Significance s = diebold_mariano_against(m, b);
  ASSERT_TRUE(s.squared && s.absolute) << s.unavailable;
  EXPECT_EQ(s.against, m.model);
  // Exactly the library's test of model-minus-baseline losses, one-step errors, lag window 1.
  const auto direct =
      stats::diebold_mariano(step_errors(m, 1), step_errors(b, 1), 1, stats::Loss::squared);
  EXPECT_EQ(s.squared->p_value, direct.p_value);
  EXPECT_EQ(s.squared->statistic, direct.statistic);
  EXPECT_EQ(s.squared->n, 100u);
  // The seasonal forecast loses far less: negative differential, a tiny p-value.
  EXPECT_LT(s.squared->mean_differential, 0.0);
  EXPECT_LT(s.squared->p_value, 1e-6);
  EXPECT_LT(s.absolute->p_value, 1e-6);
}

TEST(ForecastSignificance, OverlappingMultiStepForecastsWidenTheLagWindow) {
  const std::vector<double> y = seasonal_series(300, 3.0);
  SeasonalNaiveForecaster model(7);
  NaiveForecaster naive;
  // Consecutive origins, H = 3: the 3-step errors overlap, the window is 3 lags.
  const BacktestResult m = scored(model, y, 3), b = scored(naive, y, 3);
  const Significance s = diebold_mariano_against(m, b);
  ASSERT_TRUE(s.squared) << s.unavailable;
  const auto direct =
      stats::diebold_mariano(step_errors(m, 3), step_errors(b, 3), 3, stats::Loss::squared);
  EXPECT_EQ(s.squared->hln_statistic, direct.hln_statistic);
  EXPECT_EQ(s.squared->horizon, direct.horizon);
  // Origins 5 rows apart (a walk-forward backtest): the 3-step forecasts no longer overlap.
  BacktestConfig c{.horizon = 3, .initial_train = 100, .step = 5};
  const BacktestResult bm = backtest(model, y, c), bb = backtest(naive, y, c);
  const Significance spaced = diebold_mariano_against(bm, bb);
  ASSERT_TRUE(spaced.squared) << spaced.unavailable;
  EXPECT_EQ(spaced.squared->horizon, 1);
  EXPECT_FALSE(spaced.squared->horizon_fallback);
}

TEST(ForecastSignificance, IdenticalForecastsAreSaidToBeUntestable) {
  const std::vector<double> y = seasonal_series(300, 1.0);
  NaiveForecaster a, b;
  const Significance s = diebold_mariano_against(scored(a, y, 1), scored(b, y, 1));
  EXPECT_FALSE(s.squared.has_value());
  EXPECT_NE(s.unavailable.find("identical"), std::string::npos) << s.unavailable;
  const nlohmann::json j = significance_json(s);
  EXPECT_FALSE(j.contains("squared"));
  EXPECT_EQ(j.at("unavailable"), s.unavailable);
}

TEST(ForecastSignificance, DifferentOriginsAreRefused) {
  const std::vector<double> y = seasonal_series(300, 1.0);
  NaiveForecaster a, b;
  a.fit(y);
  b.fit(y);
  EXPECT_THROW(diebold_mariano_against(evaluate_split(a, y, 200, 300, 1, 1.0),
                                       evaluate_split(b, y, 210, 300, 1, 1.0)),
               ValueError);
}

TEST(ForecastSignificance, MetricsJsonAndTableCarryEachBaselinesPValue) {
  const std::vector<double> y = seasonal_series(300, 1.0);
  SeasonalNaiveForecaster model(7);
  NaiveForecaster naive;
  DriftForecaster drift;
  MethodResults results{scored(model, y, 1), scored(naive, y, 1), {}};
  results.baselines.push_back(scored(drift, y, 1));
  const std::vector<ReportRow> rows = results.rows("test");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_FALSE(rows[0].significance.has_value());  // the model is not tested against itself
  ASSERT_TRUE(rows[1].significance && rows[1].significance->squared);
  const nlohmann::json j = metrics_json(rows);
  const nlohmann::json& dm = j.at("test").at("naive").at("diebold_mariano");
  EXPECT_EQ(dm.at("against"), results.model.model);
  EXPECT_EQ(dm.at("squared").at("p_value").get<double>(), rows[1].significance->squared->p_value);
  EXPECT_EQ(dm.at("absolute").at("n"), 100);
  EXPECT_TRUE(j.at("test").at("drift").contains("diebold_mariano"));
  EXPECT_FALSE(j.at("test").at(results.model.model).contains("diebold_mariano"));
  EXPECT_NE(format_table(rows).find("DM p"), std::string::npos);
}

TEST(ForecastSignificance, PValuesPrintWithoutRoundingOntoTheLine) {
  EXPECT_EQ(p_value_text(0.4123), "p = 0.41");
  EXPECT_EQ(p_value_text(0.0503), "p = 0.050");
  EXPECT_EQ(p_value_text(0.0031), "p = 0.003");
  EXPECT_EQ(p_value_text(2e-7), "p < 0.0001");
  EXPECT_EQ(p_value_number(2e-7), "< 0.0001");
}

}  // namespace
}  // namespace recur::forecast
