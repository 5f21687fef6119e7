// Validators for the numbers people type on the command line. CLI11 alone casts "-1" into a
// size_t as SIZE_MAX, truncates "10.7" into an integer and lets "nan" pass a range check (every
// comparison with NaN is false), so each numeric flag of every `recur` command carries one of
// these: the text must be a number of the right kind (whole or real), finite, and in the range;
// otherwise parsing stops with exit code 2 and "--flag: <why>" before anything is cast or run.
//
//   cmd->add_option("--step", f.step)->check(cli::whole_number(1));
//   cmd->add_option("--initial", f.initial)->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
#pragma once

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

namespace recur::cli {

// Whether the ends of a real range belong to it.
enum class Bounds { kClosed, kOpen, kOpenMin, kOpenMax };

namespace detail {

inline std::string number_text(double v) {
  if (v == std::numeric_limits<double>::max()) return "inf";
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace detail

// An integer in [min, max], written as one ("10.7", "1e3" and "nan" are not).
inline CLI::Validator whole_number(int64_t min, int64_t max = std::numeric_limits<int64_t>::max()) {
  const std::string range =
      max == std::numeric_limits<int64_t>::max()
          ? "a whole number >= " + std::to_string(min)
          : "a whole number in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        errno = 0;
        char* end = nullptr;
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max) {
          return "expected " + range + ", got '" + text + "'";
        }
        return {};
      },
      "INT");
}

// A finite real number in the range whose ends `bounds` says are included or not.
inline CLI::Validator real_number(double min = -std::numeric_limits<double>::max(),
                                  double max = std::numeric_limits<double>::max(),
                                  Bounds bounds = Bounds::kClosed) {
  const bool open_min = bounds == Bounds::kOpen || bounds == Bounds::kOpenMin;
  const bool open_max = bounds == Bounds::kOpen || bounds == Bounds::kOpenMax;
  const std::string range = "a finite number in " + std::string(open_min ? "(" : "[") +
                            detail::number_text(min) + ", " + detail::number_text(max) +
                            (open_max ? ")" : "]");
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool inside =
            (open_min ? v > min : v >= min) && (open_max ? v < max : v <= max) && std::isfinite(v);
        if (text.empty() || *end != '\0' || !inside) {
          return "expected " + range + ", got '" + text + "'";
        }
        return {};
      },
      "NUMBER");
}

}  // namespace recur::cli
