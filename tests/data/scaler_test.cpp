#include "recur/data/scaler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

// Rows 1..4 are the "training" rows; rows 0 and 5 hold huge values that must not matter.
const std::vector<std::vector<double>> kColumns = {
    {1e9, 1.0, 2.0, 3.0, 4.0, -1e9},
    {1e9, 5.0, 5.0, 5.0, 5.0, -1e9},  // constant on the training rows
};
const RowRange kTrain{1, 5};

TEST(Scaler, StandardUsesMeanAndPopulationStdOfTheGivenRowsOnly) {
  const Scaler s = Scaler::fit(ScalerKind::kStandard, kColumns, kTrain);
  EXPECT_DOUBLE_EQ(s.center()[0], 2.5);
  EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(1.25));  // var of 1,2,3,4 = 5/4
  EXPECT_DOUBLE_EQ(s.transform(0, 4.0), 1.5 / std::sqrt(1.25));
}

TEST(Scaler, MinMaxMapsTrainingOntoUnitInterval) {
  const Scaler s = Scaler::fit(ScalerKind::kMinMax, kColumns, kTrain);
  EXPECT_EQ(s.center()[0], 1.0);
  EXPECT_EQ(s.scale()[0], 3.0);
  EXPECT_EQ(s.transform(0, 1.0), 0.0);
  EXPECT_EQ(s.transform(0, 4.0), 1.0);
}

TEST(Scaler, RobustUsesMedianAndInterquartileRange) {
  // numpy: median(1,2,3,4) = 2.5, percentile 25 = 1.75, 75 = 3.25 -> IQR 1.5.
  const Scaler s = Scaler::fit(ScalerKind::kRobust, kColumns, kTrain);
  EXPECT_DOUBLE_EQ(s.center()[0], 2.5);
  EXPECT_DOUBLE_EQ(s.scale()[0], 1.5);
  const Scaler odd =
      Scaler::fit(ScalerKind::kRobust, std::vector<double>{7, 1, 3, 100, 5}, RowRange{0, 5});
  EXPECT_DOUBLE_EQ(odd.center()[0], 5.0);  // sorted 1 3 5 7 100
  EXPECT_DOUBLE_EQ(odd.scale()[0], 4.0);   // 7 - 3
}

TEST(Scaler, ConstantColumnIsShiftedNotDividedByZero) {
  for (ScalerKind kind : {ScalerKind::kStandard, ScalerKind::kMinMax, ScalerKind::kRobust}) {
    const Scaler s = Scaler::fit(kind, kColumns, kTrain);
    EXPECT_EQ(s.center()[1], 5.0) << scaler_kind_name(kind);
    EXPECT_EQ(s.scale()[1], 1.0) << scaler_kind_name(kind);
    EXPECT_EQ(s.transform(1, 5.0), 0.0);
    EXPECT_EQ(s.transform(1, 7.0), 2.0);
  }
}

TEST(Scaler, NoneIsIdentity) {
  const Scaler s = Scaler::fit(ScalerKind::kNone, kColumns, kTrain);
  EXPECT_EQ(s.transform(0, 123.5), 123.5);
}

TEST(Scaler, InverseUndoesTransform) {
  for (ScalerKind kind : {ScalerKind::kStandard, ScalerKind::kMinMax, ScalerKind::kRobust}) {
    const Scaler s = Scaler::fit(kind, kColumns, kTrain);
    const auto back = s.inverse(s.transform(kColumns));
    for (size_t c = 0; c < kColumns.size(); ++c) {
      for (size_t r = 0; r < kColumns[c].size(); ++r) {
        EXPECT_NEAR(back[c][r], kColumns[c][r], 1e-15 * std::abs(kColumns[c][r]) + 1e-12);
      }
    }
  }
}

TEST(Scaler, JsonRoundTripIsExact) {
  const Scaler s = Scaler::fit(ScalerKind::kStandard,
                               std::vector<std::vector<double>>{{0.1, 0.7, 1.0 / 3.0}}, {0, 3});
  const Scaler back = Scaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(back.kind(), ScalerKind::kStandard);
  EXPECT_EQ(back.center(), s.center());  // bit-exact: JSON keeps 17 significant digits
  EXPECT_EQ(back.scale(), s.scale());
}

TEST(Scaler, RejectsBadInputAndBadJson) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         Scaler::fit(ScalerKind::kStandard, kColumns, RowRange{2, 2});
                       }),
                       "cannot fit on rows [2, 2)"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         Scaler::fit(ScalerKind::kStandard, kColumns, RowRange{0, 7});
                       }),
                       "cannot fit on rows [0, 7) of a column of 6 rows"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         Scaler::fit(ScalerKind::kMinMax, std::vector<double>{1, NAN, 2}, {0, 3});
                       }),
                       "non-finite value at row 1"));
  EXPECT_THROW(
      Scaler::from_json(nlohmann::json{{"kind", "zscore"}, {"center", {0}}, {"scale", {1}}}),
      ValueError);
  EXPECT_THROW(
      Scaler::from_json(nlohmann::json{{"kind", "standard"}, {"center", {0}}, {"scale", {0}}}),
      ValueError);
  EXPECT_THROW(
      Scaler::from_json(nlohmann::json{{"kind", "standard"}, {"center", {0, 1}}, {"scale", {1}}}),
      ValueError);
  EXPECT_THROW(Scaler::from_json(nlohmann::json::array()), ValueError);
  EXPECT_THROW(parse_scaler_kind("zscore"), ValueError);
}

// --- Numeric range ------------------------------------------------------------------------------

// A random walk around `level`: prices of a real series, times a power of ten.
std::vector<double> walk(double level) {
  std::vector<double> p{100.0};
  for (int i = 1; i < 200; ++i) p.push_back(p.back() * (1.0 + 0.01 * std::sin(i * 1.7)));
  for (double& v : p) v *= level;
  return p;
}

TEST(Scaler, HugeAndTinyValuesScaleLikeOrdinaryOnes) {
  const std::vector<double> base = walk(1.0);
  for (ScalerKind kind : {ScalerKind::kStandard, ScalerKind::kMinMax, ScalerKind::kRobust}) {
    const Scaler ref = Scaler::fit(kind, base, {0, 200});
    for (double level : {1e200, 1e-200, 1e300, 1e-300}) {
      const std::vector<double> x = walk(level);
      const Scaler s = Scaler::fit(kind, x, {0, 200});
      ASSERT_TRUE(std::isfinite(s.scale()[0])) << scaler_kind_name(kind) << " " << level;
      EXPECT_NEAR(s.center()[0] / level, ref.center()[0], 1e-12 * ref.center()[0]);
      EXPECT_NEAR(s.scale()[0] / level, ref.scale()[0], 1e-12 * ref.scale()[0]);
      for (size_t r : {0, 50, 199}) {
        EXPECT_NEAR(s.transform(0, x[r]), ref.transform(0, base[r]), 1e-9) << level;
      }
    }
  }
}

TEST(Scaler, ConstantMeansTinySpreadRelativeToTheValues) {
  // Rounding noise on a constant: constant. A spread of 1% at 1e-200: not constant.
  const Scaler noise =
      Scaler::fit(ScalerKind::kStandard, std::vector<double>{0.3, 0.1 + 0.2, 0.3}, {0, 3});
  EXPECT_EQ(noise.scale()[0], 1.0);
  const Scaler tiny =
      Scaler::fit(ScalerKind::kStandard, std::vector<double>{1e-200, 1.02e-200}, {0, 2});
  EXPECT_NEAR(tiny.scale()[0] / 1e-202, 1.0, 1e-12);
  EXPECT_NEAR(tiny.transform(0, 1.02e-200), 1.0, 1e-12);
}

TEST(Scaler, OverflowingStatisticsNameTheColumn) {
  const std::vector<std::vector<double>> columns = {{1, 2, 3, 4},
                                                    {-1.5e308, -1.5e308, 1.5e308, 1.5e308}};
  EXPECT_EQ(error_message<ValueError>([&] {
              Scaler::fit(ScalerKind::kMinMax, columns, {0, 4}, {"volume", "close"});
            }),
            "scaler: column 'close': values up to 1.5e+308 overflow double precision arithmetic "
            "(the minmax scale is not finite)");
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         Scaler::fit(ScalerKind::kRobust, columns, {0, 4});
                       }),
                       "scaler: column 1: values up to 1.5e+308 overflow"));
}

TEST(Scaler, JsonWithNullOrNonFiniteStatisticsNamesFieldAndColumn) {
  using nlohmann::json;
  const json null_scale = {{"kind", "standard"}, {"center", {1.0, 2.0}}, {"scale", {1.0, nullptr}}};
  EXPECT_EQ(error_message<ValueError>([&] { Scaler::from_json(null_scale); }),
            "scaler JSON: \"scale\" of column 1 is null, expected a finite number");
  const json text_center = {{"kind", "standard"}, {"center", {"x"}}, {"scale", {1.0}}};
  EXPECT_EQ(error_message<ValueError>([&] { Scaler::from_json(text_center, "scalers.inputs"); }),
            "scalers.inputs: \"center\" of column 0 is \"x\", expected a finite number");
  const json infinite = {{"kind", "minmax"}, {"center", {0.0}}, {"scale", {HUGE_VAL}}};
  EXPECT_EQ(error_message<ValueError>([&] { Scaler::from_json(infinite); }),
            "scaler JSON: \"scale\" of column 0 is inf, expected a finite number");
  EXPECT_EQ(error_message<ValueError>([] {
              Scaler::from_json(json{{"kind", "standard"}, {"center", {0}}, {"scale", {-2}}});
            }),
            "scaler JSON: \"scale\" of column 0 is -2, expected a positive number");
  EXPECT_EQ(error_message<ValueError>([] {
              Scaler::from_json(json{{"kind", "standard"}, {"center", {0}}});
            }),
            "scaler JSON: \"scale\" is missing");
}

}  // namespace
}  // namespace recur::data
