#include "recur/data/targets.h"

#include <gtest/gtest.h>

#include <cmath>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

const std::vector<double> kPrices = {100.0, 110.0, 99.0, 99.0, 120.0};

TEST(Targets, HandComputedValues) {
  const auto price = make_target(kPrices, TargetKind::kPrice);
  EXPECT_EQ(price, kPrices);
  const auto diff = make_target(kPrices, TargetKind::kDifference);
  EXPECT_TRUE(std::isnan(diff[0]));
  EXPECT_EQ(std::vector<double>(diff.begin() + 1, diff.end()),
            (std::vector<double>{10.0, -11.0, 0.0, 21.0}));
  const auto lr = make_target(kPrices, TargetKind::kLogReturn);
  EXPECT_TRUE(std::isnan(lr[0]));
  EXPECT_DOUBLE_EQ(lr[1], std::log(1.1));
  EXPECT_DOUBLE_EQ(lr[2], std::log(0.9));
  EXPECT_EQ(lr[3], 0.0);
}

TEST(Targets, PredictionsBecomePricesChainingOverTheHorizon) {
  // Difference: 100 -> +5 -> -2 -> +1 = 105, 103, 104.
  EXPECT_EQ(to_prices(TargetKind::kDifference, 100.0, std::vector<double>{5, -2, 1}),
            (std::vector<double>{105, 103, 104}));
  // Log return: each step compounds on the previous step's price, not on the last known price.
  const auto p = to_prices(TargetKind::kLogReturn, 100.0,
                           std::vector<double>{std::log(1.1), std::log(0.5), 0.0});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_NEAR(p[0], 110.0, 1e-12);
  EXPECT_NEAR(p[1], 55.0, 1e-12);
  EXPECT_NEAR(p[2], 55.0, 1e-12);
  // Price: the prediction already is the price.
  EXPECT_EQ(to_prices(TargetKind::kPrice, 100.0, std::vector<double>{7, 8}),
            (std::vector<double>{7, 8}));
}

TEST(Targets, RoundTripToPricesForEveryKindAndHorizon) {
  for (TargetKind kind : {TargetKind::kPrice, TargetKind::kDifference, TargetKind::kLogReturn}) {
    const auto target = make_target(kPrices, kind);
    for (size_t t = 0; t + 1 < kPrices.size(); ++t) {  // last known price at row t
      const std::vector<double> future(target.begin() + static_cast<long>(t) + 1, target.end());
      const auto back = to_prices(kind, kPrices[t], future);
      for (size_t k = 0; k < back.size(); ++k) {
        EXPECT_NEAR(back[k], kPrices[t + 1 + k], 1e-12 * kPrices[t + 1 + k])
            << target_kind_name(kind) << " t=" << t << " k=" << k;
      }
    }
  }
}

TEST(Targets, LogReturnNeedsPositivePrices) {
  EXPECT_THROW(make_target(std::vector<double>{1.0, 0.0}, TargetKind::kLogReturn), ValueError);
  EXPECT_NO_THROW(make_target(std::vector<double>{1.0, -1.0}, TargetKind::kDifference));
}

TEST(Targets, NamesRoundTrip) {
  for (TargetKind kind : {TargetKind::kPrice, TargetKind::kDifference, TargetKind::kLogReturn}) {
    EXPECT_EQ(parse_target_kind(target_kind_name(kind)), kind);
  }
  EXPECT_EQ(parse_target_kind("logret"), TargetKind::kLogReturn);
  EXPECT_THROW(parse_target_kind("returns"), ValueError);
  EXPECT_EQ(target_lag(TargetKind::kPrice), 0u);
  EXPECT_EQ(target_lag(TargetKind::kLogReturn), 1u);
}

}  // namespace
}  // namespace recur::data
