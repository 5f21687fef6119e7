// A table of a series' values read from a CSV file — daily prices, or any regular series from
// yearly to half-hourly — one row per point in time, strictly increasing times, numeric columns
// in double precision. This is the first step of the forecasting pipeline:
//
//   PriceTable t = data::load_price_table("prices.csv", {.columns = {"Close", "Volume"}});
//   FeatureFrame f = data::build_features(t, spec);             (features.h)
//
// What the loader accepts: a header with a date column (default "date") and numeric columns in
// any order, names matched case-insensitively ignoring spaces and '_' (io::column_key); times
// as data::parse_timestamp reads them (timestamp.h): YYYY, YYYY-MM, YYYY-MM-DD or YYYY/MM/DD,
// optionally with a time of day HH:MM[:SS]; everything io::read_csv copes with (BOM, CRLF, quotes,
// no final newline). Many series in one file, in either layout (TableLayout):
//   long  "date,symbol,close": a symbol column ("symbol" or "ticker" unless named) tells the
//         tickers apart; LoadOptions::symbol picks one;
//   wide  "date,AAPL,MSFT,...": one value column per ticker; LoadOptions::symbol picks one, and
//         the table holds it as a single column named LoadOptions::value_column ("close"), so that
//         the rest of the pipeline reads a wide file's series as it reads a long file's. Tickers
//         listed at different times are normal in a wide file: the chosen column's leading and
//         trailing missing cells are dropped; missing cells between its first and last value
//         follow LoadOptions::missing.
// list_symbols() names the tickers of a file, load_price_tables() loads all of them:
//
//   for (const PriceTable& t : data::load_price_tables("closes.csv", {.layout =
//   TableLayout::kWide}))
//
// What it rejects, always with file, line and column in the IoError message (cell text through
// io::quote_cell: control bytes escaped, long cells cut):
//   prices.csv:17: column 'Close': 'abc' is not a number
//   prices.csv:17: column 'Date': '03/01/2000' is not a date (expected YYYY-MM-DD, ...)
//   prices.csv:17: column 'Close': missing value (MissingValues::kForwardFill fills it ...)
//   prices.csv: date 2000-01-05 appears twice (lines 7 and 9)
//   prices.csv:17: 5 fields, expected 6 as in the header
// Missing values are "", NA, N/A, NaN, null, None and "." (any case). Rows out of date order are
// sorted, and a warning is added to PriceTable::warnings (the library never prints).
//
// Only the columns a caller uses can fail it. Columns named in LoadOptions::columns must load. With
// no names given, every column that holds numbers loads; one that cannot (a text column such as
// "name", or a missing value with nothing to fill it) is set aside in PriceTable::unloaded with
// its first error, which column() throws if something asks for that column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recur/data/date.h"
#include "recur/data/timestamp.h"
#include "recur/io/csv.h"

namespace recur::data {

// How a file holds its series.
enum class TableLayout {
  kLong,  // one row per time (and symbol): a symbol column tells the tickers apart
  kWide,  // one row per time, one value column per ticker ("date,AAPL,MSFT,...")
};

enum class MissingValues {
  kError,        // any missing value is an error (the default)
  kForwardFill,  // take the previous row's value (by date); an error on the first row
};

struct LoadOptions {
  std::string date_column = "date";
  // Numeric columns to load, by name; each must load, or the load fails. Empty: every column
  // except the date and symbol columns that holds numbers, the others set aside (see above).
  // Columns not listed are not parsed at all (a broken column you do not use is no error).
  // Must be empty in the wide layout, where the value columns are the series.
  std::vector<std::string> columns{};
  // The column of tickers in a long-format file. Empty: "symbol" or "ticker" if there is one.
  // Not looked for in the wide layout.
  std::string symbol_column{};
  // The ticker to keep (case-insensitive): a value of the symbol column (long) or a value
  // column's header (wide). Empty: the file must hold a single ticker.
  std::string symbol{};
  MissingValues missing = MissingValues::kError;
  TableLayout layout = TableLayout::kLong;
  // Wide layout: the name the chosen ticker's column takes in the table (the forecast pipeline
  // passes its target column, e.g. "close"), so that features find it.
  std::string value_column = "close";
};

struct PriceTable {
  std::string source;                        // the file, for messages
  std::string symbol;                        // the ticker kept, as spelled in the file; ""
                                             // for a long file without a symbol column
  std::vector<Timestamp> times;              // strictly increasing
  std::vector<Date> dates;                   // the day of each time (all of it, for daily data)
  std::vector<int64_t> lines;                // the file line of each row
  std::vector<std::string> names;            // the loaded columns, spelled as in the header
  std::vector<std::vector<double>> columns;  // columns[c][row], all finite
  std::vector<std::string> warnings;         // things the caller may want to show the user

  // A column of the file that did not load, and its first problem ("prices.csv:3: column 'name':
  // 'Acme' is not a number").
  struct Unloaded {
    std::string name;
    std::string error;
  };
  std::vector<Unloaded> unloaded;

  size_t rows() const { return dates.size(); }
  // Whether the file has the column, loaded or set aside.
  bool has_column(std::string_view name) const;
  // The values of a column (matched like the header). Throws the column's IoError if it was set
  // aside, and ValueError listing the loaded columns if there is no such column.
  const std::vector<double>& column(std::string_view name) const;
  // "prices.csv:17": where row `row` came from.
  std::string where(size_t row) const;
};

PriceTable load_price_table(const std::string& path, const LoadOptions& options = {});
// Same, from a CSV already read (tests, or data that did not come from a file).
PriceTable price_table_from_csv(const io::CsvTable& csv, const LoadOptions& options = {});

// The tickers of a file, in file order. Long layout: the distinct values of the symbol column in
// order of first appearance (empty when the file has no symbol column); wide layout: the header
// of every column but the date column.
std::vector<std::string> list_symbols(const io::CsvTable& csv, const LoadOptions& options = {});
std::vector<std::string> list_symbols(const std::string& path, const LoadOptions& options = {});

// Every ticker of the file, in list_symbols() order, each as load_price_table(path, options with
// .symbol = that ticker) would load it (options.symbol is ignored), reading the file once. A long
// file without a symbol column gives one table.
std::vector<PriceTable> load_price_tables(const std::string& path, const LoadOptions& options = {});

}  // namespace recur::data
