#include "recur/data/price_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

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

// --- Wide layout: one value column per ticker --------------------------------------------------

// Three tickers listed at different times: BBB starts late, CCC stops early and has a gap.
const char* const kWide =
    "Date,AAA,bbb,CCC\n"
    "2020-01-02,10,,30\n"
    "2020-01-03,11,,\n"
    "2020-01-06,12,21,32\n"
    "2020-01-07,13,22,\n"
    "2020-01-08,14,23,\n";

LoadOptions wide(std::string symbol = "") {
  return {.symbol = std::move(symbol), .layout = TableLayout::kWide};
}

TEST(PriceTableWide, PicksOneTickerByNameCaseInsensitively) {
  const PriceTable t = from_text(kWide, wide("aaa"));
  EXPECT_EQ(t.symbol, "AAA");
  EXPECT_EQ(t.names, (std::vector<std::string>{"close"}));
  EXPECT_EQ(t.column("close"), (std::vector<double>{10, 11, 12, 13, 14}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(t.dates.back().str(), "2020-01-08");
  EXPECT_TRUE(t.warnings.empty());
  EXPECT_EQ(from_text(kWide, wide("BBB")).symbol, "bbb");
  LoadOptions named = wide("aaa");
  named.value_column = "Passengers";
  EXPECT_EQ(from_text(kWide, named).names, (std::vector<std::string>{"Passengers"}));
}

TEST(PriceTableWide, DropsLeadingAndTrailingMissingCellsSilently) {
  const PriceTable late = from_text(kWide, wide("bbb"));
  EXPECT_EQ(late.column("close"), (std::vector<double>{21, 22, 23}));
  EXPECT_EQ(late.lines, (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(late.dates.front().str(), "2020-01-06");
  EXPECT_TRUE(late.warnings.empty());
  // By date, not by file order: the first line is the last day, and its empty cell is trailing.
  const PriceTable sorted = from_text("date,X\n2020-01-06,\n2020-01-02,1\n2020-01-03,2\n",
                                      {.layout = TableLayout::kWide});
  EXPECT_EQ(sorted.column("close"), (std::vector<double>{1, 2}));
  EXPECT_EQ(sorted.lines, (std::vector<int64_t>{3, 4}));
}

TEST(PriceTableWide, InteriorMissingCellIsAnErrorOrForwardFilled) {
  EXPECT_EQ(error_message<IoError>([] { from_text(kWide, wide("ccc")); }),
            "prices.csv:3: column 'CCC': missing value (forward-filling from the previous row "
            "can be requested)");
  LoadOptions fill = wide("ccc");
  fill.missing = MissingValues::kForwardFill;
  const PriceTable t = from_text(kWide, fill);
  EXPECT_EQ(t.column("close"), (std::vector<double>{30, 30, 32}));  // trailing cells dropped
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_EQ(t.warnings[0], "prices.csv: column 'CCC': forward-filled 1 missing value(s)");
}

TEST(PriceTableWide, ColumnWithoutValuesIsAnError) {
  EXPECT_EQ(error_message<ValueError>(
                [] { from_text("date,A,B\n2020-01-02,1,NA\n2020-01-03,2,\n", wide("b")); }),
            "prices.csv: column 'B' has no values (every cell is missing)");
}

TEST(PriceTableWide, UnknownOrUnchosenTickerListsTheTickers) {
  EXPECT_EQ(error_message<ValueError>([] { from_text(kWide, wide("MSFT")); }),
            "prices.csv: no column for symbol 'MSFT' (available: 'AAA', 'bbb', 'CCC')");
  // The date column is not a ticker.
  EXPECT_TRUE(Contains(error_message<ValueError>([] { from_text(kWide, wide("date")); }),
                       "no column for symbol 'date'"));
  EXPECT_EQ(error_message<ValueError>([] { from_text(kWide, wide()); }),
            "prices.csv: the file holds 3 series ('AAA', 'bbb', 'CCC'); choose one");
  const PriceTable only = from_text("date,Solo\n2020-01-02,5\n", wide());
  EXPECT_EQ(only.symbol, "Solo");
  EXPECT_EQ(only.column("close"), (std::vector<double>{5}));
}

TEST(PriceTableWide, ColumnsCannotBeChosenAndNoSymbolColumnIsLookedFor) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         from_text(kWide, {.columns = {"AAA"}, .layout = TableLayout::kWide});
                       }),
                       "prices.csv: columns 'AAA' requested in the wide layout"));
  // A column called "symbol" is a ticker like any other in a wide file.
  const PriceTable t = from_text("date,symbol,ticker\n2020-01-02,1,2\n", wide("SYMBOL"));
  EXPECT_EQ(t.symbol, "symbol");
  EXPECT_EQ(t.column("close"), (std::vector<double>{1}));
}

TEST(PriceTableWide, BadCellsNameFileLineAndColumn) {
  const std::string text = "date,A,B\n2020-01-02,1,2\n2020-01-03,x,3\n";
  EXPECT_EQ(error_message<IoError>([&] { from_text(text, wide("a")); }),
            "prices.csv:3: column 'A': 'x' is not a number");
  // Only the chosen column is parsed.
  EXPECT_EQ(from_text(text, wide("b")).column("close"), (std::vector<double>{2, 3}));
  EXPECT_TRUE(Contains(
      error_message<IoError>([] { from_text("date,A\n2020-01-02,1\n2020-13-03,2\n", wide("a")); }),
      "prices.csv:3: column 'date': '2020-13-03' is not a date"));
  EXPECT_EQ(
      error_message<IoError>([] { from_text("date,A\n2020-01-02,1\n2020-01-02,2\n", wide("a")); }),
      "prices.csv: date 2020-01-02 appears twice (lines 2 and 3)");
}

// --- Many series in one file ---------------------------------------------------------------------

TEST(ListSymbols, LongWideAndNoSymbolColumn) {
  EXPECT_EQ(list_symbols(fixture("long_format.csv"), {}), (std::vector<std::string>{"AAA", "BBB"}));
  const io::CsvTable long_csv =
      io::parse_csv("ticker,date,close\nZ,2020-01-02,1\nA,2020-01-02,2\nZ,2020-01-03,3\n", "p.csv");
  EXPECT_EQ(list_symbols(long_csv, {}), (std::vector<std::string>{"Z", "A"}));
  EXPECT_EQ(list_symbols(io::parse_csv(kWide, "p.csv"), {.layout = TableLayout::kWide}),
            (std::vector<std::string>{"AAA", "bbb", "CCC"}));
  const io::CsvTable date_last = io::parse_csv("x,y,Day\n1,2,2020-01-02\n", "p.csv");
  EXPECT_EQ(list_symbols(date_last, {.date_column = "day", .layout = TableLayout::kWide}),
            (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(list_symbols(fixture("unsorted.csv"), {}).empty());
}

// Writes `text` to a file of its own under the test's temporary folder.
std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "price_table_test_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

void expect_same_table(const PriceTable& a, const PriceTable& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.times, b.times);
  EXPECT_EQ(a.dates, b.dates);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.names, b.names);
  EXPECT_EQ(a.columns, b.columns);
  EXPECT_EQ(a.warnings, b.warnings);
  EXPECT_EQ(a.unloaded.size(), b.unloaded.size());
}

TEST(LoadPriceTables, EachSeriesAsLoadingItAlone) {
  const std::string wide_path = write_temp("wide.csv", kWide);
  LoadOptions options = {.missing = MissingValues::kForwardFill, .layout = TableLayout::kWide};
  const std::vector<PriceTable> wide_tables = load_price_tables(wide_path, options);
  ASSERT_EQ(wide_tables.size(), 3u);
  const std::vector<std::string> tickers = {"AAA", "bbb", "CCC"};
  for (size_t i = 0; i < tickers.size(); ++i) {
    options.symbol = tickers[i];
    expect_same_table(wide_tables[i], load_price_table(wide_path, options));
  }
  EXPECT_EQ(wide_tables[1].rows(), 3u);  // not padded to the file's rows

  const std::vector<PriceTable> long_tables = load_price_tables(fixture("long_format.csv"));
  ASSERT_EQ(long_tables.size(), 2u);
  expect_same_table(long_tables[0],
                    load_price_table(fixture("long_format.csv"), {.symbol = "AAA"}));
  expect_same_table(long_tables[1],
                    load_price_table(fixture("long_format.csv"), {.symbol = "BBB"}));

  const std::vector<PriceTable> single = load_price_tables(fixture("unsorted.csv"));
  ASSERT_EQ(single.size(), 1u);
  expect_same_table(single[0], load_price_table(fixture("unsorted.csv")));
}

// --- The shipped synthetic panel (data/README.md; tools/data/make_synthetic_panel.py) ------------

// Lag-1 autocorrelation of the daily log changes of `prices`, and the share of their variance
// that the position in the 5-day week explains.
struct ChangeStats {
  double lag1 = 0;
  double weekday_share = 0;
};

ChangeStats change_stats(const std::vector<double>& prices) {
  std::vector<double> d;
  for (size_t t = 1; t < prices.size(); ++t) d.push_back(std::log(prices[t] / prices[t - 1]));
  const double n = static_cast<double>(d.size());
  double mean = 0;
  for (double x : d) mean += x / n;
  double var = 0, cov = 0;
  std::vector<double> day_sum(5, 0), day_count(5, 0);
  for (size_t t = 0; t < d.size(); ++t) {
    var += (d[t] - mean) * (d[t] - mean) / n;
    if (t > 0) cov += (d[t] - mean) * (d[t - 1] - mean) / n;
    day_sum[t % 5] += d[t];
    day_count[t % 5] += 1;
  }
  double between = 0;
  for (size_t k = 0; k < 5; ++k) {
    const double m = day_sum[k] / day_count[k] - mean;
    between += m * m * day_count[k] / n;
  }
  return {cov / var, between / var};
}

TEST(SyntheticPanel, ThirtySeriesOfBusinessDaysWithTheStatedStructure) {
  const LoadOptions options = {.layout = TableLayout::kWide};
  const std::string path = repo_data("synthetic_panel_30x2500_wide.csv");
  const std::vector<PriceTable> tables = load_price_tables(path, options);
  ASSERT_EQ(tables.size(), 30u);
  EXPECT_EQ(tables.front().symbol, "S01");
  EXPECT_EQ(tables.back().symbol, "S30");
  EXPECT_EQ(tables[0].column("close").front(), 39.2291);
  EXPECT_EQ(tables[0].column("close").back(), 111.7269);
  EXPECT_EQ(tables[29].column("close").back(), 72.2961);
  for (const PriceTable& t : tables) {
    SCOPED_TRACE(t.symbol);
    ASSERT_EQ(t.rows(), 2500u);
    EXPECT_EQ(t.dates.front().str(), "2010-01-04");
    EXPECT_EQ(t.dates.back().str(), "2019-08-02");
    EXPECT_TRUE(t.warnings.empty());
    for (double v : t.column("close")) ASSERT_GT(v, 0);
    // Stated in data/README.md; the draws are 2,499 changes, so sampling error is about 0.02.
    const int group = (std::stoi(t.symbol.substr(1)) - 1) / 10;
    const ChangeStats s = change_stats(t.column("close"));
    if (group == 0) {  // random walks
      EXPECT_LT(std::abs(s.lag1), 0.1);
      EXPECT_LT(s.weekday_share, 0.02);
    } else if (group == 1) {  // AR(1) changes, phi = 0.5
      EXPECT_NEAR(s.lag1, 0.5, 0.06);
      EXPECT_LT(s.weekday_share, 0.02);
    } else {  // weekly cycle: about 40% of the change's variance
      EXPECT_NEAR(s.weekday_share, 0.4, 0.06);
    }
  }
  // Monday to Friday, no holidays: every step is one day, or three over a weekend.
  const std::vector<Date>& dates = tables[0].dates;
  for (size_t r = 1; r < dates.size(); ++r) {
    ASSERT_EQ(dates[r] - dates[r - 1], r % 5 == 0 ? 3 : 1) << dates[r].str();
  }
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
