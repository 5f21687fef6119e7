// The sampling frequency of a time series, inferred from its timestamps, with the default
// seasonal period of that frequency (for the seasonal-naive baseline and seasonal scaling) and
// the gaps: runs of periods missing beyond the frequency's normal irregularity.
//
// Frequencies and their seasonal periods: yearly 1, quarterly 4, monthly 12, weekly 52,
// daily (calendar days) 7, business days (no Saturdays or Sundays: trading days) 5, hourly 24,
// half-hourly 48. What counts as a gap:
//   - business days: more than 2 weekdays missing in a row. Exchange holidays leave out 1 or 2
//     weekdays (Christmas and Boxing Day; Good Friday and Easter Monday sit on either side of a
//     weekend), so they are not gaps; the four-day closure after 2001-09-11 is.
//   - every other frequency: any missing period (a missing month, day, half-hour).
// Months, quarters and years are counted on the calendar (a monthly series may sit on the 1st
// or on month ends); days and shorter periods by elapsed time. A series is sub-daily only when
// its times of day vary (a daily close stamped 16:00 is daily). Clock times are taken as written,
// so a daylight-saving jump in local-time data shows up as a one-hour gap or a duplicate.
//
//   const FrequencyInfo f = infer_frequency(times, {.source = "taylor.csv", .lines = lines});
//   f.frequency == Frequency::half_hourly; f.seasonal_period == 48; f.gaps.empty()
//
// R-style series with no dates, only a decimal-year index (EuStockMarkets' t = 1991.496154,
// 1991.5, ... in steps of 1/260), go through infer_frequency_from_decimal_years.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recur/data/timestamp.h"

namespace recur::data {

enum class Frequency {
  yearly,
  quarterly,
  monthly,
  weekly,
  daily,
  business_daily,
  hourly,
  half_hourly
};

// "yearly", "quarterly", "monthly", "weekly", "daily", "business_daily", "hourly", "half_hourly".
std::string_view frequency_name(Frequency frequency);
// The default seasonal period (see above).
int seasonal_period(Frequency frequency);

// Periods missing between two consecutive points of the series.
struct Gap {
  size_t index = 0;     // position of the point after the gap (points index - 1 and index)
  std::string after;    // the time of point index - 1, as Timestamp::str() (or the decimal year)
  std::string before;   // the time of point index
  int64_t missing = 0;  // number of periods missing in between
};

struct FrequencyInfo {
  Frequency frequency = Frequency::daily;
  std::string name;  // frequency_name(frequency)
  int seasonal_period = 1;
  std::vector<Gap> gaps;  // in time order

  int64_t missing_periods() const;
};

struct FrequencyOptions {
  std::string source = "series";   // the file (or name) used in messages
  std::span<const int64_t> lines;  // the file line of each point, for messages; empty: "row i"
};

// Throws ValueError, naming the source and the line(s), when there are fewer than 3 points,
// when a timestamp appears twice or comes before the one above it (the series must be sorted,
// oldest first), or when the spacing fits none of the frequencies above (e.g. a median step of
// 3 days, or a step of 45 minutes in a half-hourly series).
FrequencyInfo infer_frequency(std::span<const Timestamp> times,
                              const FrequencyOptions& options = {});

// The same for a decimal-year index with a constant nominal step 1/f: f = 1, 4, 12, 52, 260
// (business days, R's convention for daily market data such as EuStockMarkets) or 365.
// A step of k/f counts k - 1 missing periods.
FrequencyInfo infer_frequency_from_decimal_years(std::span<const double> years,
                                                 const FrequencyOptions& options = {});

}  // namespace recur::data
