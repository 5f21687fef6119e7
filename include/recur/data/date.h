// Calendar dates of daily data. Dates are read in ISO 8601 order only: YYYY-MM-DD, and also
// YYYY/MM/DD (same order, other separator); day-first or month-first forms such as 03/01/2000 are
// rejected because they are ambiguous. A time of day is not accepted: the data is daily.
//
//   Date d = parse_date("2000-01-03").value();   // a Monday
//   d.weekday() == 0; d.str() == "2000-01-03"; (d + 1).str() == "2000-01-04"
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recur::data {

class Date {
 public:
  Date() = default;
  // Throws ValueError unless year/month/day is a real calendar date.
  static Date from_ymd(int year, int month, int day);
  static Date from_days(int32_t days_since_1970) { return Date(days_since_1970); }

  int32_t days_since_1970() const { return days_; }
  // 0 = Monday ... 6 = Sunday.
  int weekday() const;
  // "YYYY-MM-DD"
  std::string str() const;

  Date operator+(int32_t days) const { return Date(days_ + days); }
  int32_t operator-(Date other) const { return days_ - other.days_; }
  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;  // 1970-01-01 is 0
};

// The date in `text` ("2000-01-03" or "2000/01/03", surrounding spaces allowed), or nullopt if it
// is not one of those forms or not a real date (2001-02-29).
std::optional<Date> parse_date(std::string_view text);

}  // namespace recur::data
