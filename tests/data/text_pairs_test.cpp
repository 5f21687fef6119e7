#include "recur/data/text_pairs.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

std::string parse_error(const std::string& text) {
  return error_message<IoError>([&] { parse_text_pairs(text, "pairs.tsv"); });
}

TEST(TextPairs, ReadsTheShippedDates) {
  const TextPairs dates = read_text_pairs(std::string(RECUR_SOURCE_DIR) + "/data/dates.tsv");
  ASSERT_EQ(dates.pairs.size(), 20000u);  // as data/README.md states
  EXPECT_EQ(dates.pairs[0].source, "february 25th, 2035");
  EXPECT_EQ(dates.pairs[0].target, "2035-02-25");
  EXPECT_EQ(dates.pairs[1].line, 2);
  EXPECT_EQ(dates.pairs.back().line, 20000);
}

TEST(TextPairs, SkipsBlankLinesAndTrimsFieldsKeepingInnerSpaces) {
  const TextPairs p = parse_text_pairs("\xEF\xBB\xBF a b \tx y\r\n\r\n  \t \rc\td\n", "p.tsv");
  ASSERT_EQ(p.pairs.size(), 2u);
  EXPECT_EQ(p.pairs[0].source, "a b");
  EXPECT_EQ(p.pairs[0].target, "x y");
  EXPECT_EQ(p.pairs[0].line, 1);
  EXPECT_EQ(p.pairs[1].source, "c");
  EXPECT_EQ(p.pairs[1].target, "d");
  EXPECT_EQ(p.pairs[1].line, 4);  // CRLF counts one line, a lone CR one
  EXPECT_EQ(p.source, "p.tsv");
}

TEST(TextPairs, BadLinesNameFileLineAndColumn) {
  EXPECT_TRUE(Contains(parse_error(""), "pairs.tsv: no pairs"));
  EXPECT_TRUE(Contains(parse_error("\n \n"), "pairs.tsv: no pairs"));
  EXPECT_TRUE(Contains(parse_error("a\tb\nabc\n"), "pairs.tsv:2:4: no tab"));
  EXPECT_TRUE(Contains(parse_error("a\tb\tc\n"), "pairs.tsv:1:4: 3 fields"));
  EXPECT_TRUE(Contains(parse_error("a\tb\n\tb\n"), "pairs.tsv:2:1: empty source"));
  EXPECT_TRUE(Contains(parse_error("a\tb\nxy\t  \n"), "pairs.tsv:2:4: empty target"));
  // Columns count characters, not bytes.
  EXPECT_TRUE(Contains(parse_error("\xC3\xA9\xC3\xA9\t\n"), "pairs.tsv:1:4: empty target"));
  EXPECT_TRUE(Contains(parse_error("a\tb\n\xFF\tb\n"), "pairs.tsv:2:1: invalid UTF-8"));
}

}  // namespace
}  // namespace recur::data
