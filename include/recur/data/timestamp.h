// Points in time of a series' time column, from yearly down to sub-daily data: a calendar Date
// (date.h) plus a time of day to the second. Text is read in ISO 8601 order only:
//   "1700"                                  a year (its January 1st)
//   "1949-01", "1949/01"                    a month (its 1st)
//   "2000-06-05", "2000/06/05"              a day
//   "2000-06-05 00:30", "2000-06-05T00:30"  a time of day, ":SS" seconds optional
// No time zone is read or applied: times are the clock times written in the file.
//
//   Timestamp t = parse_timestamp("2000-06-05 00:30").value();
//   t.second_of_day == 1800; t.str() == "2000-06-05 00:30"
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "recur/data/date.h"

namespace recur::data {

struct Timestamp {
  Date date;
  int32_t second_of_day = 0;  // 0 ... 86399

  int64_t seconds_since_1970() const {
    return int64_t{date.days_since_1970()} * 86400 + second_of_day;
  }
  // "YYYY-MM-DD" at midnight, otherwise "YYYY-MM-DD HH:MM" (":SS" added when not zero).
  std::string str() const;
  auto operator<=>(const Timestamp&) const = default;
};

// The timestamp in `text` (one of the forms above, surrounding spaces allowed), or nullopt.
std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace recur::data
