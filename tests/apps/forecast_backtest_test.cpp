// Walk-forward backtest: exact fold boundaries, what the forecaster is shown, hand-computed
// metrics, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "recur/apps/forecast/autoregression.h"
#include "recur/apps/forecast/backtest.h"
#include "recur/apps/forecast/baselines.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

struct Window {
  size_t begin, end;
  bool operator==(const Window&) const = default;
};

// Expects fold i to have training window windows[i], origin origins[i] and test end origin + H.
void expect_folds(const std::vector<Fold>& folds, const std::vector<size_t>& origins,
                  const std::vector<Window>& windows, const std::vector<bool>& refits, size_t H) {
  ASSERT_EQ(folds.size(), origins.size());
  for (size_t i = 0; i < folds.size(); ++i) {
    EXPECT_EQ(folds[i].index, i);
    EXPECT_EQ(folds[i].origin, origins[i]) << "fold " << i;
    EXPECT_EQ(folds[i].test_end, origins[i] + H) << "fold " << i;
    EXPECT_EQ((Window{folds[i].train_begin, folds[i].train_end}), windows[i]) << "fold " << i;
    EXPECT_EQ(folds[i].refit, refits[i]) << "fold " << i;
  }
}

// 20 values, H = 3, first origin 10, step 2: origins 10, 12, 14, 16 (16 + 3 = 19 <= 20; 18 + 3 =
// 21 is past the end). Refit every 4: at 10, not at 12 (2 past), at 14 (4 past), not at 16.
TEST(ForecastBacktest, ExpandingFoldBoundaries) {
  BacktestConfig c{.horizon = 3, .initial_train = 10, .step = 2, .refit_every = 4};
  expect_folds(plan_folds(20, c), {10, 12, 14, 16}, {{0, 10}, {0, 10}, {0, 14}, {0, 14}},
               {true, false, true, false}, 3);
}

TEST(ForecastBacktest, RollingFoldBoundaries) {
  // Same, but each fit uses the last 10 values: [0, 10) at origin 10, [4, 14) at origin 14.
  BacktestConfig c{.horizon = 3,
                   .initial_train = 10,
                   .step = 2,
                   .window = TrainingWindow::kRolling,
                   .refit_every = 4};
  expect_folds(plan_folds(20, c), {10, 12, 14, 16}, {{0, 10}, {0, 10}, {4, 14}, {4, 14}},
               {true, false, true, false}, 3);
}

TEST(ForecastBacktest, NeverRefitAndEarlyEnd) {
  // end = 15: origins 10, 12 (12 + 3 = 15); 14 + 3 = 17 > 15. Fit once only.
  BacktestConfig c{.horizon = 3, .initial_train = 10, .step = 2, .end = 15};
  expect_folds(plan_folds(20, c), {10, 12}, {{0, 10}, {0, 10}}, {true, false}, 3);
  // refit_every = 1 with step 1 refits at every fold; rolling windows slide by one.
  BacktestConfig every{
      .horizon = 1, .initial_train = 3, .window = TrainingWindow::kRolling, .refit_every = 1};
  expect_folds(plan_folds(6, every), {3, 4, 5}, {{0, 3}, {1, 4}, {2, 5}}, {true, true, true}, 1);
}

// Records what fit() and forecast() were shown; forecasts like the naive method. On the series
// y_t = t the values shown identify the indices.
class SpyForecaster : public Forecaster {
 public:
  std::string name() const override { return "spy"; }
  void fit(std::span<const double> train) override {
    fits.push_back({static_cast<size_t>(train.front()), static_cast<size_t>(train.back()) + 1});
  }
  std::vector<double> forecast(std::span<const double> history, int horizon) override {
    history_sizes.push_back(history.size());
    return std::vector<double>(static_cast<size_t>(horizon), history.back());
  }
  std::vector<Window> fits;
  std::vector<size_t> history_sizes;
};

TEST(ForecastBacktest, ForecasterSeesOnlyThePast) {
  std::vector<double> y(20);
  std::iota(y.begin(), y.end(), 0.0);
  SpyForecaster spy;
  BacktestConfig c{.horizon = 3,
                   .initial_train = 10,
                   .step = 2,
                   .window = TrainingWindow::kRolling,
                   .refit_every = 4};
  BacktestResult r = backtest(spy, y, c);
  EXPECT_EQ(spy.fits, (std::vector<Window>{{0, 10}, {4, 14}}));
  EXPECT_EQ(spy.history_sizes, (std::vector<size_t>{10, 12, 14, 16}));
  EXPECT_EQ(r.model, "spy");
  // Fold 1 (origin 12) forecasts y_11 = 11 for y_12..y_14.
  EXPECT_EQ(r.folds[1].records.predicted, (std::vector<double>{11, 11, 11}));
  EXPECT_EQ(r.folds[1].records.actual, (std::vector<double>{12, 13, 14}));
}

TEST(ForecastBacktest, NaiveMetricsByHand) {
  // y = 0, 1, 3, 2, 5, 4, 6; H = 2; origins 3, 4, 5.
  //   origin 3: last y_2 = 3, actual (2, 5), errors (−1, 2)
  //   origin 4: last y_3 = 2, actual (5, 4), errors ( 3, 2)
  //   origin 5: last y_4 = 5, actual (4, 6), errors (−1, 1)
  // MASE scale from y[0, 3) = 0, 1, 3: (1 + 2) / 2 = 1.5.
  std::vector<double> y = {0, 1, 3, 2, 5, 4, 6};
  NaiveForecaster naive;
  BacktestResult r = backtest(naive, y, {.horizon = 2, .initial_train = 3});
  ASSERT_EQ(r.folds.size(), 3u);
  EXPECT_DOUBLE_EQ(r.scale, 1.5);
  // Aggregate: |e| sum 1+2+3+2+1+1 = 10, / 6; e² sum 1+4+9+4+1+1 = 20, / 6.
  EXPECT_DOUBLE_EQ(r.aggregate.mae, 10.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.aggregate.rmse, std::sqrt(20.0 / 6.0));
  EXPECT_DOUBLE_EQ(r.aggregate.mase, (10.0 / 6.0) / 1.5);
  // Step 1: errors −1, 3, −1 -> MAE 5/3, RMSE √(11/3). Step 2: 2, 2, 1 -> MAE 5/3, RMSE √3.
  ASSERT_EQ(r.per_step.size(), 2u);
  EXPECT_DOUBLE_EQ(r.per_step[0].mae, 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.per_step[0].rmse, std::sqrt(11.0 / 3.0));
  EXPECT_DOUBLE_EQ(r.per_step[1].rmse, std::sqrt(3.0));
  // Fold 1: errors 3, 2 -> MAE 2.5.
  EXPECT_DOUBLE_EQ(r.folds[1].metrics.mae, 2.5);
  // A forecast that never moves calls no direction: not a score of 0, no score at all.
  EXPECT_TRUE(std::isnan(r.aggregate.directional_accuracy));
  // The 2-step path targets y_4, y_5, y_6 from origins 3, 4, 5.
  StepPath p = step_path(r, 2);
  EXPECT_EQ(p.targets, (std::vector<size_t>{4, 5, 6}));
  EXPECT_EQ(p.records.last_observed, (std::vector<double>{3, 2, 5}));
}

TEST(ForecastBacktest, IntervalsFlowIntoMetrics) {
  std::vector<double> y = {0, 1, 3, 2, 5, 4, 6, 7, 6, 8};
  NaiveForecaster naive;
  BacktestResult r = backtest(naive, y, {.horizon = 2, .initial_train = 4, .interval_level = 0.9});
  ASSERT_TRUE(r.aggregate.interval.has_value());
  EXPECT_DOUBLE_EQ(r.aggregate.interval->level, 0.9);
  EXPECT_GT(r.aggregate.interval->mean_width, 0.0);
  // Moving average has no interval: no interval metrics rather than a wrong one.
  MovingAverageForecaster ma(2);
  BacktestResult none = backtest(ma, y, {.horizon = 2, .initial_train = 4, .interval_level = 0.9});
  EXPECT_FALSE(none.aggregate.interval.has_value());
}

TEST(ForecastBacktest, EvaluateSplitUsesTheFittedModel) {
  std::vector<double> y(20);
  std::iota(y.begin(), y.end(), 0.0);
  SpyForecaster spy;
  BacktestResult r = evaluate_split(spy, y, 15, 20, 1, 1.0);
  EXPECT_TRUE(spy.fits.empty());
  EXPECT_EQ(spy.history_sizes, (std::vector<size_t>{15, 16, 17, 18, 19}));
  EXPECT_DOUBLE_EQ(r.aggregate.mae, 1.0);  // naive on y_t = t is off by 1 each time
}

TEST(ForecastBacktest, Deterministic) {
  std::vector<double> y;
  for (int t = 0; t < 200; ++t) y.push_back(std::sin(0.3 * t) + 0.01 * t * (t % 7));
  BacktestConfig c{.horizon = 4, .initial_train = 60, .step = 3, .refit_every = 9};
  AutoregressionForecaster a(3), b(3);
  BacktestResult ra = backtest(a, y, c), rb = backtest(b, y, c);
  ASSERT_EQ(ra.folds.size(), rb.folds.size());
  for (size_t i = 0; i < ra.folds.size(); ++i) {
    EXPECT_EQ(ra.folds[i].records.predicted, rb.folds[i].records.predicted);
  }
  EXPECT_EQ(ra.aggregate.rmse, rb.aggregate.rmse);
}

TEST(ForecastBacktest, BadConfigThrowsValueError) {
  EXPECT_THROW(plan_folds(20, {.horizon = 0, .initial_train = 10}), ValueError);
  EXPECT_THROW(plan_folds(20, {.horizon = 1, .initial_train = 10, .step = 0}), ValueError);
  EXPECT_THROW(plan_folds(20, {.horizon = 1, .initial_train = 0}), ValueError);
  EXPECT_THROW(plan_folds(20, {.horizon = 11, .initial_train = 10}), ValueError);  // no fold
  // A huge initial_train (a -1 cast to size_t) must not wrap the room check into a fold past the
  // series, which read out of bounds.
  EXPECT_THROW(plan_folds(20, {.horizon = 1, .initial_train = SIZE_MAX}), ValueError);
  EXPECT_THROW(plan_folds(20, {.horizon = 2, .initial_train = SIZE_MAX - 1}), ValueError);
  EXPECT_THROW(plan_folds(20, {.horizon = 1, .initial_train = 10, .end = 21}), ValueError);
  EXPECT_THROW(plan_folds(20, {.horizon = 1, .initial_train = 10, .refit_every = 2, .fit = false}),
               ValueError);
}

}  // namespace
}  // namespace recur::forecast
