#include "recur/data/price_table.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

std::string fixture(const std::string& name) { return testing::fixture_path("data/" + name); }
std::string repo_data(const std::string& name) {
  return std::string(RECUR_SOURCE_DIR) + "/data/" + name;
}

PriceTable from_text(const std::string& text, const LoadOptions& options = {}) {
  return price_table_from_csv(io::parse_csv(text, "prices.csv"), options);
}

// --- Real data shipped in data/ -----------------------------------------------------------------

TEST(PriceTable, LoadsSp500) {
  const PriceTable t = load_price_table(repo_data("sp500_2000_2020_ohlcv.csv"));
  ASSERT_EQ(t.rows(), 5105u);
  EXPECT_EQ(t.names,
            (std::vector<std::string>{"open", "high", "low", "close", "adjclose", "volume"}));
  EXPECT_EQ(t.dates.front().str(), "2000-01-03");
  EXPECT_EQ(t.dates.back().str(), "2020-04-17");
  EXPECT_EQ(t.column("Open").front(), 1469.25);
  EXPECT_EQ(t.column("Close").front(), 1455.219971);
  EXPECT_EQ(t.column("Adj Close").front(), 1455.219971);
  EXPECT_EQ(t.column("volume").front(), 931800000.0);
  EXPECT_EQ(t.column("close").back(), 2874.560059);
  EXPECT_EQ(t.column("volume").back(), 5792140000.0);
  EXPECT_EQ(t.lines.back(), 5106);  // the last row has no trailing newline
  EXPECT_TRUE(t.warnings.empty());
  // Facts stated in data/README.md.
  const auto& open = t.column("open");
  const auto& high = t.column("high");
  const auto& low = t.column("low");
  const auto& close = t.column("close");
  int32_t largest_gap = 0;
  for (size_t r = 0; r < t.rows(); ++r) {
    EXPECT_LE(low[r], std::min(open[r], close[r])) << r;
    EXPECT_GE(high[r], std::max(open[r], close[r])) << r;
    EXPECT_EQ(t.column("adjclose")[r], close[r]) << r;
    if (r > 0) largest_gap = std::max(largest_gap, t.dates[r] - t.dates[r - 1]);
  }
  EXPECT_EQ(largest_gap, 7);
}

TEST(PriceTable, LoadsMsft) {
  const PriceTable t = load_price_table(repo_data("msft_2000_2001_ohlcv.csv"));
  ASSERT_EQ(t.rows(), 249u);
  EXPECT_EQ(t.names, (std::vector<std::string>{"Open", "High", "Low", "Close", "Volume"}));
  EXPECT_EQ(t.dates.front().str(), "2000-09-27");
  EXPECT_EQ(t.dates.back().str(), "2001-09-27");
  EXPECT_EQ(t.column("open").front(), 63.4375);
  EXPECT_EQ(t.column("close").front(), 60.625);
  EXPECT_EQ(t.column("volume").front(), 53077800.0);
  EXPECT_EQ(t.column("close").back(), 49.96);
  // The 9/11 closure: the row after 2001-09-10 is 2001-09-17.
  size_t r = 0;
  while (t.dates[r].str() != "2001-09-10") ++r;
  EXPECT_EQ(t.dates[r + 1].str(), "2001-09-17");
}

TEST(PriceTable, SelectsColumnsByNameInTheGivenOrder) {
  const PriceTable t =
      load_price_table(repo_data("msft_2000_2001_ohlcv.csv"), {.columns = {"VOLUME", "close"}});
  EXPECT_EQ(t.names, (std::vector<std::string>{"Volume", "Close"}));
  EXPECT_EQ(t.columns[1].front(), 60.625);
  EXPECT_TRUE(Contains(error_message<IoError>([] {
                         load_price_table(repo_data("msft_2000_2001_ohlcv.csv"),
                                          {.columns = {"Adj Close"}});
                       }),
                       "no column 'Adj Close' (columns: 'Date', 'Open'"));
}

// --- Formats people have -------------------------------------------------------------------------

TEST(PriceTable, AnyColumnOrderCaseAndSpelling) {
  const PriceTable a = from_text(
      "Date,Open,High,Low,Close,Adj Close,Volume\n"
      "2020-01-02,1,2,0.5,1.5,1.4,100\n");
  const PriceTable b = from_text(
      "volume,ADJ_CLOSE,close,low,DATE,high,open\r\n"
      "100,1.4,1.5,0.5,2020/01/02,2,1\r\n");
  for (const char* name : {"open", "high", "low", "close", "adjclose", "volume"}) {
    EXPECT_EQ(a.column(name), b.column(name)) << name;
  }
  EXPECT_EQ(a.column("Adj Close").front(), 1.4);
  EXPECT_EQ(a.dates, b.dates);
}

TEST(PriceTable, BomCrlfAndNoFinalNewline) {
  const PriceTable t = from_text(
      "\xEF\xBB\xBF"
      "Date,Close\r\n2020-01-02,10\r\n2020-01-03,11");
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.column("close"), (std::vector<double>{10, 11}));
}

TEST(PriceTable, DateColumnCanBeNamed) {
  const PriceTable t = from_text("Timestamp,Close\n2020-01-02,10\n", {.date_column = "timestamp"});
  EXPECT_EQ(t.dates.front().str(), "2020-01-02");
  EXPECT_TRUE(Contains(error_message<IoError>([] { from_text("Day,Close\n2020-01-02,10\n"); }),
                       "prices.csv: no column 'date'"));
}

TEST(PriceTable, QuotedFieldsWithCommas) {
  // The Name column holds quoted commas and a line break; only Close is loaded.
  const std::string msg = error_message<IoError>(
      [] { load_price_table(fixture("quoted.csv"), {.columns = {"Close"}}); });
  EXPECT_TRUE(Contains(msg, "quoted.csv:6: column 'Close': 'abc' is not a number"));
}

// --- Long format
// -----------------------------------------------------------------------------------

TEST(PriceTable, LongFormatSelectsOneSymbol) {
  const PriceTable t = load_price_table(fixture("long_format.csv"), {.symbol = "bbb"});
  EXPECT_EQ(t.symbol, "BBB");
  EXPECT_EQ(t.names, (std::vector<std::string>{"Close", "Volume"}));
  EXPECT_EQ(t.column("close"), (std::vector<double>{50, 51}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{3, 5}));
  const PriceTable a = load_price_table(fixture("long_format.csv"), {.symbol = "AAA"});
  EXPECT_EQ(a.column("close"), (std::vector<double>{10, 11, 12}));
}

TEST(PriceTable, LongFormatErrorsListTheSymbols) {
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { load_price_table(fixture("long_format.csv")); }),
               "long_format.csv: the file holds 2 symbols ('AAA', 'BBB'); choose one"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         load_price_table(fixture("long_format.csv"), {.symbol = "MSFT"});
                       }),
                       "no rows for symbol 'MSFT' (available: 'AAA', 'BBB')"));
  EXPECT_TRUE(Contains(error_message<ValueError>(
                           [] { load_price_table(fixture("unsorted.csv"), {.symbol = "MSFT"}); }),
                       "symbol 'MSFT' requested but the file has no symbol column"));
}

TEST(PriceTable, SingleSymbolLongFormatNeedsNoFlag) {
  const PriceTable t = from_text("symbol,date,close\nXYZ,2020-01-02,3\nXYZ,2020-01-03,4\n");
  EXPECT_EQ(t.symbol, "XYZ");
  EXPECT_EQ(t.names, (std::vector<std::string>{"close"}));
}

// --- Validation: file, line and column in every message ------------------------------------------

// Without LoadOptions::columns a column that does not load is set aside; its error comes when it
// is used. A column asked for by name must load.
TEST(PriceTable, NonNumericField) {
  const PriceTable t = load_price_table(fixture("bad_number.csv"));
  EXPECT_EQ(t.names, (std::vector<std::string>{"Open", "High", "Low", "Volume"}));
  EXPECT_TRUE(t.has_column("close"));
  EXPECT_TRUE(Contains(error_message<IoError>([&] { t.column("close"); }),
                       "bad_number.csv:3: column 'Close': 'abc' is not a number"));
  EXPECT_TRUE(Contains(error_message<IoError>([] {
                         load_price_table(fixture("bad_number.csv"), {.columns = {"Close"}});
                       }),
                       "bad_number.csv:3: column 'Close': 'abc' is not a number"));
}

TEST(PriceTable, BadDate) {
  EXPECT_TRUE(
      Contains(error_message<IoError>([] { load_price_table(fixture("bad_date.csv")); }),
               "bad_date.csv:3: column 'Date': '01/03/2020' is not a date (expected YYYY-MM-DD, "
               "YYYY/MM/DD, YYYY-MM or YYYY, optionally followed by a time of day HH:MM[:SS])"));
}

TEST(PriceTable, MissingValueIsAnErrorByDefault) {
  const PriceTable t = load_price_table(fixture("missing_value.csv"));
  EXPECT_TRUE(Contains(error_message<IoError>([&] { t.column("close"); }),
                       "missing_value.csv:3: column 'Close': missing value"));
  EXPECT_TRUE(Contains(error_message<IoError>([] {
                         load_price_table(fixture("missing_value.csv"), {.columns = {"close"}});
                       }),
                       "missing_value.csv:3: column 'Close': missing value"));
}

TEST(PriceTable, MissingValuesForwardFillOnRequest) {
  const PriceTable t =
      load_price_table(fixture("missing_value.csv"), {.missing = MissingValues::kForwardFill});
  EXPECT_EQ(t.column("close"), (std::vector<double>{10.5, 10.5, 11, 11}));
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_TRUE(Contains(t.warnings[0], "column 'Close': forward-filled 2 missing value(s)"));
}

TEST(PriceTable, ForwardFillCannotFillTheFirstRow) {
  EXPECT_TRUE(Contains(error_message<IoError>([] {
                         load_price_table(
                             fixture("missing_first.csv"),
                             {.columns = {"close"}, .missing = MissingValues::kForwardFill});
                       }),
                       "missing_first.csv:2: column 'Close': missing value in the first row"));
}

TEST(PriceTable, ForwardFillFollowsDateOrderNotFileOrder) {
  // The first row by date is the file's last line; a gap before it in the file must not fill it.
  const PriceTable t = from_text("Date,Close\n2020-01-03,\n2020-01-06,12\n2020-01-02,10\n",
                                 {.missing = MissingValues::kForwardFill});
  EXPECT_EQ(t.column("close"), (std::vector<double>{10, 10, 12}));
  EXPECT_TRUE(Contains(error_message<IoError>([] {
                         from_text("Date,Close\n2020-01-03,11\n2020-01-02,\n",
                                   {.missing = MissingValues::kForwardFill})
                             .column("close");
                       }),
                       "prices.csv:3: column 'Close': missing value in the first row"));
}

TEST(PriceTable, DuplicateDatesNameBothLines) {
  EXPECT_TRUE(
      Contains(error_message<IoError>([] { load_price_table(fixture("duplicate_date.csv")); }),
               "duplicate_date.csv: date 2020-01-03 appears twice (lines 3 and 5)"));
}

TEST(PriceTable, UnsortedDatesAreSortedWithAWarning) {
  const PriceTable t = load_price_table(fixture("unsorted.csv"));
  ASSERT_EQ(t.rows(), 4u);
  EXPECT_EQ(t.dates.front().str(), "2020-01-02");
  EXPECT_EQ(t.dates.back().str(), "2020-01-07");
  EXPECT_EQ(t.column("close"), (std::vector<double>{10, 10.5, 11, 11.2}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{3, 4, 2, 5}));  // each value keeps its line
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_TRUE(Contains(t.warnings[0], "unsorted.csv:3: rows are not in date order"));
}

TEST(PriceTable, RaggedRow) {
  EXPECT_TRUE(Contains(error_message<IoError>([] { load_price_table(fixture("ragged.csv")); }),
                       "ragged.csv:3: 2 fields, expected 3 as in the header"));
}

TEST(PriceTable, UnusedBrokenColumnIsNotParsed) {
  const PriceTable t = load_price_table(fixture("bad_number.csv"), {.columns = {"Open"}});
  EXPECT_EQ(t.column("open"), (std::vector<double>{10, 10.5, 10.8}));
}

TEST(PriceTable, UnusedTextColumnDoesNotStopTheLoad) {
  const PriceTable t =
      from_text("Date,Name,Close,Notes\n2020-01-02,Apple Inc,10,\n2020-01-03,Apple Inc,11,\n");
  EXPECT_EQ(t.names, (std::vector<std::string>{"Close"}));
  EXPECT_EQ(t.column("close"), (std::vector<double>{10, 11}));
  ASSERT_EQ(t.unloaded.size(), 2u);
  EXPECT_EQ(t.unloaded[0].name, "Name");
  EXPECT_EQ(t.unloaded[1].name, "Notes");
  EXPECT_TRUE(t.warnings.empty());
  // Using one is an error naming file, line, column and cell.
  EXPECT_EQ(error_message<IoError>([&] { t.column("name"); }),
            "prices.csv:2: column 'Name': 'Apple Inc' is not a number");
  EXPECT_EQ(error_message<IoError>([&] { t.column("notes"); }),
            "prices.csv:2: column 'Notes': missing value (forward-filling from the previous row "
            "can be requested)");
}

TEST(PriceTable, CellTextInMessagesIsEscapedAndCut) {
  const PriceTable nul = from_text(std::string("Date,Close\n2020-01-02,1") + '\0' + "2\n");
  const std::string msg = error_message<IoError>([&] { nul.column("close"); });
  EXPECT_EQ(msg, "prices.csv:2: column 'Close': '1\\x002' is not a number");
  EXPECT_EQ(msg.find('\0'), std::string::npos);
  const PriceTable big = from_text("Date,Close\n2020-01-02," + std::string(1 << 20, '7') + "x\n");
  EXPECT_EQ(error_message<IoError>([&] { big.column("close"); }),
            "prices.csv:2: column 'Close': '" + std::string(60, '7') +
                "...' (1048577 bytes) is not a number");
  EXPECT_TRUE(Contains(error_message<IoError>([] { from_text("Date,Close\n2020-01-02\x01,1\n"); }),
                       "prices.csv:2: column 'Date': '2020-01-02\\x01' is not a date"));
}

TEST(PriceTable, ColumnLookupErrorsListTheLoadedColumns) {
  const PriceTable t = from_text("Date,Close\n2020-01-02,10\n");
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { t.column("Volume"); }),
                       "no loaded column 'Volume' (loaded: 'Close')"));
  EXPECT_TRUE(Contains(error_message<IoError>([] { from_text("Date,Close\n"); }),
                       "prices.csv: no data rows"));
}

}  // namespace
}  // namespace recur::data
