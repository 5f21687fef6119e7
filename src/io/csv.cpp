#include "recur/io/csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"

namespace recur::io {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits text into records, one field at a time. Quoted fields keep their content verbatim
// (separators and line breaks included); unquoted fields are trimmed.
class RecordReader {
 public:
  RecordReader(std::string_view text, const std::string& source, char separator)
      : text_(text), source_(source), sep_(separator) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (text_.substr(0, kBom.size()) == kBom) pos_ = kBom.size();
  }

  // The next non-blank record, or false at the end of the text.
  bool next(CsvRow& row) {
    skip_blank_lines();
    if (pos_ >= text_.size()) return false;
    row.line = line_;
    row.fields.clear();
    while (true) {
      row.fields.push_back(read_field(row.line));
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_];
      if (c == sep_) {
        ++pos_;
        continue;
      }
      consume_line_end();  // read_field stops only at a separator, a line end or the end
      return true;
    }
  }

 private:
  bool at_line_end() const { return text_[pos_] == '\n' || text_[pos_] == '\r'; }

  void consume_line_end() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  void skip_blank_lines() {
    while (pos_ < text_.size()) {
      size_t p = pos_;
      while (p < text_.size() && is_blank(text_[p])) ++p;
      if (p == text_.size()) {
        pos_ = p;
        return;
      }
      if (text_[p] != '\n' && text_[p] != '\r') return;
      pos_ = p;
      consume_line_end();
    }
  }

  std::string read_field(int64_t record_line) {
    size_t p = pos_;
    while (p < text_.size() && is_blank(text_[p])) ++p;
    if (p < text_.size() && text_[p] == '"') {
      pos_ = p + 1;
      return read_quoted(record_line);
    }
    const size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] != sep_ && !at_line_end()) {
      if (text_[pos_] == '"') {
        throw IoError(source_ + ":" + std::to_string(line_) +
                      ": a quote inside an unquoted field (quote the whole field and double the "
                      "inner quotes)");
      }
      ++pos_;
    }
    return std::string(trim(text_.substr(begin, pos_ - begin)));
  }

  std::string read_quoted(int64_t record_line) {
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) {
        throw IoError(source_ + ":" + std::to_string(record_line) +
                      ": quoted field is never closed");
      }
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          out.push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\n' || (c == '\r' && !(pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n'))) {
        ++line_;
      }
      out.push_back(c);
      ++pos_;
    }
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] != sep_ && !at_line_end()) {
      throw IoError(source_ + ":" + std::to_string(line_) +
                    ": unexpected text after a closing quote");
    }
    return out;
  }

  std::string_view text_;
  const std::string& source_;
  char sep_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + quote_cell(n);
  return out;
}

// Whether every `width`-byte unit of the sample has its character byte at `at` and NULs
// elsewhere: ASCII text in UTF-16 or UTF-32, without a byte-order mark.
bool looks_like(std::string_view sample, size_t width, size_t at) {
  const size_t units = sample.size() / width;
  if (units < 2) return false;
  for (size_t u = 0; u < units; ++u) {
    for (size_t b = 0; b < width; ++b) {
      if ((sample[u * width + b] == '\0') != (b != at)) return false;
    }
  }
  return true;
}

// The reader understands UTF-8 (and so ASCII) only; text in a wide encoding would otherwise be
// split into one-field records of NUL-separated bytes and reported as a ragged line far away.
void reject_wide_encodings(std::string_view text, const std::string& source) {
  struct Encoding {
    std::string_view bom;
    size_t width, at;  // code unit size, and where an ASCII character's byte sits in it
    const char* name;
  };
  using namespace std::string_view_literals;
  static constexpr Encoding kEncodings[] = {
      {"\x00\x00\xFE\xFF"sv, 4, 3, "UTF-32 (big-endian)"},
      {"\xFF\xFE\x00\x00"sv, 4, 0, "UTF-32 (little-endian)"},
      {"\xFE\xFF"sv, 2, 1, "UTF-16 (big-endian)"},
      {"\xFF\xFE"sv, 2, 0, "UTF-16 (little-endian)"},
  };
  const std::string_view sample = text.substr(0, 256);
  for (const Encoding& e : kEncodings) {
    if (sample.starts_with(e.bom) || looks_like(sample, e.width, e.at)) {
      throw IoError(source + ": the file is " + e.name + " encoded; save it as UTF-8");
    }
  }
}

void check_header(const CsvTable& t, int64_t line) {
  for (size_t i = 0; i < t.header.size(); ++i) {
    if (t.header[i].empty()) {
      throw IoError(t.source + ":" + std::to_string(line) + ": header column " +
                    std::to_string(i + 1) + " has no name");
    }
    for (size_t j = 0; j < i; ++j) {
      if (column_key(t.header[i]) == column_key(t.header[j])) {
        throw IoError(t.source + ":" + std::to_string(line) + ": header columns " +
                      quote_cell(t.header[j]) + " and " + quote_cell(t.header[i]) +
                      " name the same column (names ignore case, spaces and '_')");
      }
    }
  }
}

}  // namespace

std::string column_key(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return key;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string quote_cell(std::string_view text) {
  constexpr size_t kMaxBytes = 60;
  size_t keep = std::min(text.size(), kMaxBytes);
  // Cut before a UTF-8 continuation byte, never inside a character.
  while (keep < text.size() && keep > 0 &&
         (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  std::string out = "'";
  for (const char ch : text.substr(0, keep)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7F) {
      out.push_back(ch);
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    }
  }
  if (keep < text.size()) return out + "...' (" + std::to_string(text.size()) + " bytes)";
  return out + "'";
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<size_t> CsvTable::find_column(std::string_view name) const {
  const std::string key = column_key(name);
  for (size_t i = 0; i < header.size(); ++i) {
    if (column_key(header[i]) == key) return i;
  }
  return std::nullopt;
}

size_t CsvTable::require_column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  throw IoError(source + ": no column " + quote_cell(name) + " (columns: " + list_names(header) +
                ")");
}

std::string CsvTable::where(const CsvRow& row) const {
  return source + ":" + std::to_string(row.line);
}

CsvTable parse_csv(std::string_view text, const std::string& source, char separator) {
  CsvTable table;
  table.source = source;
  reject_wide_encodings(text, source);
  RecordReader reader(text, source, separator);
  CsvRow header;
  if (!reader.next(header)) throw IoError(source + ": the file is empty (no header row)");
  table.header = std::move(header.fields);
  check_header(table, header.line);

  CsvRow row;
  while (reader.next(row)) {
    if (row.fields.size() != table.header.size()) {
      throw IoError(table.where(row) + ": " + std::to_string(row.fields.size()) +
                    " fields, expected " + std::to_string(table.header.size()) +
                    " as in the header");
    }
    table.rows.push_back(std::move(row));
    row = CsvRow();
  }
  return table;
}

CsvTable read_csv(const std::string& path, char separator) {
  return parse_csv(read_regular_file(path), path, separator);
}

}  // namespace recur::io
