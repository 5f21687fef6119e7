// Reading CSV files as people actually have them: a header row, then records. Handles UTF-8 with
// or without a byte-order mark, LF / CRLF / CR line ends, a missing final newline, blank lines
// (skipped, wherever they are), spaces around unquoted fields (trimmed), and RFC 4180 quoting
// ("a,b", "say ""hi""", line breaks inside quotes). Every record remembers the line it starts on,
// so callers can report "prices.csv:17: column 'Close': 'abc' is not a number". A record with the
// wrong number of fields, an unterminated quote, an empty file or two header names that mean the
// same column throw IoError naming the file and the line. UTF-16 and UTF-32 files (known by their
// byte-order mark, or by the NUL bytes of ASCII text without one) are refused with a message that
// names the encoding. Cell text in messages goes through quote_cell(): control bytes escaped, long
// cells cut.
//
// Header names are compared with column_key(): case-insensitive, ignoring spaces, '_' and '-',
// so "Adj Close", "adj_close" and "AdjClose" all name the same column.
//
//   io::CsvTable t = io::read_csv("prices.csv");
//   size_t close = t.require_column("close");
//   for (const io::CsvRow& r : t.rows) use(r.fields[close], t.where(r));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recur::io {

struct CsvRow {
  int64_t line = 0;  // 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string source;               // the path (or name) used in messages
  std::vector<std::string> header;  // as written in the file (trimmed)
  std::vector<CsvRow> rows;         // data records; every one has header.size() fields

  // Index of the header column matching `name` by column_key(), if any.
  std::optional<size_t> find_column(std::string_view name) const;
  // Same, but throws IoError listing the available columns when there is none.
  size_t require_column(std::string_view name) const;
  // "prices.csv:17" for messages about a record.
  std::string where(const CsvRow& row) const;
};

// Reads a whole file. Throws IoError if it cannot be opened, is not a regular file
// (io::read_regular_file) or is malformed (see above).
CsvTable read_csv(const std::string& path, char separator = ',');
// Parses text already in memory; `source` names it in messages.
CsvTable parse_csv(std::string_view text, const std::string& source, char separator = ',');

// The name used to match columns: lower case with spaces, '_' and '-' removed ("Adj Close" ->
// "adjclose").
std::string column_key(std::string_view name);

// `text` (a cell, a header name) as error messages show it: in single quotes, control bytes
// escaped (\t, \n, \r, \x00 ...) so that a NUL cannot cut a message short nor a line break
// split it, and cut after 60 bytes with the full size added: 'aaaa...' (1048576 bytes).
std::string quote_cell(std::string_view text);

// `text` as one field of a CSV file that read_csv reads back as `text` (RFC 4180): as it is,
// or in double quotes (inner quotes doubled) when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text);

// A finite decimal number ("1.5", "-2", "+3e-4", " 7 "), or nullopt for anything else,
// including "", "nan" and "inf".
std::optional<double> parse_number(std::string_view text);

}  // namespace recur::io
