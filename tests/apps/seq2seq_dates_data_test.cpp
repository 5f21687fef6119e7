// data/dates.tsv, the demo data of `recur seq2seq` written by tools/make_dates.py: the facts
// data/README.md states (20,000 pairs, distinct sources, ISO targets in 1950-2049, the first
// line) and its conventions for the numeric forms, read back from the file: "/" with the year
// last is month first, "." or "-" with the year last is day first, a leading year is
// year-month-day, two-digit years 50-99 are 19xx.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace {

std::string iso(int year, int month, int day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

int full_year(const std::string& y) {
  const int v = std::stoi(y);
  return y.size() == 4 ? v : (v >= 50 ? 1900 + v : 2000 + v);
}

TEST(DatesData, FactsAndConventionsOfTheReadme) {
  std::ifstream in(std::string(RECUR_SOURCE_DIR) + "/data/dates.tsv");
  ASSERT_TRUE(in) << "data/dates.tsv";
  const std::regex iso_date(R"((19[5-9]\d|20[0-4]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  const std::regex year_last(R"((\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4}))");
  const std::regex year_first(R"((\d{4})[./]?(\d{1,2})[./]?(\d{1,2}))");
  std::set<std::string> sources;
  std::string line, first;
  int lines = 0, numeric = 0;
  while (std::getline(in, line)) {
    if (lines++ == 0) first = line;
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string source = line.substr(0, tab), target = line.substr(tab + 1);
    ASSERT_TRUE(std::regex_match(target, iso_date)) << line;
    EXPECT_TRUE(sources.insert(source).second) << "repeated source: " << source;
    std::smatch m;
    if (std::regex_match(source, m, year_last)) {
      const bool us = m[2] == "/";
      const int a = std::stoi(m[1]), b = std::stoi(m[3]);
      EXPECT_EQ(target, iso(full_year(m[4]), us ? a : b, us ? b : a)) << line;
      ++numeric;
    } else if (std::regex_match(source, m, year_first) || source == target) {
      if (source != target) {
        EXPECT_EQ(target, iso(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]))) << line;
      }
      ++numeric;
    }
  }
  EXPECT_EQ(lines, 20000);
  EXPECT_EQ(first, "february 25th, 2035\t2035-02-25");
  // 9 of the 21 formats are numeric: about 3/7 of the lines.
  EXPECT_GT(numeric, 8000);
  EXPECT_LT(numeric, 9200);
}

}  // namespace
