#include "recur/data/date.h"

#include <chrono>
#include <cstdio>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

namespace chr = std::chrono;

std::optional<chr::year_month_day> to_ymd(int year, int month, int day) {
  const chr::year_month_day ymd{chr::year(year), chr::month(static_cast<unsigned>(month)),
                                chr::day(static_cast<unsigned>(day))};
  if (month < 1 || month > 12 || day < 1 || day > 31 || !ymd.ok()) return std::nullopt;
  return ymd;
}

// Parses exactly `digits` decimal digits at text[pos...].
std::optional<int> fixed_digits(std::string_view text, size_t pos, size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

Date Date::from_ymd(int year, int month, int day) {
  const auto ymd = to_ymd(year, month, day);
  if (!ymd) {
    throw ValueError("not a calendar date: " + std::to_string(year) + "-" + std::to_string(month) +
                     "-" + std::to_string(day));
  }
  return Date(static_cast<int32_t>(chr::sys_days(*ymd).time_since_epoch().count()));
}

int Date::weekday() const {
  // iso_encoding: Monday = 1 ... Sunday = 7.
  const chr::weekday wd{chr::sys_days(chr::days(days_))};
  return static_cast<int>(wd.iso_encoding()) - 1;
}

std::string Date::str() const {
  const chr::year_month_day ymd{chr::sys_days(chr::days(days_))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<Date> parse_date(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() != 10) return std::nullopt;
  const char sep = text[4];
  if ((sep != '-' && sep != '/') || text[7] != sep) return std::nullopt;
  const auto year = fixed_digits(text, 0, 4);
  const auto month = fixed_digits(text, 5, 2);
  const auto day = fixed_digits(text, 8, 2);
  if (!year || !month || !day || !to_ymd(*year, *month, *day)) return std::nullopt;
  return Date::from_ymd(*year, *month, *day);
}

}  // namespace recur::data
