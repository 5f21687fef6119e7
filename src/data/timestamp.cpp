#include "recur/data/timestamp.h"

#include <cstdio>

namespace recur::data {
namespace {

// Exactly `count` decimal digits at text[pos...], and their value within [low, high].
std::optional<int> timestamp_field(std::string_view text, size_t pos, size_t count, int low,
                                   int high) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  if (value < low || value > high) return std::nullopt;
  return value;
}

// "HH:MM" or "HH:MM:SS" as seconds since midnight.
std::optional<int32_t> parse_time_of_day(std::string_view text) {
  if ((text.size() != 5 && text.size() != 8) || text[2] != ':') return std::nullopt;
  const auto hour = timestamp_field(text, 0, 2, 0, 23);
  const auto minute = timestamp_field(text, 3, 2, 0, 59);
  std::optional<int> second = 0;
  if (text.size() == 8) second = text[5] == ':' ? timestamp_field(text, 6, 2, 0, 59) : std::nullopt;
  if (!hour || !minute || !second) return std::nullopt;
  return *hour * 3600 + *minute * 60 + *second;
}

std::optional<Date> parse_year_or_month(std::string_view text) {
  const auto year = timestamp_field(text, 0, 4, 0, 9999);
  if (!year) return std::nullopt;
  if (text.size() == 4) return Date::from_ymd(*year, 1, 1);
  if (text.size() != 7 || (text[4] != '-' && text[4] != '/')) return std::nullopt;
  const auto month = timestamp_field(text, 5, 2, 1, 12);
  if (!month) return std::nullopt;
  return Date::from_ymd(*year, *month, 1);
}

}  // namespace

std::string Timestamp::str() const {
  if (second_of_day == 0) return date.str();
  char buf[24];
  const int hour = second_of_day / 3600, minute = second_of_day / 60 % 60,
            second = second_of_day % 60;
  if (second == 0) {
    std::snprintf(buf, sizeof buf, " %02d:%02d", hour, minute);
  } else {
    std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", hour, minute, second);
  }
  return date.str() + buf;
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() == 4 || text.size() == 7) {
    const auto date = parse_year_or_month(text);
    if (!date) return std::nullopt;
    return Timestamp{*date, 0};
  }
  const auto date = parse_date(text.substr(0, 10));
  if (!date) return std::nullopt;
  if (text.size() == 10) return Timestamp{*date, 0};
  if (text[10] != ' ' && text[10] != 'T') return std::nullopt;
  const auto time = parse_time_of_day(text.substr(11));
  if (!time) return std::nullopt;
  return Timestamp{*date, *time};
}

}  // namespace recur::data
