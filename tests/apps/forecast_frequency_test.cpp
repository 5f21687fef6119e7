// `recur forecast` on series that are not daily prices: the frequency inferred through the
// forecast loader on every shipped series, the seasonal-naive period that follows from it (an
// explicit one wins), gaps reported in report.md and metrics.json, the next periods' dates in
// predict, and the clear errors: a log of zero, the day of the week on monthly data.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::forecast {
namespace {

namespace fs = std::filesystem;
using recur::testing::file_bytes;

std::string shipped(const std::string& name) {
  return std::string(RECUR_SOURCE_DIR) + "/data/" + name;
}

using recur::testing::TempDir;

// A tiny network on `column` of a shipped series: the defaults' target (difference), a few
// epochs, so that each run takes well under a second.
ForecastConfig tiny(const std::string& date_column, const std::string& column) {
  ForecastConfig c;
  c.date_column = date_column;
  c.features = {
      .target_column = column, .target = data::TargetKind::kDifference, .inputs = {column}};
  c.window = 12;
  c.model.hidden_size = 4;
  c.model.num_layers = 1;
  c.training.epochs = 1;
  c.training.patience = 0;
  return c;
}

RunResult train(const std::string& data, const std::string& out, const ForecastConfig& config,
                BaselineOptions baselines = {}) {
  return train_run({.data_path = data,
                    .out_dir = out,
                    .config = config,
                    .baselines = baselines,
                    .progress = train::ProgressStyle::Quiet});
}

std::vector<std::string> baseline_names(const MethodResults& r) {
  std::vector<std::string> names;
  for (const BacktestResult& b : r.baselines) names.push_back(b.model);
  return names;
}

TEST(ForecastFrequency, InferredOnEveryShippedSeriesThroughTheLoader) {
  struct Case {
    const char* file;
    const char* date;
    const char* column;
    const char* frequency;
    int period;
    size_t rows;
    int64_t missing;
  };
  const Case cases[] = {
      {"airpassengers_1949_1960_monthly.csv", "Month", "Passengers", "monthly", 12, 144, 0},
      {"co2_maunaloa_1958_2020_monthly.csv", "Date", "CO2", "monthly", 12, 741, 5},
      {"sunspots_1700_2008_yearly.csv", "Year", "SunActivity", "yearly", 1, 309, 0},
      {"taylor_electricity_2000_halfhourly.csv", "Timestamp", "DemandMW", "half_hourly", 48, 4032,
       0},
      {"djia_1980_2012_close.csv", "Date", "Close", "business_daily", 5, 8610, 0},
      // The four weekdays the exchanges closed after 2001-09-11 are the one gap.
      {"sp500_2000_2020_ohlcv.csv", "date", "close", "business_daily", 5, 5105, 4},
      {"msft_2000_2001_ohlcv.csv", "Date", "Close", "business_daily", 5, 249, 4},
  };
  for (const Case& c : cases) {
    const SeriesInfo s = inspect_series(shipped(c.file), tiny(c.date, c.column));
    EXPECT_EQ(s.frequency.name, c.frequency) << c.file;
    EXPECT_EQ(s.frequency.seasonal_period, c.period) << c.file;
    EXPECT_EQ(s.rows, c.rows) << c.file;
    EXPECT_EQ(s.frequency.missing_periods(), c.missing) << c.file;
    EXPECT_FALSE(s.frequency_given);
    // Seasonal naive follows the frequency; with a period of 1 it would copy naive: left out.
    EXPECT_EQ(s.season_used, c.period > 1 ? c.period : 0) << c.file;
  }
  const SeriesInfo taylor = inspect_series(shipped("taylor_electricity_2000_halfhourly.csv"),
                                           tiny("Timestamp", "DemandMW"));
  EXPECT_EQ(taylor.first, "2000-06-05");
  EXPECT_EQ(taylor.last, "2000-08-27 23:30");
}

// EuStockMarkets carries R's decimal-year index, not dates: a clear error, not a guess.
TEST(ForecastFrequency, ADecimalYearIndexIsRefusedWithAHint) {
  try {
    inspect_series(shipped("eustockmarkets_1991_1998_close.csv"), tiny("t", "DAX"));
    FAIL() << "expected an IoError";
  } catch (const IoError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("eustockmarkets_1991_1998_close.csv:2: column 't': '1991.496154' is not a "
                       "date"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("a decimal-year index is not read as dates"), std::string::npos) << msg;
  }
}

TEST(ForecastFrequency, SeasonalNaiveDefaultsToTheFrequencysPeriodAndAnExplicitOneWins) {
  TempDir dir;
  const std::string air = shipped("airpassengers_1949_1960_monthly.csv");
  const RunResult r = train(air, dir / "air", tiny("Month", "Passengers"));
  EXPECT_EQ(baseline_names(r.test), (std::vector<std::string>{"drift", "seasonal naive (m=12)",
                                                              "moving average (w=20)", "AR(5)"}));
  EXPECT_EQ(r.series.season_used, 12);
  BaselineOptions six;
  six.season_period = 6;
  const RunResult explicit_season = train(air, dir / "air6", tiny("Month", "Passengers"), six);
  EXPECT_EQ(explicit_season.test.baselines[1].model, "seasonal naive (m=6)");
  // Yearly: no seasonal naive unless asked for (the sunspot cycle is about 11 years).
  const RunResult sun =
      train(shipped("sunspots_1700_2008_yearly.csv"), dir / "sun", tiny("Year", "SunActivity"));
  EXPECT_EQ(baseline_names(sun.test),
            (std::vector<std::string>{"drift", "moving average (w=20)", "AR(5)"}));
  // The report names the frequency and the period used.
  const std::string report = file_bytes(dir / "air/report.md");
  EXPECT_NE(report.find("| frequency | monthly (inferred from the dates), seasonal naive m = 12 |"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("The series has 144 monthly rows, 1949-01-01 to 1960-12-01"),
            std::string::npos);
  EXPECT_NE(report.find("It has no gaps."), std::string::npos);
}

TEST(ForecastFrequency, GapsAreReportedInTheReportMetricsAndWarnings) {
  TempDir dir;
  const RunResult r =
      train(shipped("co2_maunaloa_1958_2020_monthly.csv"), dir / "co2", tiny("Date", "CO2"));
  ASSERT_EQ(r.series.frequency.gaps.size(), 3u);  // 1958-06, 1958-10, 1964-02..04
  const auto metrics = nlohmann::json::parse(file_bytes(dir / "co2/metrics.json"));
  const auto& data = metrics.at("data");
  EXPECT_EQ(data.at("frequency"), "monthly");
  EXPECT_EQ(data.at("frequency_source"), "inferred");
  EXPECT_EQ(data.at("missing_periods"), 5);
  ASSERT_EQ(data.at("gaps").size(), r.series.frequency.gaps.size());
  EXPECT_EQ(data.at("gaps")[0].at("after"), "1958-05-01");
  EXPECT_EQ(data.at("gaps")[0].at("before"), "1958-07-01");
  EXPECT_EQ(data.at("gaps")[0].at("missing"), 1);
  const std::string report = file_bytes(dir / "co2/report.md");
  EXPECT_NE(report.find("5 month(s) missing in all; the windows run across them"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("1958-05-01 to 1958-07-01 (1 missing)"), std::string::npos);
  // One warning (stderr, the report's data warnings) names the first gap.
  bool warned = false;
  for (const std::string& w : r.warnings) {
    warned = warned || w.find("gap(s) in the monthly dates") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

TEST(ForecastFrequency, ALogOfZeroNamesTheColumnAndTheFirstBadRow) {
  ForecastConfig c = tiny("Year", "SunActivity");
  c.features.target = data::TargetKind::kLogReturn;
  try {
    inspect_series(shipped("sunspots_1700_2008_yearly.csv"), c);
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("sunspots_1700_2008_yearly.csv:13: column 'SunActivity' is 0 on "
                       "1711-01-01, but the log_return target takes the log of every value"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("--target-kind difference"), std::string::npos) << msg;
  }
  // The same for a log_return input, and for a negative value.
  TempDir dir;
  std::ofstream(dir / "neg.csv") << "date,temp\n2020-01,3.5\n2020-02,1\n2020-03,-2\n2020-04,4\n";
  ForecastConfig t = tiny("date", "temp");
  t.features.inputs = {"log_return"};
  try {
    inspect_series(dir / "neg.csv", t);
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("neg.csv:4: column 'temp' is -2 on 2020-03-01, but "
                                         "input 'log_return' takes the log"),
              std::string::npos)
        << e.what();
  }
  // Level and difference targets are fine with zeros and negatives.
  t.features.inputs = {"temp"};
  EXPECT_EQ(inspect_series(dir / "neg.csv", t).frequency.name, "monthly");
}

TEST(ForecastFrequency, DayOfWeekInputsAreRefusedOnMonthlyDataOnly) {
  ForecastConfig c = tiny("Month", "Passengers");
  c.features.inputs = {"Passengers", "dow_onehot"};
  try {
    inspect_series(shipped("airpassengers_1949_1960_monthly.csv"), c);
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("input 'dow_onehot' is the day of the week, which means "
                                         "nothing for monthly data"),
              std::string::npos)
        << e.what();
  }
  ForecastConfig half_hourly = tiny("Timestamp", "DemandMW");
  half_hourly.features.inputs = {"DemandMW", "dow_sincos"};  // demand has a weekly cycle
  EXPECT_NO_THROW(inspect_series(shipped("taylor_electricity_2000_halfhourly.csv"), half_hourly));
}

TEST(ForecastFrequency, AGivenFrequencyWinsAndADisagreementIsAWarning) {
  TempDir dir;
  ForecastConfig c = tiny("Month", "Passengers");
  c.frequency = data::Frequency::monthly;
  const SeriesInfo same = inspect_series(shipped("airpassengers_1949_1960_monthly.csv"), c);
  EXPECT_TRUE(same.frequency_given);
  EXPECT_TRUE(same.gaps_checked);
  c.frequency = data::Frequency::quarterly;
  const RunResult r = train(shipped("airpassengers_1949_1960_monthly.csv"), dir / "q", c);
  EXPECT_EQ(r.series.frequency.name, "quarterly");
  EXPECT_EQ(r.series.season_used, 4);
  EXPECT_FALSE(r.series.gaps_checked);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("the dates look monthly; using the given frequency quarterly"),
            std::string::npos)
      << r.warnings[0];
  // The given frequency is part of the run's config.
  const auto config = nlohmann::json::parse(file_bytes(dir / "q/config.json"));
  EXPECT_EQ(config["data"]["frequency"], "quarterly");
  EXPECT_EQ(load_config(dir / "q/config.json").frequency, data::Frequency::quarterly);
}

TEST(ForecastFrequency, PredictDatesFollowTheFrequency) {
  TempDir dir;
  ForecastConfig monthly = tiny("Month", "Passengers");
  monthly.horizon = 2;
  const std::string air = shipped("airpassengers_1949_1960_monthly.csv");
  train(air, dir / "air", monthly);
  const Prediction p = predict_run(dir / "air", air, 0.9);
  EXPECT_EQ(p.last_date, "1960-12-01");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].date, "1961-01-01");
  EXPECT_EQ(p.rows[1].date, "1961-02-01");

  ForecastConfig half_hourly = tiny("Timestamp", "DemandMW");
  half_hourly.horizon = 2;
  const std::string taylor = shipped("taylor_electricity_2000_halfhourly.csv");
  train(taylor, dir / "taylor", half_hourly);
  const Prediction q = predict_run(dir / "taylor", taylor, 0.9);
  EXPECT_EQ(q.last_date, "2000-08-27 23:30");
  EXPECT_EQ(q.rows[0].date, "2000-08-28");  // midnight prints as the bare date
  EXPECT_EQ(q.rows[1].date, "2000-08-28 00:30");
}

TEST(ForecastFrequency, TheCliTrainsOnAMonthlySeriesWithItsColumnNames) {
  TempDir dir;
  const auto r = recur::testing::run_cli(
      "forecast train --data " + shipped("airpassengers_1949_1960_monthly.csv") +
      " --date-column Month --target Passengers --window 12 --hidden 4 --layers 1 --epochs 1 "
      "--json --out " +
      (dir / "run"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto out = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_EQ(out["data"]["frequency"], "monthly");
  EXPECT_EQ(out["data"]["season_used"], 12);
  EXPECT_TRUE(out["metrics"]["test"].contains("seasonal naive (m=12)"));
  const auto bad = recur::testing::run_cli(
      "forecast train --data " + shipped("airpassengers_1949_1960_monthly.csv") +
      " --date-column Month --target Passengers --frequency fortnightly --out " + (dir / "x"));
  EXPECT_EQ(bad.status, 2) << bad.output;
}

}  // namespace
}  // namespace recur::forecast
