// Splits, windows and scalers together: exact boundaries, and the leakage guarantees.
#include "recur/data/windows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "recur/data/frame_scalers.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

// n consecutive calendar days from 2020-01-01 with close = 100 + row and open = 1000 + row.
PriceTable ramp_table(size_t n) {
  std::string text = "Date,Open,Close\n";
  for (size_t r = 0; r < n; ++r) {
    text += (Date::from_ymd(2020, 1, 1) + static_cast<int32_t>(r)).str() + "," +
            std::to_string(1000 + r) + "," + std::to_string(100 + r) + "\n";
  }
  return price_table_from_csv(io::parse_csv(text, "ramp.csv"));
}

// --- Splits -------------------------------------------------------------------------------------

TEST(Splits, FractionBoundariesAndGapAreExact) {
  const Splits s = split_by_fraction(2, 102, {.train = 0.7, .val = 0.15, .gap = 3});
  EXPECT_EQ(s.train, (RowRange{2, 72}));
  EXPECT_EQ(s.val, (RowRange{75, 87}));
  EXPECT_EQ(s.test, (RowRange{90, 102}));
  const Splits no_gap = split_by_fraction(0, 10, {.train = 0.6, .val = 0.2});
  EXPECT_EQ(no_gap.train, (RowRange{0, 6}));
  EXPECT_EQ(no_gap.val, (RowRange{6, 8}));
  EXPECT_EQ(no_gap.test, (RowRange{8, 10}));
  // No validation: the gap separates training from test.
  const Splits no_val = split_by_fraction(0, 10, {.train = 0.8, .val = 0.0, .gap = 1});
  EXPECT_TRUE(no_val.val.empty());
  EXPECT_EQ(no_val.test, (RowRange{9, 10}));
}

TEST(Splits, ByDate) {
  const PriceTable t = ramp_table(40);  // 2020-01-01 .. 2020-02-09
  const Splits s = split_by_date(
      t.dates, 1,
      {.val_start = *parse_date("2020-01-21"), .test_start = *parse_date("2020-01-31"), .gap = 2});
  EXPECT_EQ(s.train, (RowRange{1, 20}));
  EXPECT_EQ(s.val, (RowRange{22, 30}));
  EXPECT_EQ(s.test, (RowRange{32, 40}));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         split_by_date(t.dates, 0,
                                       {.val_start = *parse_date("2019-06-01"),
                                        .test_start = *parse_date("2020-01-10")});
                       }),
                       "no training rows before 2019-06-01 (the usable data starts 2020-01-01)"));
  EXPECT_THROW(split_by_date(t.dates, 0,
                             {.val_start = *parse_date("2020-01-20"),
                              .test_start = *parse_date("2020-01-10")}),
               ValueError);
}

TEST(Splits, RejectsBadFractions) {
  EXPECT_THROW(split_by_fraction(0, 10, {.train = 0.0}), ValueError);
  EXPECT_THROW(split_by_fraction(0, 10, {.train = 0.9, .val = 0.2}), ValueError);
  EXPECT_THROW(split_by_fraction(0, 10, {.train = 0.5, .val = -0.1}), ValueError);
  EXPECT_THROW(split_by_fraction(10, 10, {}), ValueError);
  EXPECT_THROW(split_by_fraction(0, 3, {.train = 0.1, .val = 0.1}), ValueError);  // no train row
}

// --- Windows ------------------------------------------------------------------------------------

TEST(Windows, ContentsAndAlignmentAreExact) {
  const FeatureFrame f = build_features(
      ramp_table(30), {.target = TargetKind::kDifference, .inputs = {"close", "open"}});
  ASSERT_EQ(f.first_valid, 1u);
  const WindowSet w = make_windows(f, {0, 30}, {.window = 4, .horizon = 2});
  // First target row r = first_valid + W = 5; last r = 30 - 2 = 28.
  ASSERT_EQ(w.size(), 24u);
  EXPECT_EQ(w.x.shape(), (Shape{24, 4, 2}));
  EXPECT_EQ(w.y.shape(), (Shape{24, 2}));
  EXPECT_EQ(w.target_rows.front(), 5u);
  EXPECT_EQ(w.target_rows.back(), 28u);
  for (size_t i = 0; i < w.size(); ++i) {
    const auto r = static_cast<int64_t>(w.target_rows[i]);
    const auto n = static_cast<int64_t>(i);
    for (int64_t k = 0; k < 4; ++k) {
      EXPECT_EQ(w.x.at({n, k, 0}), static_cast<float>(100 + r - 4 + k));  // close of row r-4+k
      EXPECT_EQ(w.x.at({n, k, 1}), static_cast<float>(1000 + r - 4 + k));
    }
    EXPECT_EQ(w.y.at({n, 0}), 1.0f);  // difference target
    EXPECT_EQ(w.last_price[i], static_cast<double>(100 + r - 1));
    EXPECT_EQ(w.target_dates[i], f.dates[w.target_rows[i]]);
  }
}

TEST(Windows, EverySampleHasAllTargetsInsideItsSplit) {
  const FeatureFrame f = build_features(ramp_table(200), {.inputs = {"close", "ma10"}});
  const Splits s = split_by_fraction(f.first_valid, f.rows(), {.train = 0.6, .val = 0.2, .gap = 2});
  const WindowSpec spec{.window = 12, .horizon = 5};
  for (const auto& [range, name] : {std::pair{s.train, "training"}, std::pair{s.val, "validation"},
                                    std::pair{s.test, "test"}}) {
    const WindowSet w = make_windows(f, range, spec, name);
    // Samples r = max(begin, first_valid + W) .. end - H, every one of them and nothing else.
    const size_t first = std::max(range.begin, f.first_valid + spec.window);
    ASSERT_EQ(w.size(), range.end - spec.horizon - first + 1) << name;
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(w.target_rows[i], first + i);
      EXPECT_TRUE(range.contains(w.target_rows[i]));
      EXPECT_TRUE(range.contains(w.target_rows[i] + spec.horizon - 1)) << name;
      EXPECT_GE(w.target_rows[i], f.first_valid + spec.window);  // inputs all defined
    }
  }
  // Validation inputs may read training rows (the past), which is legitimate.
  const WindowSet val = make_windows(f, s.val, spec, "validation");
  EXPECT_LT(val.target_rows.front() - spec.window, s.train.end);
}

TEST(Windows, TooFewRowsSaysWhatDidNotFit) {
  const FeatureFrame f = build_features(ramp_table(20), {.inputs = {"close"}});
  const std::string msg = error_message<ValueError>([&] {
    make_windows(f, {0, 20}, {.window = 30, .horizon = 1}, "training");
  });
  EXPECT_TRUE(Contains(msg,
                       "training split of ramp.csv (rows 0..20, 20 rows, 2020-01-01 to "
                       "2020-01-20): too few rows for window 30 + horizon 1"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         make_windows(f, {15, 20}, {.window = 3, .horizon = 6}, "test");
                       }),
                       "too few rows for window 3 + horizon 6"));
  EXPECT_THROW(make_windows(f, {0, 20}, {.window = 0, .horizon = 1}), ValueError);
  EXPECT_THROW(make_windows(f, {0, 21}, {.window = 2, .horizon = 1}), ValueError);
}

TEST(Windows, LatestWindowIsTheLastRows) {
  const FeatureFrame f = build_features(ramp_table(10), {.inputs = {"close"}});
  const InferenceWindow w = latest_window(f, 3);
  EXPECT_EQ(w.x.shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(w.x.to_vector(), (std::vector<float>{107, 108, 109}));
  EXPECT_EQ(w.last_row, 9u);
  EXPECT_EQ(w.last_price, 109.0);
  EXPECT_EQ(w.last_date.str(), "2020-01-10");
  EXPECT_THROW(latest_window(f, 11), ValueError);
}

// --- Leakage: nothing from validation or test reaches training ----------------------------------

TEST(Leakage, TestPeriodValuesChangeNoScalerStatisticAndNoTrainingSample) {
  const PriceTable base = ramp_table(120);
  const FeatureSpec spec{.target = TargetKind::kLogReturn,
                         .inputs = {"close", "open", "log_return", "ma5", "dow_sincos"}};
  const WindowSpec wspec{.window = 8, .horizon = 3};
  auto pipeline = [&](const PriceTable& table) {
    const FeatureFrame f = build_features(table, spec);
    const Splits s = split_by_fraction(f.first_valid, f.rows(), {.train = 0.6, .val = 0.2});
    const FrameScalers sc =
        FrameScalers::fit(f, s.train, ScalerKind::kStandard, ScalerKind::kRobust);
    return std::tuple{sc, make_windows(sc.apply(f), s.train, wspec), s};
  };
  const auto [sc, train, splits] = pipeline(base);
  // Change every value from the first validation row on, wildly.
  PriceTable changed = base;
  for (auto& column : changed.columns) {
    for (size_t r = splits.val.begin; r < changed.rows(); ++r) column[r] = column[r] * 7 + 13;
  }
  const auto [sc2, train2, splits2] = pipeline(changed);
  EXPECT_EQ(sc2.to_json().dump(), sc.to_json().dump());
  EXPECT_EQ(train2.x.to_vector(), train.x.to_vector());
  EXPECT_EQ(train2.y.to_vector(), train.y.to_vector());
  EXPECT_EQ(train2.target_rows, train.target_rows);
  // ... while changing one training value does move the statistics (the test can fail).
  PriceTable in_train = base;
  in_train.columns[1][splits.train.begin + 3] += 50;
  EXPECT_NE(std::get<0>(pipeline(in_train)).to_json().dump(), sc.to_json().dump());
}

// --- Scaled predictions back to prices -----------------------------------------------------------

TEST(FrameScalers, ScaledTargetsBecomeTheRealPricesAgain) {
  for (TargetKind kind : {TargetKind::kPrice, TargetKind::kDifference, TargetKind::kLogReturn}) {
    const FeatureFrame f = build_features(ramp_table(60), {.target = kind, .inputs = {"close"}});
    const Splits s = split_by_fraction(f.first_valid, f.rows(), {.train = 0.7, .val = 0.3});
    const FrameScalers sc =
        FrameScalers::fit(f, s.train, ScalerKind::kStandard, ScalerKind::kMinMax);
    const FrameScalers saved = FrameScalers::from_json(nlohmann::json::parse(sc.to_json().dump()));
    const WindowSet w = make_windows(sc.apply(f), s.val, {.window = 5, .horizon = 4});
    for (size_t i = 0; i < w.size(); ++i) {
      const std::span<const float> y(w.y.data() + i * 4, 4);
      const auto prices = saved.to_prices(kind, w.last_price[i], y);
      for (size_t h = 0; h < 4; ++h) {
        const double truth = f.price[w.target_rows[i] + h];
        EXPECT_NEAR(prices[h], truth, 1e-5 * truth) << target_kind_name(kind);  // float32 y
      }
    }
  }
}

TEST(FrameScalers, RejectsAFrameOfAnotherShape) {
  const FeatureFrame f = build_features(ramp_table(20), {.inputs = {"close"}});
  const FrameScalers sc = FrameScalers::fit(f, {0, 10}, ScalerKind::kStandard, ScalerKind::kNone);
  const FeatureFrame g = build_features(ramp_table(20), {.inputs = {"close", "open"}});
  EXPECT_THROW(sc.apply(g), ValueError);
  EXPECT_THROW(FrameScalers::from_json(nlohmann::json::object()), ValueError);
}

// --- The shipped data end to end ----------------------------------------------------------------

TEST(Windows, Sp500EndToEnd) {
  const PriceTable t =
      load_price_table(std::string(RECUR_SOURCE_DIR) + "/data/sp500_2000_2020_ohlcv.csv");
  const FeatureFrame f =
      build_features(t, {.target = TargetKind::kLogReturn,
                         .inputs = {"log_return", "log_volume", "hl_range", "ma20", "dow_sincos"}});
  EXPECT_EQ(f.first_valid, 19u);
  const Splits s = split_by_fraction(f.first_valid, f.rows(), {.train = 0.7, .val = 0.15});
  EXPECT_EQ(s.train, (RowRange{19, 19 + 3560}));  // round(0.7 * 5086) = 3560
  const FrameScalers sc =
      FrameScalers::fit(f, s.train, ScalerKind::kStandard, ScalerKind::kStandard);
  const FeatureFrame scaled = sc.apply(f);
  const WindowSet train = make_windows(scaled, s.train, {.window = 30, .horizon = 1});
  EXPECT_EQ(train.size(), 3560u - 30u);
  EXPECT_EQ(train.x.shape(), (Shape{3530, 30, 6}));
  // Standardised training inputs: mean 0 over the training rows.
  double mean = 0;
  for (size_t r = s.train.begin; r < s.train.end; ++r) mean += scaled.inputs[0][r];
  EXPECT_NEAR(mean / static_cast<double>(s.train.size()), 0.0, 1e-12);
}

}  // namespace
}  // namespace recur::data
