#include "recur/data/price_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

bool is_missing_token(const std::string& field) {
  static const std::set<std::string> kTokens = {"", "na", "n/a", "nan", "null", "none", "."};
  std::string lower = field;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kTokens.count(lower) > 0;
}

std::string quote_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + io::quote_cell(n);
  return out;
}

std::string cell_where(const io::CsvTable& csv, const io::CsvRow& row, size_t col) {
  return csv.where(row) + ": column " + io::quote_cell(csv.header[col]);
}

// Which CSV columns become which table columns.
struct ColumnPlan {
  size_t date = 0;
  std::optional<size_t> symbol;
  std::vector<size_t> values;
};

std::optional<size_t> find_symbol_column(const io::CsvTable& csv, const LoadOptions& options) {
  if (!options.symbol_column.empty()) return csv.require_column(options.symbol_column);
  if (auto c = csv.find_column("symbol")) return c;
  return csv.find_column("ticker");
}

ColumnPlan plan_columns(const io::CsvTable& csv, const LoadOptions& options) {
  ColumnPlan plan;
  plan.date = csv.require_column(options.date_column);
  plan.symbol = find_symbol_column(csv, options);
  if (!options.columns.empty()) {
    for (const std::string& name : options.columns) {
      const size_t c = csv.require_column(name);
      if (c == plan.date || c == plan.symbol) {
        throw ValueError(csv.source + ": column " + io::quote_cell(name) +
                         " is the date or symbol column, not a numeric one");
      }
      if (std::find(plan.values.begin(), plan.values.end(), c) != plan.values.end()) {
        throw ValueError(csv.source + ": column " + io::quote_cell(name) + " is requested twice");
      }
      plan.values.push_back(c);
    }
    return plan;
  }
  for (size_t c = 0; c < csv.header.size(); ++c) {
    if (c != plan.date && c != plan.symbol) plan.values.push_back(c);
  }
  if (plan.values.empty()) throw IoError(csv.source + ": no numeric columns besides the date");
  return plan;
}

// The values of column `col`, in order of first appearance, in one pass over the rows.
std::vector<std::string> distinct_values(const io::CsvTable& csv, size_t col) {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  for (const io::CsvRow& r : csv.rows) {
    if (seen.insert(r.fields[col]).second) out.push_back(r.fields[col]);
  }
  return out;
}

std::vector<const io::CsvRow*> every_row(const io::CsvTable& csv) {
  std::vector<const io::CsvRow*> rows;
  rows.reserve(csv.rows.size());
  for (const io::CsvRow& r : csv.rows) rows.push_back(&r);
  return rows;
}

// The CSV rows of the selected ticker.
std::vector<const io::CsvRow*> select_rows(const io::CsvTable& csv, const ColumnPlan& plan,
                                           const LoadOptions& options, std::string& symbol) {
  if (!plan.symbol) {
    if (!options.symbol.empty()) {
      throw ValueError(
          csv.source + ": symbol " + io::quote_cell(options.symbol) +
          " requested but the file has no symbol column (columns: " + quote_list(csv.header) + ")");
    }
    return every_row(csv);
  }
  const std::vector<std::string> available = distinct_values(csv, *plan.symbol);
  std::vector<const io::CsvRow*> rows;
  if (options.symbol.empty()) {
    if (available.size() > 1) {
      throw ValueError(csv.source + ": the file holds " + std::to_string(available.size()) +
                       " symbols (" + quote_list(available) + "); choose one");
    }
    symbol = available.empty() ? "" : available.front();
  } else {
    const std::string wanted = io::column_key(options.symbol);
    for (const std::string& s : available) {
      if (io::column_key(s) == wanted) symbol = s;
    }
    if (symbol.empty()) {
      throw ValueError(csv.source + ": no rows for symbol " + io::quote_cell(options.symbol) +
                       " (available: " + quote_list(available) + ")");
    }
  }
  for (const io::CsvRow& r : csv.rows) {
    if (r.fields[*plan.symbol] == symbol) rows.push_back(&r);
  }
  return rows;
}

Timestamp parse_row_time(const io::CsvTable& csv, const io::CsvRow& row, size_t col) {
  const std::string& field = row.fields[col];
  if (auto t = parse_timestamp(field)) return *t;
  // R's decimal-year index (EuStockMarkets' 1991.496154) numbers business days, not dates.
  const bool decimal_year = field.find('.') != std::string::npos && io::parse_number(field);
  throw IoError(cell_where(csv, row, col) + ": " + io::quote_cell(field) +
                " is not a date (expected YYYY-MM-DD, YYYY/MM/DD, YYYY-MM or YYYY, optionally "
                "followed by a time of day HH:MM[:SS])" +
                (decimal_year ? "; a decimal-year index is not read as dates: write the "
                                "calendar dates into the file"
                              : ""));
}

// A column's values in file row order (NaN where missing), or the first cell that is not a
// number.
struct ParsedColumn {
  std::vector<double> values;
  std::string error;  // empty when every cell parsed
};

ParsedColumn parse_column(const io::CsvTable& csv, const std::vector<const io::CsvRow*>& rows,
                          size_t col) {
  ParsedColumn out{std::vector<double>(rows.size()), ""};
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string& field = rows[r]->fields[col];
    if (is_missing_token(field)) {
      out.values[r] = kMissing;
    } else if (auto v = io::parse_number(field)) {
      out.values[r] = *v;
    } else {
      out.error =
          cell_where(csv, *rows[r], col) + ": " + io::quote_cell(field) + " is not a number";
      break;
    }
  }
  return out;
}

// Puts rows in time order (stable), noting a warning if they were not.
void sort_by_time(PriceTable& t) {
  std::vector<size_t> order(t.rows());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto first_bad = std::adjacent_find(
      t.times.begin(), t.times.end(), [](const Timestamp& a, const Timestamp& b) { return b < a; });
  if (first_bad == t.times.end()) return;
  const size_t bad_row = static_cast<size_t>(first_bad - t.times.begin()) + 1;
  t.warnings.push_back(t.where(bad_row) + ": rows are not in date order (" +
                       t.times[bad_row].str() + " comes after " + t.times[bad_row - 1].str() +
                       "); sorted them by date");
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return t.times[a] < t.times[b]; });
  auto permute = [&order](auto& v) {
    auto copy = v;
    for (size_t i = 0; i < order.size(); ++i) v[i] = copy[order[i]];
  };
  permute(t.times);
  permute(t.dates);
  permute(t.lines);
  for (auto& c : t.columns) permute(c);
}

void reject_duplicate_times(const PriceTable& t) {
  for (size_t i = 1; i < t.rows(); ++i) {
    if (t.times[i] == t.times[i - 1]) {
      throw IoError(t.source + ": date " + t.times[i].str() + " appears twice (lines " +
                    std::to_string(std::min(t.lines[i - 1], t.lines[i])) + " and " +
                    std::to_string(std::max(t.lines[i - 1], t.lines[i])) + ")");
    }
  }
}

// Fills the missing values of column c (in date order) as `policy` says, or returns why it
// cannot; the column is unchanged then.
std::string fill_missing(PriceTable& t, size_t c, MissingValues policy) {
  std::vector<double> v = t.columns[c];
  size_t filled = 0;
  for (size_t r = 0; r < v.size(); ++r) {
    if (!std::isnan(v[r])) continue;
    const std::string where =
        t.where(r) + ": column " + io::quote_cell(t.names[c]) + ": missing value";
    if (policy == MissingValues::kError) {
      return where + " (forward-filling from the previous row can be requested)";
    }
    if (r == 0) {
      return where + " in the first row by date: there is no earlier value to forward-fill from";
    }
    v[r] = v[r - 1];
    ++filled;
  }
  if (filled > 0) {
    t.warnings.push_back(t.source + ": column " + io::quote_cell(t.names[c]) + ": forward-filled " +
                         std::to_string(filled) + " missing value(s)");
  }
  t.columns[c] = std::move(v);
  return "";
}

// A column that cannot be used: an error at once when the caller asked for it by name, otherwise
// kept aside for column() to report if something uses it.
void set_aside(PriceTable& t, std::string name, std::string error, bool requested) {
  if (requested) throw IoError(error);
  t.unloaded.push_back({std::move(name), std::move(error)});
}

void handle_missing(PriceTable& t, MissingValues policy, bool requested) {
  for (size_t c = 0; c < t.columns.size();) {
    std::string error = fill_missing(t, c, policy);
    if (error.empty()) {
      ++c;
      continue;
    }
    set_aside(t, t.names[c], std::move(error), requested);
    t.names.erase(t.names.begin() + static_cast<std::ptrdiff_t>(c));
    t.columns.erase(t.columns.begin() + static_cast<std::ptrdiff_t>(c));
  }
}

const PriceTable::Unloaded* find_unloaded(const PriceTable& t, const std::string& key) {
  for (const PriceTable::Unloaded& u : t.unloaded) {
    if (io::column_key(u.name) == key) return &u;
  }
  return nullptr;
}

// The steps both layouts share: the times of `rows`, the `values` columns parsed (a column that
// does not parse is set aside, or fails the load when `requested`), rows in time order, no time
// twice. Missing values are left as NaN for the caller.
PriceTable build_table(const io::CsvTable& csv, const std::vector<const io::CsvRow*>& rows,
                       size_t date_col, const std::vector<size_t>& values, bool requested) {
  if (rows.empty()) throw IoError(csv.source + ": no data rows");
  PriceTable t;
  t.source = csv.source;
  t.times.reserve(rows.size());
  t.dates.reserve(rows.size());
  t.lines.reserve(rows.size());
  for (const io::CsvRow* row : rows) {
    t.times.push_back(parse_row_time(csv, *row, date_col));
    t.dates.push_back(t.times.back().date);
    t.lines.push_back(row->line);
  }
  for (size_t c : values) {
    ParsedColumn parsed = parse_column(csv, rows, c);
    if (!parsed.error.empty()) {
      set_aside(t, csv.header[c], std::move(parsed.error), requested);
      continue;
    }
    t.names.push_back(csv.header[c]);
    t.columns.push_back(std::move(parsed.values));
  }
  sort_by_time(t);
  reject_duplicate_times(t);
  return t;
}

// Long layout: the table of `rows`, the rows of one ticker.
PriceTable long_table(const io::CsvTable& csv, const ColumnPlan& plan,
                      const std::vector<const io::CsvRow*>& rows, std::string symbol,
                      const LoadOptions& options) {
  const bool requested = !options.columns.empty();
  PriceTable t = build_table(csv, rows, plan.date, plan.values, requested);
  t.symbol = std::move(symbol);
  handle_missing(t, options.missing, requested);
  return t;
}

// Each ticker's rows, tickers in order of first appearance, in one pass over the file: selecting
// them one ticker at a time would read every row once per ticker.
std::vector<std::pair<std::string, std::vector<const io::CsvRow*>>> rows_by_symbol(
    const io::CsvTable& csv, size_t col) {
  std::vector<std::pair<std::string, std::vector<const io::CsvRow*>>> groups;
  std::unordered_map<std::string_view, size_t> index;
  for (const io::CsvRow& r : csv.rows) {
    const auto [it, added] = index.emplace(r.fields[col], groups.size());
    if (added) groups.emplace_back(r.fields[col], std::vector<const io::CsvRow*>{});
    groups[it->second].second.push_back(&r);
  }
  return groups;
}

// Wide layout: every column but the date column is a ticker.
std::vector<size_t> wide_value_columns(const io::CsvTable& csv, size_t date_col) {
  std::vector<size_t> out;
  for (size_t c = 0; c < csv.header.size(); ++c) {
    if (c != date_col) out.push_back(c);
  }
  return out;
}

std::vector<std::string> headers_of(const io::CsvTable& csv, const std::vector<size_t>& cols) {
  std::vector<std::string> out;
  for (size_t c : cols) out.push_back(csv.header[c]);
  return out;
}

// The value column of the ticker options.symbol names, or of the file's only ticker.
size_t pick_wide_column(const io::CsvTable& csv, size_t date_col, const LoadOptions& options) {
  const std::vector<size_t> cols = wide_value_columns(csv, date_col);
  if (cols.empty()) throw IoError(csv.source + ": no numeric columns besides the date");
  if (options.symbol.empty()) {
    if (cols.size() > 1) {
      throw ValueError(csv.source + ": the file holds " + std::to_string(cols.size()) +
                       " series (" + quote_list(headers_of(csv, cols)) + "); choose one");
    }
    return cols.front();
  }
  const std::string wanted = io::column_key(options.symbol);
  for (size_t c : cols) {
    if (io::column_key(csv.header[c]) == wanted) return c;
  }
  throw ValueError(csv.source + ": no column for symbol " + io::quote_cell(options.symbol) +
                   " (available: " + quote_list(headers_of(csv, cols)) + ")");
}

// Keeps the rows from the first to the last value of the table's only column: a wide file lists
// each ticker from its first day to its last, with empty cells around.
void trim_to_listed(PriceTable& t) {
  const std::vector<double>& v = t.columns.front();
  const auto listed = [](double x) { return !std::isnan(x); };
  const auto first = std::find_if(v.begin(), v.end(), listed);
  if (first == v.end()) {
    throw ValueError(t.source + ": column " + io::quote_cell(t.names.front()) +
                     " has no values (every cell is missing)");
  }
  const auto begin = first - v.begin();
  const auto end = v.rend() - std::find_if(v.rbegin(), v.rend(), listed);
  auto keep = [begin, end](auto& x) {
    x.erase(x.begin() + end, x.end());
    x.erase(x.begin(), x.begin() + begin);
  };
  keep(t.times);
  keep(t.dates);
  keep(t.lines);
  keep(t.columns.front());
}

PriceTable wide_table(const io::CsvTable& csv, const LoadOptions& options) {
  if (!options.columns.empty()) {
    throw ValueError(csv.source + ": columns " + quote_list(options.columns) +
                     " requested in the wide layout, where every column but the date is a "
                     "series: choose one with the symbol instead");
  }
  const size_t date_col = csv.require_column(options.date_column);
  const size_t col = pick_wide_column(csv, date_col, options);
  PriceTable t = build_table(csv, every_row(csv), date_col, {col}, /*requested=*/true);
  t.symbol = csv.header[col];
  trim_to_listed(t);
  // Messages and warnings name the file's column; the new name is for the caller's features.
  handle_missing(t, options.missing, /*requested=*/true);
  t.names.front() = options.value_column;
  return t;
}

}  // namespace

bool PriceTable::has_column(std::string_view name) const {
  const std::string key = io::column_key(name);
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return io::column_key(n) == key; }) ||
         find_unloaded(*this, key) != nullptr;
}

const std::vector<double>& PriceTable::column(std::string_view name) const {
  const std::string key = io::column_key(name);
  for (size_t c = 0; c < names.size(); ++c) {
    if (io::column_key(names[c]) == key) return columns[c];
  }
  if (const Unloaded* u = find_unloaded(*this, key)) throw IoError(u->error);
  throw ValueError(source + ": no loaded column " + io::quote_cell(name) +
                   " (loaded: " + quote_list(names) + ")");
}

std::string PriceTable::where(size_t row) const {
  return source + ":" + std::to_string(lines.at(row));
}

PriceTable price_table_from_csv(const io::CsvTable& csv, const LoadOptions& options) {
  if (options.layout == TableLayout::kWide) return wide_table(csv, options);
  const ColumnPlan plan = plan_columns(csv, options);
  std::string symbol;
  const std::vector<const io::CsvRow*> rows = select_rows(csv, plan, options, symbol);
  return long_table(csv, plan, rows, std::move(symbol), options);
}

PriceTable load_price_table(const std::string& path, const LoadOptions& options) {
  return price_table_from_csv(io::read_csv(path), options);
}

std::vector<std::string> list_symbols(const io::CsvTable& csv, const LoadOptions& options) {
  if (options.layout == TableLayout::kWide) {
    return headers_of(csv, wide_value_columns(csv, csv.require_column(options.date_column)));
  }
  const std::optional<size_t> symbol = find_symbol_column(csv, options);
  return symbol ? distinct_values(csv, *symbol) : std::vector<std::string>{};
}

std::vector<std::string> list_symbols(const std::string& path, const LoadOptions& options) {
  return list_symbols(io::read_csv(path), options);
}

std::vector<PriceTable> load_price_tables(const std::string& path, const LoadOptions& options) {
  const io::CsvTable csv = io::read_csv(path);
  LoadOptions one = options;
  std::vector<PriceTable> tables;
  if (options.layout == TableLayout::kWide) {
    for (const std::string& symbol : list_symbols(csv, options)) {
      one.symbol = symbol;
      tables.push_back(wide_table(csv, one));
    }
    return tables;
  }
  one.symbol.clear();
  const ColumnPlan plan = plan_columns(csv, one);
  if (!plan.symbol) return {price_table_from_csv(csv, one)};
  for (auto& [symbol, rows] : rows_by_symbol(csv, *plan.symbol)) {
    tables.push_back(long_table(csv, plan, rows, symbol, one));
  }
  return tables;
}

}  // namespace recur::data
