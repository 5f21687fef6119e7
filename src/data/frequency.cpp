#include "recur/data/frequency.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

// Holidays close an exchange for at most 2 weekdays in a row (see the header).
constexpr int64_t kHolidayWeekdays = 2;

// "prices.csv:17" when the caller gave file lines, else "series row 16".
std::string point_where(const FrequencyOptions& options, size_t i) {
  if (options.lines.empty()) return options.source + " row " + std::to_string(i + 1);
  return options.source + ":" + std::to_string(options.lines[i]);
}

std::string line_of(const FrequencyOptions& options, size_t i) {
  return options.lines.empty() ? "row " + std::to_string(i + 1)
                               : "line " + std::to_string(options.lines[i]);
}

void check_count(size_t count, const FrequencyOptions& options) {
  if (!options.lines.empty() && options.lines.size() != count) {
    throw ValueError(options.source + ": " + std::to_string(count) + " points but " +
                     std::to_string(options.lines.size()) + " line numbers");
  }
  if (count < 3) {
    throw ValueError(options.source + ": inferring a frequency needs at least 3 points, got " +
                     std::to_string(count));
  }
}

// Strictly increasing, or an error naming both lines. `str` prints a point.
template <typename T, typename Str>
void check_increasing(std::span<const T> points, const FrequencyOptions& options, Str str) {
  for (size_t i = 1; i < points.size(); ++i) {
    if (points[i] == points[i - 1]) {
      throw ValueError(point_where(options, i) + ": " + str(points[i]) + " appears twice (" +
                       line_of(options, i - 1) + " and " + line_of(options, i) + ")");
    }
    if (points[i] < points[i - 1]) {
      throw ValueError(point_where(options, i) + ": " + str(points[i]) + " comes before " +
                       str(points[i - 1]) + " on " + line_of(options, i - 1) +
                       ": the series must be sorted by time, oldest first");
    }
  }
}

template <typename T>
T median_step(std::vector<T> steps) {
  std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
  return steps[steps.size() / 2];
}

FrequencyInfo info_for(Frequency frequency) {
  return {frequency, std::string(frequency_name(frequency)), seasonal_period(frequency), {}};
}

int64_t month_number(Date d) {
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days(std::chrono::days(d.days_since_1970()))};
  return int64_t{static_cast<int>(ymd.year())} * 12 + static_cast<unsigned>(ymd.month()) - 1;
}

bool is_weekend(Date d) { return d.weekday() >= 5; }

// Weekdays strictly between a and b (a < b).
int64_t weekdays_between(Date a, Date b) {
  int64_t count = 0;
  const int32_t between = b - a - 1;
  count += int64_t{between / 7} * 5;  // whole weeks
  for (Date d = a + 1 + between / 7 * 7; d < b; d = d + 1) count += is_weekend(d) ? 0 : 1;
  return count;
}

[[noreturn]] void throw_irregular(const FrequencyOptions& options, size_t i,
                                  const std::string& step, const std::string& from,
                                  const std::string& to, Frequency frequency) {
  throw ValueError(point_where(options, i) + ": the step of " + step + " from " + from + " to " +
                   to + " does not fit the series' " + std::string(frequency_name(frequency)) +
                   " spacing");
}

// Missing periods between consecutive points of a series at `frequency`, by calendar months:
// `months_per_period` is 1, 3 or 12.
int64_t missing_months(Date a, Date b, int64_t months_per_period, bool& fits) {
  const int64_t months = month_number(b) - month_number(a);
  const int64_t periods = (months + months_per_period / 2) / months_per_period;
  fits = periods >= 1;
  return periods - 1;
}

// Missing periods between a and b at a daily or coarser frequency; `fits` false when the step
// cannot belong to it (two points in one month of a monthly series).
int64_t missing_between_days(Frequency frequency, Date a, Date b, bool& fits) {
  fits = true;
  switch (frequency) {
    case Frequency::yearly:
      return missing_months(a, b, 12, fits);
    case Frequency::quarterly:
      return missing_months(a, b, 3, fits);
    case Frequency::monthly:
      return missing_months(a, b, 1, fits);
    case Frequency::weekly: {
      const int64_t weeks = (int64_t{b - a} + 3) / 7;
      fits = weeks >= 1;
      return weeks - 1;
    }
    case Frequency::business_daily: {
      const int64_t missing = weekdays_between(a, b);
      return missing > kHolidayWeekdays ? missing : 0;
    }
    default:
      return int64_t{b - a} - 1;
  }
}

// Which daily-or-coarser frequency a median step of `days` means; throws if none.
Frequency frequency_of_day_step(int32_t days, std::span<const Timestamp> times,
                                const FrequencyOptions& options) {
  if (days == 1) {
    // Trading-day data has no weekend points but does step over weekends.
    const bool weekend_point = std::any_of(times.begin(), times.end(),
                                           [](const Timestamp& t) { return is_weekend(t.date); });
    bool steps_over_weekend = false;
    for (size_t i = 1; i < times.size(); ++i) {
      const Date a = times[i - 1].date, b = times[i].date;
      if (b - a >= 7 || b.weekday() < a.weekday()) steps_over_weekend = true;
    }
    return !weekend_point && steps_over_weekend ? Frequency::business_daily : Frequency::daily;
  }
  if (days >= 6 && days <= 8) return Frequency::weekly;
  if (days >= 28 && days <= 31) return Frequency::monthly;
  if (days >= 89 && days <= 92) return Frequency::quarterly;
  if (days >= 365 && days <= 366) return Frequency::yearly;
  throw ValueError(options.source + ": cannot infer a frequency: the median step is " +
                   std::to_string(days) +
                   " days; recur knows yearly, quarterly, monthly, weekly, daily, business-day, "
                   "hourly and half-hourly series");
}

FrequencyInfo infer_daily_or_coarser(std::span<const Timestamp> times,
                                     const FrequencyOptions& options) {
  std::vector<int32_t> steps;
  for (size_t i = 1; i < times.size(); ++i) steps.push_back(times[i].date - times[i - 1].date);
  FrequencyInfo info = info_for(frequency_of_day_step(median_step(steps), times, options));
  for (size_t i = 1; i < times.size(); ++i) {
    bool fits = true;
    const int64_t missing =
        missing_between_days(info.frequency, times[i - 1].date, times[i].date, fits);
    if (!fits) {
      throw_irregular(options, i, std::to_string(steps[i - 1]) + " days", times[i - 1].str(),
                      times[i].str(), info.frequency);
    }
    if (missing > 0) info.gaps.push_back({i, times[i - 1].str(), times[i].str(), missing});
  }
  return info;
}

FrequencyInfo infer_sub_daily(std::span<const Timestamp> times, const FrequencyOptions& options) {
  std::vector<int64_t> steps;
  for (size_t i = 1; i < times.size(); ++i) {
    steps.push_back(times[i].seconds_since_1970() - times[i - 1].seconds_since_1970());
  }
  const int64_t median = median_step(steps);
  if (median != 1800 && median != 3600) {
    throw ValueError(options.source + ": cannot infer a frequency: the median step is " +
                     std::to_string(median / 60) + " minutes " + std::to_string(median % 60) +
                     " seconds; recur knows hourly and half-hourly series below a day");
  }
  FrequencyInfo info = info_for(median == 1800 ? Frequency::half_hourly : Frequency::hourly);
  for (size_t i = 1; i < times.size(); ++i) {
    if (steps[i - 1] % median != 0) {
      throw_irregular(options, i, std::to_string(steps[i - 1] / 60) + " minutes",
                      times[i - 1].str(), times[i].str(), info.frequency);
    }
    const int64_t missing = steps[i - 1] / median - 1;
    if (missing > 0) info.gaps.push_back({i, times[i - 1].str(), times[i].str(), missing});
  }
  return info;
}

std::string decimal_year_str(double year) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", year);
  return buf;
}

// The nominal periods per year of a decimal-year index, matched within 2%.
Frequency frequency_of_periods_per_year(double per_year, const FrequencyOptions& options,
                                        double& nominal) {
  struct Known {
    double per_year;
    Frequency frequency;
  };
  constexpr std::array<Known, 6> kKnown{{{1, Frequency::yearly},
                                         {4, Frequency::quarterly},
                                         {12, Frequency::monthly},
                                         {52, Frequency::weekly},
                                         {260, Frequency::business_daily},
                                         {365, Frequency::daily}}};
  for (const Known& k : kKnown) {
    if (std::fabs(per_year - k.per_year) <= 0.02 * k.per_year) {
      nominal = k.per_year;
      return k.frequency;
    }
  }
  throw ValueError(options.source + ": cannot infer a frequency: the decimal-year index has " +
                   std::to_string(per_year) +
                   " steps per year; recur knows 1, 4, 12, 52, 260 (business days) and 365");
}

}  // namespace

std::string_view frequency_name(Frequency frequency) {
  switch (frequency) {
    case Frequency::yearly:
      return "yearly";
    case Frequency::quarterly:
      return "quarterly";
    case Frequency::monthly:
      return "monthly";
    case Frequency::weekly:
      return "weekly";
    case Frequency::daily:
      return "daily";
    case Frequency::business_daily:
      return "business_daily";
    case Frequency::hourly:
      return "hourly";
    case Frequency::half_hourly:
      return "half_hourly";
  }
  return "unknown";
}

int seasonal_period(Frequency frequency) {
  switch (frequency) {
    case Frequency::yearly:
      return 1;
    case Frequency::quarterly:
      return 4;
    case Frequency::monthly:
      return 12;
    case Frequency::weekly:
      return 52;
    case Frequency::daily:
      return 7;
    case Frequency::business_daily:
      return 5;
    case Frequency::hourly:
      return 24;
    case Frequency::half_hourly:
      return 48;
  }
  return 1;
}

int64_t FrequencyInfo::missing_periods() const {
  int64_t total = 0;
  for (const Gap& g : gaps) total += g.missing;
  return total;
}

FrequencyInfo infer_frequency(std::span<const Timestamp> times, const FrequencyOptions& options) {
  check_count(times.size(), options);
  check_increasing(times, options, [](const Timestamp& t) { return t.str(); });
  // Daily data stamped with one clock time (a close at 16:00) is still daily: only times of day
  // that vary make a series sub-daily.
  const bool sub_daily = std::any_of(times.begin(), times.end(), [&](const Timestamp& t) {
    return t.second_of_day != times.front().second_of_day;
  });
  return sub_daily ? infer_sub_daily(times, options) : infer_daily_or_coarser(times, options);
}

FrequencyInfo infer_frequency_from_decimal_years(std::span<const double> years,
                                                 const FrequencyOptions& options) {
  check_count(years.size(), options);
  for (size_t i = 0; i < years.size(); ++i) {
    if (!std::isfinite(years[i])) {
      throw ValueError(point_where(options, i) + ": the time index is not a finite number");
    }
  }
  check_increasing(years, options, decimal_year_str);
  std::vector<double> steps;
  for (size_t i = 1; i < years.size(); ++i) steps.push_back(years[i] - years[i - 1]);
  double per_year = 0.0;
  FrequencyInfo info =
      info_for(frequency_of_periods_per_year(1.0 / median_step(steps), options, per_year));
  for (size_t i = 1; i < years.size(); ++i) {
    const double periods = steps[i - 1] * per_year;
    const int64_t whole = std::llround(periods);
    // Index values are printed rounded (1/260 to 6 decimals), so a step is a whole number of
    // periods only approximately.
    if (whole < 1 || std::fabs(periods - static_cast<double>(whole)) > 0.25) {
      throw_irregular(options, i, decimal_year_str(steps[i - 1]) + " years",
                      decimal_year_str(years[i - 1]), decimal_year_str(years[i]), info.frequency);
    }
    if (whole > 1) {
      info.gaps.push_back(
          {i, decimal_year_str(years[i - 1]), decimal_year_str(years[i]), whole - 1});
    }
  }
  return info;
}

}  // namespace recur::data
