#include "recur/data/frequency.h"

#include <gtest/gtest.h>

#include <vector>

#include "expect_error.h"
#include "recur/io/csv.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

struct TimeColumn {
  std::vector<Timestamp> times;
  std::vector<int64_t> lines;
};

// The first column of a shipped data/ file, parsed as timestamps.
TimeColumn shipped_times(const std::string& name) {
  const io::CsvTable csv = io::read_csv(std::string(RECUR_SOURCE_DIR) + "/data/" + name);
  TimeColumn column;
  for (const io::CsvRow& row : csv.rows) {
    const auto t = parse_timestamp(row.fields.at(0));
    if (!t) throw ValueError(csv.where(row) + ": not a timestamp: " + row.fields.at(0));
    column.times.push_back(*t);
    column.lines.push_back(row.line);
  }
  return column;
}

FrequencyInfo shipped_frequency(const std::string& name) {
  const TimeColumn column = shipped_times(name);
  return infer_frequency(column.times, {.source = name, .lines = column.lines});
}

std::vector<Timestamp> parse_all(const std::vector<std::string>& texts) {
  std::vector<Timestamp> times;
  for (const auto& text : texts) times.push_back(parse_timestamp(text).value());
  return times;
}

// --- Timestamps ---------------------------------------------------------------------------------

TEST(Timestamp, ParsesEveryShippedForm) {
  EXPECT_EQ(parse_timestamp("1700")->str(), "1700-01-01");
  EXPECT_EQ(parse_timestamp("1949-02")->str(), "1949-02-01");
  EXPECT_EQ(parse_timestamp("1949/02")->str(), "1949-02-01");
  EXPECT_EQ(parse_timestamp(" 2000-01-03 ")->str(), "2000-01-03");
  const Timestamp t = parse_timestamp("2000-06-05 00:30").value();
  EXPECT_EQ(t.second_of_day, 1800);
  EXPECT_EQ(t.str(), "2000-06-05 00:30");
  EXPECT_EQ(parse_timestamp("2000-06-05T23:59:07")->str(), "2000-06-05 23:59:07");
  EXPECT_EQ(parse_timestamp("1970-01-02 01:00")->seconds_since_1970(), 86400 + 3600);
}

TEST(Timestamp, RejectsOtherForms) {
  for (const char* text : {"", "170", "1949-13", "1949-1", "03/01/2000", "2001-02-29",
                           "2000-06-05 24:00", "2000-06-05 12:60", "2000-06-05 12",
                           "2000-06-05x12:00", "2000-06-05 12:00:5", "1991.496154"}) {
    EXPECT_FALSE(parse_timestamp(text).has_value()) << text;
  }
}

// --- The shipped series
// ---------------------------------------------------------------------------

TEST(Frequency, ShippedSeriesHaveTheRowsAndSpansOfDataReadme) {
  struct Expected {
    const char* name;
    size_t rows;
    const char* first;
    const char* last;
  };
  for (const Expected& e : {
           Expected{"airpassengers_1949_1960_monthly.csv", 144, "1949-01-01", "1960-12-01"},
           Expected{"co2_maunaloa_1958_2020_monthly.csv", 741, "1958-03-01", "2020-04-01"},
           Expected{"sunspots_1700_2008_yearly.csv", 309, "1700-01-01", "2008-01-01"},
           Expected{"taylor_electricity_2000_halfhourly.csv", 4032, "2000-06-05",
                    "2000-08-27 23:30"},
           Expected{"djia_1980_2012_close.csv", 8610, "1980-01-01", "2012-12-31"},
       }) {
    const TimeColumn column = shipped_times(e.name);
    ASSERT_EQ(column.times.size(), e.rows) << e.name;
    EXPECT_EQ(column.times.front().str(), e.first) << e.name;
    EXPECT_EQ(column.times.back().str(), e.last) << e.name;
    EXPECT_EQ(column.lines.back(), static_cast<int64_t>(e.rows) + 1) << e.name;
  }
}

TEST(Frequency, AirPassengersIsMonthlyWithoutGaps) {
  const FrequencyInfo f = shipped_frequency("airpassengers_1949_1960_monthly.csv");
  EXPECT_EQ(f.frequency, Frequency::monthly);
  EXPECT_EQ(f.name, "monthly");
  EXPECT_EQ(f.seasonal_period, 12);
  EXPECT_TRUE(f.gaps.empty());
}

TEST(Frequency, Co2IsMonthlyWithTheMonthsDroppedUpstream) {
  // data/README.md: "Missing months were dropped upstream" — 1958-06, 1958-10, 1964-02..04.
  const FrequencyInfo f = shipped_frequency("co2_maunaloa_1958_2020_monthly.csv");
  EXPECT_EQ(f.frequency, Frequency::monthly);
  ASSERT_EQ(f.gaps.size(), 3u);
  EXPECT_EQ(f.gaps[0].after, "1958-05-01");
  EXPECT_EQ(f.gaps[0].before, "1958-07-01");
  EXPECT_EQ(f.gaps[0].missing, 1);
  EXPECT_EQ(f.gaps[1].after, "1958-09-01");
  EXPECT_EQ(f.gaps[1].missing, 1);
  EXPECT_EQ(f.gaps[2].after, "1964-01-01");
  EXPECT_EQ(f.gaps[2].before, "1964-05-01");
  EXPECT_EQ(f.gaps[2].missing, 3);
  EXPECT_EQ(f.gaps[2].index, 69u);
  EXPECT_EQ(f.missing_periods(), 5);
}

TEST(Frequency, SunspotsIsYearly) {
  const FrequencyInfo f = shipped_frequency("sunspots_1700_2008_yearly.csv");
  EXPECT_EQ(f.frequency, Frequency::yearly);
  EXPECT_EQ(f.seasonal_period, 1);
  EXPECT_TRUE(f.gaps.empty());
}

TEST(Frequency, TaylorElectricityIsHalfHourly) {
  const FrequencyInfo f = shipped_frequency("taylor_electricity_2000_halfhourly.csv");
  EXPECT_EQ(f.frequency, Frequency::half_hourly);
  EXPECT_EQ(f.name, "half_hourly");
  EXPECT_EQ(f.seasonal_period, 48);
  EXPECT_TRUE(f.gaps.empty());
}

TEST(Frequency, DjiaIsBusinessDaysWithEveryWeekday) {
  // The DJIA file repeats the previous close on holidays: every weekday has a row.
  const FrequencyInfo f = shipped_frequency("djia_1980_2012_close.csv");
  EXPECT_EQ(f.frequency, Frequency::business_daily);
  EXPECT_EQ(f.seasonal_period, 5);
  EXPECT_TRUE(f.gaps.empty());
}

TEST(Frequency, StockSeriesAreTradingDaysAndOnlyTheSeptember2001ClosureIsAGap) {
  // Holidays (1 or 2 weekdays, Hurricane Sandy's 2012-10-29/30 included) are no gaps; the
  // closure after 9/11 (4 weekdays) is.
  for (const char* name : {"sp500_2000_2020_ohlcv.csv", "msft_2000_2001_ohlcv.csv"}) {
    const FrequencyInfo f = shipped_frequency(name);
    EXPECT_EQ(f.frequency, Frequency::business_daily) << name;
    ASSERT_EQ(f.gaps.size(), 1u) << name;
    EXPECT_EQ(f.gaps[0].after, "2001-09-10") << name;
    EXPECT_EQ(f.gaps[0].before, "2001-09-17") << name;
    EXPECT_EQ(f.gaps[0].missing, 4) << name;
  }
}

TEST(Frequency, EuStockMarketsDecimalYearsAreBusinessDays) {
  const io::CsvTable csv =
      io::read_csv(std::string(RECUR_SOURCE_DIR) + "/data/eustockmarkets_1991_1998_close.csv");
  std::vector<double> years;
  for (const io::CsvRow& row : csv.rows) years.push_back(io::parse_number(row.fields[0]).value());
  const FrequencyInfo f = infer_frequency_from_decimal_years(years);
  EXPECT_EQ(f.frequency, Frequency::business_daily);
  EXPECT_EQ(f.seasonal_period, 5);
  EXPECT_TRUE(f.gaps.empty());
  // The same index with 3 rows taken out around row 100 has a gap of 3 periods there.
  years.erase(years.begin() + 100, years.begin() + 103);
  const FrequencyInfo holed = infer_frequency_from_decimal_years(years);
  ASSERT_EQ(holed.gaps.size(), 1u);
  EXPECT_EQ(holed.gaps[0].index, 100u);
  EXPECT_EQ(holed.gaps[0].missing, 3);
}

// --- Synthetic series
// -----------------------------------------------------------------------------

TEST(Frequency, CalendarDailyWithAHole) {
  const auto times = parse_all(
      {"2021-03-05", "2021-03-06", "2021-03-07", "2021-03-08", "2021-03-11", "2021-03-12"});
  const FrequencyInfo f = infer_frequency(times);
  EXPECT_EQ(f.frequency, Frequency::daily);
  EXPECT_EQ(f.seasonal_period, 7);
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_EQ(f.gaps[0].index, 4u);
  EXPECT_EQ(f.gaps[0].after, "2021-03-08");
  EXPECT_EQ(f.gaps[0].before, "2021-03-11");
  EXPECT_EQ(f.gaps[0].missing, 2);
}

TEST(Frequency, TradingDaysToleratesHolidaysButNotAMissingWeek) {
  // Thu 2021-04-01 -> Tue 04-06 skips Good Friday and Easter Monday: a holiday, not a gap.
  // Fri 04-09 -> Mon 04-19 skips a whole week of weekdays: a gap of 5.
  const auto times = parse_all({"2021-03-31", "2021-04-01", "2021-04-06", "2021-04-07",
                                "2021-04-08", "2021-04-09", "2021-04-19", "2021-04-20"});
  const FrequencyInfo f = infer_frequency(times);
  EXPECT_EQ(f.frequency, Frequency::business_daily);
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_EQ(f.gaps[0].after, "2021-04-09");
  EXPECT_EQ(f.gaps[0].missing, 5);
}

TEST(Frequency, MonthEndsQuartersWeeksAndHours) {
  const auto month_ends = parse_all({"2020-01-31", "2020-02-29", "2020-03-31", "2020-05-31"});
  const FrequencyInfo monthly = infer_frequency(month_ends);
  EXPECT_EQ(monthly.frequency, Frequency::monthly);
  ASSERT_EQ(monthly.gaps.size(), 1u);  // April
  EXPECT_EQ(monthly.gaps[0].missing, 1);

  const FrequencyInfo quarterly =
      infer_frequency(parse_all({"2019-01", "2019-04", "2019-07", "2020-01", "2020-04"}));
  EXPECT_EQ(quarterly.frequency, Frequency::quarterly);
  EXPECT_EQ(quarterly.seasonal_period, 4);
  EXPECT_EQ(quarterly.missing_periods(), 1);  // 2019 Q4

  const FrequencyInfo weekly =
      infer_frequency(parse_all({"2021-01-04", "2021-01-11", "2021-01-18", "2021-02-01"}));
  EXPECT_EQ(weekly.frequency, Frequency::weekly);
  EXPECT_EQ(weekly.missing_periods(), 1);

  const FrequencyInfo hourly = infer_frequency(
      parse_all({"2021-01-01 22:00", "2021-01-01 23:00", "2021-01-02 00:00", "2021-01-02 03:00"}));
  EXPECT_EQ(hourly.frequency, Frequency::hourly);
  EXPECT_EQ(hourly.seasonal_period, 24);
  ASSERT_EQ(hourly.gaps.size(), 1u);
  EXPECT_EQ(hourly.gaps[0].after, "2021-01-02");  // midnight prints as the date
  EXPECT_EQ(hourly.gaps[0].before, "2021-01-02 03:00");
  EXPECT_EQ(hourly.gaps[0].missing, 2);
}

TEST(Frequency, DailyDataStampedWithOneClockTimeIsDaily) {
  const FrequencyInfo f = infer_frequency(
      parse_all({"2021-03-01 16:00", "2021-03-02 16:00", "2021-03-03 16:00", "2021-03-05 16:00"}));
  EXPECT_EQ(f.frequency, Frequency::daily);
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_EQ(f.gaps[0].before, "2021-03-05 16:00");
  EXPECT_EQ(f.gaps[0].missing, 1);
}

// --- Bad input
// ------------------------------------------------------------------------------------

TEST(Frequency, UnsortedAndDuplicateTimesNameTheLines) {
  const auto unsorted = parse_all({"2021-01-01", "2021-01-03", "2021-01-02", "2021-01-04"});
  const std::vector<int64_t> lines{2, 3, 4, 5};
  EXPECT_TRUE(
      Contains(error_message<ValueError>(
                   [&] { infer_frequency(unsorted, {.source = "x.csv", .lines = lines}); }),
               "x.csv:4: 2021-01-02 comes before 2021-01-03 on line 3: the series must be sorted"));
  const auto twice = parse_all({"2021-01-01", "2021-01-02", "2021-01-02", "2021-01-03"});
  EXPECT_TRUE(Contains(error_message<ValueError>(
                           [&] { infer_frequency(twice, {.source = "x.csv", .lines = lines}); }),
                       "x.csv:4: 2021-01-02 appears twice (line 3 and line 4)"));
  // Without line numbers the message counts rows.
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { infer_frequency(twice); }),
                       "series row 3: 2021-01-02 appears twice (row 2 and row 3)"));
  const std::vector<double> years{1991.5, 1991.75, 1991.75};
  EXPECT_TRUE(
      Contains(error_message<ValueError>([&] { infer_frequency_from_decimal_years(years); }),
               "1991.750000 appears twice"));
}

TEST(Frequency, RejectsSpacingsItDoesNotKnow) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         infer_frequency(parse_all({"2021-01-01", "2021-01-04", "2021-01-07"}));
                       }),
                       "the median step is 3 days"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([] {
        infer_frequency(parse_all({"2021-01-01 00:15", "2021-01-01 00:30", "2021-01-01 00:45"}));
      }),
      "the median step is 15 minutes"));
  // Two points in one month of a monthly series.
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         infer_frequency(parse_all({"2021-01-01", "2021-02-01", "2021-03-01",
                                                    "2021-03-20", "2021-04-01"}));
                       }),
                       "series row 4: the step of 19 days from 2021-03-01 to 2021-03-20 does not "
                       "fit the series' monthly spacing"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         infer_frequency(parse_all({"2021-01-01 00:00", "2021-01-01 00:30",
                                                    "2021-01-01 01:00", "2021-01-01 01:45"}));
                       }),
                       "the step of 45 minutes"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         infer_frequency(parse_all({"2021-01-01", "2021-01-02"}));
                       }),
                       "needs at least 3 points, got 2"));
}

}  // namespace
}  // namespace recur::data
