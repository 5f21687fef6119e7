#include "recur/io/csv.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::io {
namespace {

using recur::testing::Contains;

template <typename F>
std::string io_error(F&& f) {
  return recur::testing::error_message<IoError>(f);
}

std::vector<std::string> fields(const CsvTable& t, size_t row) { return t.rows.at(row).fields; }

TEST(Csv, ParsesHeaderAndRowsWithLineNumbers) {
  const CsvTable t = parse_csv("a,b\n1,2\n3,4\n", "x.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(fields(t, 1), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(t.rows[0].line, 2);
  EXPECT_EQ(t.rows[1].line, 3);
  EXPECT_EQ(t.where(t.rows[1]), "x.csv:3");
}

TEST(Csv, AcceptsBomCrlfMissingFinalNewlineAndBlankLines) {
  const std::vector<std::string> texts = {
      "\xEF\xBB\xBF"
      "a,b\r\n1,2\r\n3,4\r\n",    // BOM + CRLF
      "a,b\n1,2\n3,4",            // no final newline
      "a,b\n1,2\n3,4\n\n\n  \n",  // blank trailing lines
      "a,b\r1,2\r3,4\r",          // old Mac CR line ends
      "\n\na,b\n1,2\n\n3,4\n",    // blank lines before and between
  };
  for (const std::string& text : texts) {
    const CsvTable t = parse_csv(text, "x.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"})) << text;
    ASSERT_EQ(t.rows.size(), 2u) << text;
    EXPECT_EQ(fields(t, 0), (std::vector<std::string>{"1", "2"})) << text;
    EXPECT_EQ(fields(t, 1), (std::vector<std::string>{"3", "4"})) << text;
  }
  // Line numbers count the blank lines.
  EXPECT_EQ(parse_csv("\n\na,b\n1,2\n\n3,4\n", "x.csv").rows[1].line, 6);
}

TEST(Csv, QuotedFieldsKeepSeparatorsQuotesAndLineBreaks) {
  const CsvTable t = read_csv(testing::fixture_path("data/quoted.csv"));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(fields(t, 0)[1], "Acme, Inc.");
  EXPECT_EQ(fields(t, 1)[1], "The \"Best\" Co, Ltd");
  EXPECT_EQ(fields(t, 2)[1], "Multi\nline");
  EXPECT_EQ(t.rows[2].line, 4);  // the record starts on line 4 ...
  EXPECT_EQ(t.rows[3].line, 6);  // ... and spans line 5, so the next one starts on 6
}

TEST(Csv, TrimsSpacesAroundUnquotedFieldsButNotInsideQuotes) {
  const CsvTable t = parse_csv("Date , Close\n 2020-01-02 , \" x \" \n", "x.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"Date", "Close"}));
  EXPECT_EQ(fields(t, 0), (std::vector<std::string>{"2020-01-02", " x "}));
}

TEST(Csv, EmptyFieldsAreKept) {
  const CsvTable t = parse_csv("a,b,c\n,2,\n", "x.csv");
  EXPECT_EQ(fields(t, 0), (std::vector<std::string>{"", "2", ""}));
}

TEST(Csv, OtherSeparator) {
  const CsvTable t = parse_csv("a;b\n1,5;2\n", "x.csv", ';');
  EXPECT_EQ(fields(t, 0), (std::vector<std::string>{"1,5", "2"}));
}

TEST(Csv, RaggedRowNamesFileLineAndCounts) {
  const std::string msg = io_error([] { read_csv(testing::fixture_path("data/ragged.csv")); });
  EXPECT_TRUE(Contains(msg, "ragged.csv:3: 2 fields, expected 3 as in the header"));
}

TEST(Csv, MalformedQuotingIsRejected) {
  EXPECT_TRUE(Contains(io_error([] { parse_csv("a,b\n1,\"open\n", "q.csv"); }),
                       "q.csv:2: quoted field is never closed"));
  EXPECT_TRUE(Contains(io_error([] { parse_csv("a,b\n1,\"x\"y\n", "q.csv"); }),
                       "q.csv:2: unexpected text after a closing quote"));
  EXPECT_TRUE(Contains(io_error([] { parse_csv("a,b\n1,x\"y\n", "q.csv"); }),
                       "q.csv:2: a quote inside an unquoted field"));
}

TEST(Csv, EmptyFileAndBadHeadersAreRejected) {
  EXPECT_TRUE(Contains(io_error([] { read_csv(testing::fixture_path("data/empty.csv")); }),
                       "empty.csv: the file is empty"));
  EXPECT_TRUE(Contains(io_error([] { parse_csv("", "e.csv"); }), "e.csv: the file is empty"));
  EXPECT_TRUE(Contains(io_error([] { parse_csv("Date,Adj Close,adj_close\n", "h.csv"); }),
                       "h.csv:1: header columns 'Adj Close' and 'adj_close' name the same"));
  EXPECT_TRUE(Contains(io_error([] { parse_csv("Date,,Close\n", "h.csv"); }),
                       "h.csv:1: header column 2 has no name"));
}

TEST(Csv, MissingFileIsAnIoError) {
  EXPECT_TRUE(Contains(io_error([] { read_csv("/nonexistent/prices.csv"); }),
                       "/nonexistent/prices.csv: cannot open"));
}

TEST(Csv, ColumnsMatchIgnoringCaseSpacesAndUnderscores) {
  EXPECT_EQ(column_key("Adj Close"), "adjclose");
  EXPECT_EQ(column_key("adj_close"), "adjclose");
  EXPECT_EQ(column_key("ADJCLOSE"), "adjclose");
  const CsvTable t = parse_csv("DATE,Adj Close,volume\n", "x.csv");
  EXPECT_EQ(t.find_column("adj_close"), 1u);
  EXPECT_EQ(t.find_column("Date"), 0u);
  EXPECT_EQ(t.find_column("close"), std::nullopt);
  EXPECT_TRUE(Contains(io_error([&] { t.require_column("Close"); }),
                       "x.csv: no column 'Close' (columns: 'DATE', 'Adj Close', 'volume')"));
}

TEST(Csv, ParseNumberAcceptsDecimalsOnly) {
  EXPECT_EQ(parse_number("1.5"), 1.5);
  EXPECT_EQ(parse_number("-2"), -2.0);
  EXPECT_EQ(parse_number("+3e-4"), 3e-4);
  EXPECT_EQ(parse_number(" 7 "), 7.0);
  EXPECT_EQ(parse_number("63.4375"), 63.4375);
  for (const char* bad : {"", "abc", "1.5x", "nan", "inf", "-inf", "1,5", "--1", "+"}) {
    EXPECT_EQ(parse_number(bad), std::nullopt) << bad;
  }
}

// --- Text that is not UTF-8, and cell text in messages ------------------------------------------

// `ascii` in a wide encoding: each character's byte at `at` within `width` bytes, NULs elsewhere.
std::string widen(std::string_view ascii, size_t width, size_t at) {
  std::string out;
  for (char c : ascii) {
    std::string unit(width, '\0');
    unit[at] = c;
    out += unit;
  }
  return out;
}

TEST(Csv, WideEncodingsAreNamedNotParsed) {
  const std::string csv = "Date,Close\n2020-01-02,10\n2020-01-03,11\n";
  struct Case {
    std::string bytes;
    const char* encoding;
  };
  const std::vector<Case> cases = {
      {"\xFF\xFE" + widen(csv, 2, 0), "UTF-16 (little-endian)"},
      {"\xFE\xFF" + widen(csv, 2, 1), "UTF-16 (big-endian)"},
      {widen(csv, 2, 0), "UTF-16 (little-endian)"},  // no byte-order mark
      {widen(csv, 2, 1), "UTF-16 (big-endian)"},
      {std::string("\xFF\xFE\0\0", 4) + widen(csv, 4, 0), "UTF-32 (little-endian)"},
      {std::string("\0\0\xFE\xFF", 4) + widen(csv, 4, 3), "UTF-32 (big-endian)"},
      {widen(csv, 4, 0), "UTF-32 (little-endian)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(io_error([&] { parse_csv(c.bytes, "w.csv"); }),
              std::string("w.csv: the file is ") + c.encoding + " encoded; save it as UTF-8")
        << c.encoding;
  }
  // UTF-8, with or without its byte-order mark, is read as before.
  EXPECT_EQ(parse_csv("\xEF\xBB\xBF" + csv, "u.csv").rows.size(), 2u);
  EXPECT_EQ(parse_csv("Name\nSoci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale\n", "u.csv").rows.size(),
            1u);
}

TEST(Csv, QuoteCellEscapesControlBytesAndCutsLongText) {
  EXPECT_EQ(quote_cell("abc"), "'abc'");
  EXPECT_EQ(quote_cell(std::string("1\0002", 3)), "'1\\x002'");
  EXPECT_EQ(quote_cell("a\tb\r\nc\x1b"), "'a\\tb\\r\\nc\\x1b'");
  const std::string big(1 << 20, 'x');
  EXPECT_EQ(quote_cell(big), "'" + std::string(60, 'x') + "...' (1048576 bytes)");
  // A cut never splits a UTF-8 character: 59 ASCII bytes, then a 2-byte e-acute at 59..60.
  const std::string accented = std::string(59, 'a') + "\xC3\xA9" + "zz";
  EXPECT_EQ(quote_cell(accented), "'" + std::string(59, 'a') + "...' (63 bytes)");
}

TEST(Csv, HeaderNamesInMessagesAreEscaped) {
  const std::string msg = io_error([] { parse_csv(std::string("Date,a\0b,A\0B\n", 13), "h.csv"); });
  EXPECT_TRUE(Contains(msg, "h.csv:1: header columns 'a\\x00b' and 'A\\x00B' name the same"));
  EXPECT_EQ(msg.find('\0'), std::string::npos);
}

TEST(Csv, OnlyRegularFilesAreRead) {
  EXPECT_TRUE(Contains(io_error([] { read_csv(testing::fixture_path("data")); }),
                       "data: not a regular file (a directory)"));
  EXPECT_TRUE(Contains(io_error([] { read_csv("/dev/zero"); }),
                       "/dev/zero: not a regular file (a character device)"));
}

TEST(Csv, CsvFieldRoundTripsThroughTheReader) {
  EXPECT_EQ(csv_field("AAPL"), "AAPL");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  for (const std::string text : {"plain", "a,b", "say \"hi\"", "two\nlines", ""}) {
    const CsvTable t = parse_csv("name,x\n" + csv_field(text) + ",1\n", "mem.csv");
    ASSERT_EQ(t.rows.size(), 1u) << text;
    EXPECT_EQ(t.rows[0].fields[0], text);
  }
}

}  // namespace
}  // namespace recur::io
