#include "recur/data/date.h"

#include <gtest/gtest.h>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

TEST(Date, ParsesIsoDatesWithDashOrSlash) {
  EXPECT_EQ(parse_date("2000-01-03")->str(), "2000-01-03");
  EXPECT_EQ(parse_date("2000/01/03"), parse_date("2000-01-03"));
  EXPECT_EQ(parse_date(" 2020-04-17 ")->str(), "2020-04-17");
  EXPECT_EQ(parse_date("1970-01-01")->days_since_1970(), 0);
  EXPECT_EQ(
      parse_date("2000-03-01")->days_since_1970() - parse_date("2000-02-28")->days_since_1970(),
      2);  // 2000 is a leap year
}

TEST(Date, RejectsAmbiguousAndImpossibleDates) {
  for (const char* bad : {"01/03/2000", "03-01-2000", "2000-1-3", "2000-01-03 00:00", "2000-13-01",
                          "2001-02-29", "1900-02-29", "2000-04-31", "2000-01/03", "", "abc"}) {
    EXPECT_EQ(parse_date(bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(parse_date("2000-02-29").has_value());
  EXPECT_THROW(Date::from_ymd(2001, 2, 29), ValueError);
}

TEST(Date, WeekdayAndArithmetic) {
  const Date d = *parse_date("2000-01-03");  // a Monday
  EXPECT_EQ(d.weekday(), 0);
  EXPECT_EQ((d + 4).weekday(), 4);                    // Friday
  EXPECT_EQ((d + 6).weekday(), 6);                    // Sunday
  EXPECT_EQ(parse_date("2001-09-11")->weekday(), 1);  // a Tuesday
  EXPECT_EQ(*parse_date("2001-09-17") - *parse_date("2001-09-10"), 7);
  EXPECT_LT(*parse_date("1999-12-31"), d);
}

}  // namespace
}  // namespace recur::data
