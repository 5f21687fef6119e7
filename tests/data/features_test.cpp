#include "recur/data/features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

// Five trading days from Friday 2020-01-03 to Thursday 2020-01-09 (the weekend is skipped).
PriceTable small_table() {
  return price_table_from_csv(
      io::parse_csv("Date,Open,High,Low,Close,Volume\n"
                    "2020-01-03,10,11,9,10,0\n"
                    "2020-01-06,10,12,9,12,99\n"
                    "2020-01-07,12,12,10,11,9\n"
                    "2020-01-08,11,14,11,13,999\n"
                    "2020-01-09,13,15,13,14,4\n",
                    "small.csv"));
}

const std::vector<double>& input(const FeatureFrame& f, const std::string& name) {
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (f.names[i] == name) return f.inputs[i];
  }
  throw ValueError("no input " + name);
}

TEST(Features, RawColumnsAndTarget) {
  const FeatureFrame f = build_features(
      small_table(),
      {.target_column = "Close", .target = TargetKind::kDifference, .inputs = {"close", "Volume"}});
  EXPECT_EQ(f.names, (std::vector<std::string>{"close", "Volume"}));
  EXPECT_EQ(f.inputs[0], (std::vector<double>{10, 12, 11, 13, 14}));
  EXPECT_EQ(f.price, (std::vector<double>{10, 12, 11, 13, 14}));
  EXPECT_TRUE(std::isnan(f.target[0]));
  EXPECT_EQ(f.target[1], 2.0);
  EXPECT_EQ(f.target[2], -1.0);
  EXPECT_EQ(f.first_valid, 1u);  // the difference target needs one earlier row
  EXPECT_EQ(f.source, "small.csv");
}

TEST(Features, HandComputedDerivedValues) {
  const FeatureFrame f = build_features(
      small_table(), {.inputs = {"return", "log_return", "log_volume", "hl_range", "ma3"}});
  EXPECT_TRUE(std::isnan(input(f, "return")[0]));
  EXPECT_DOUBLE_EQ(input(f, "return")[1], 0.2);  // 12 / 10 - 1
  EXPECT_DOUBLE_EQ(input(f, "log_return")[2], std::log(11.0 / 12.0));
  EXPECT_EQ(input(f, "log_volume")[0], 0.0);  // log(1 + 0)
  EXPECT_DOUBLE_EQ(input(f, "log_volume")[3], std::log(1000.0));
  EXPECT_DOUBLE_EQ(input(f, "hl_range")[1], 3.0 / 12.0);  // (12 - 9) / 12
  const auto& ma = input(f, "ma3");
  EXPECT_TRUE(std::isnan(ma[0]));
  EXPECT_TRUE(std::isnan(ma[1]));
  EXPECT_DOUBLE_EQ(ma[2], 11.0);        // (10 + 12 + 11) / 3
  EXPECT_DOUBLE_EQ(ma[4], 38.0 / 3.0);  // (11 + 13 + 14) / 3
  EXPECT_EQ(f.first_valid, 2u);         // ma3 is the longest history
}

TEST(Features, DayOfWeekOneHotAndSinCos) {
  const FeatureFrame f = build_features(small_table(), {.inputs = {"dow_onehot", "dow_sincos"}});
  ASSERT_EQ(f.num_inputs(), 9u);
  EXPECT_EQ(f.names[0], "dow_mon");
  EXPECT_EQ(f.names[6], "dow_sun");
  EXPECT_EQ(f.names[7], "dow_sin");
  // Row 0 is a Friday (weekday 4), row 1 a Monday.
  EXPECT_EQ(input(f, "dow_fri"), (std::vector<double>{1, 0, 0, 0, 0}));
  EXPECT_EQ(input(f, "dow_mon"), (std::vector<double>{0, 1, 0, 0, 0}));
  EXPECT_EQ(input(f, "dow_sat"), (std::vector<double>{0, 0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(input(f, "dow_sin")[0], std::sin(2 * std::numbers::pi * 4 / 7));
  EXPECT_DOUBLE_EQ(input(f, "dow_cos")[1], 1.0);
  EXPECT_EQ(f.first_valid, 0u);
}

// Every derived input is causal: changing rows after t changes nothing at rows <= t.
TEST(Features, EveryInputUsesOnlyPastAndPresentRows) {
  const FeatureSpec spec{.target_column = "close",
                         .target = TargetKind::kLogReturn,
                         .inputs = {"open", "close", "return", "log_return", "log_volume",
                                    "hl_range", "ma2", "ma4", "dow_onehot", "dow_sincos"}};
  const PriceTable base = small_table();
  const FeatureFrame f = build_features(base, spec);
  for (size_t t = 0; t + 1 < base.rows(); ++t) {
    PriceTable changed = base;
    for (auto& column : changed.columns) {
      for (size_t r = t + 1; r < changed.rows(); ++r) column[r] = column[r] * 1.5 + r;
    }
    for (size_t r = t + 1; r < changed.rows(); ++r) changed.dates[r] = changed.dates[r] + 1;
    const FeatureFrame g = build_features(changed, spec);
    for (size_t c = 0; c < f.num_inputs(); ++c) {
      bool later_changed = false;
      for (size_t r = 0; r < f.rows(); ++r) {
        const double a = f.inputs[c][r];
        const double b = g.inputs[c][r];
        const bool same = (std::isnan(a) && std::isnan(b)) || a == b;
        if (r <= t) {
          EXPECT_TRUE(same) << f.names[c] << " row " << r << " after change at " << t;
        }
        if (r > t && !same) later_changed = true;
      }
      // Guard against a vacuous test: the change shows in every input's later rows (one-hot
      // columns excepted: a shifted weekday may be absent from the rows after t).
      const bool one_hot =
          f.names[c].starts_with("dow_") && f.names[c] != "dow_sin" && f.names[c] != "dow_cos";
      if (!one_hot) {
        EXPECT_TRUE(later_changed) << f.names[c] << " t=" << t;
      }
    }
    for (size_t r = 0; r <= t; ++r) {
      EXPECT_TRUE((std::isnan(f.target[r]) && std::isnan(g.target[r])) ||
                  f.target[r] == g.target[r]);
    }
  }
}

TEST(Features, Errors) {
  const PriceTable t = small_table();
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         build_features(t, {.target_column = "Adj Close", .inputs = {"close"}});
                       }),
                       "target column 'Adj Close' is not among the loaded columns of small.csv"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { build_features(t, {.inputs = {"rsi"}}); }),
                       "unknown input 'rsi'"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { build_features(t, {.inputs = {"ma0"}}); }),
                       "unknown input 'ma0'"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         build_features(t, {.inputs = {"close", "close"}});
                       }),
                       "input 'close' is listed twice"));
  const PriceTable close_only =
      price_table_from_csv(io::parse_csv("Date,Close\n2020-01-02,1\n2020-01-03,2\n", "c.csv"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([&] { build_features(close_only, {.inputs = {"log_volume"}}); }),
      "input 'log_volume' needs a 'volume' column, which c.csv does not have"));
  const PriceTable zero_close = price_table_from_csv(
      io::parse_csv("Date,High,Low,Close\n2020-01-02,1,1,1\n2020-01-03,2,1,0\n", "z.csv"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([&] { build_features(zero_close, {.inputs = {"hl_range"}}); }),
      "z.csv:3: input 'hl_range' is not finite on 2020-01-03"));
}

TEST(Features, SpecJsonRoundTrip) {
  const FeatureSpec spec{.target_column = "Adj Close",
                         .target = TargetKind::kLogReturn,
                         .inputs = {"log_return", "ma20", "dow_sincos"}};
  const nlohmann::json j = feature_spec_to_json(spec);
  EXPECT_EQ(j.at("target"), "log_return");
  const FeatureSpec back = feature_spec_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.target_column, spec.target_column);
  EXPECT_EQ(back.target, spec.target);
  EXPECT_EQ(back.inputs, spec.inputs);
  EXPECT_THROW(feature_spec_from_json(nlohmann::json{{"target", "price"}}), ValueError);
}

}  // namespace
}  // namespace recur::data
