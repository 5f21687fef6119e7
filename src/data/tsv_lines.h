// The line and field splitting the tab-separated readers of this folder share
// (tagged_sentences.cpp, text_pairs.cpp): lines ended by LF, CRLF or CR after an optional UTF-8
// byte-order mark, and fields cut at tabs with the spaces around them trimmed, each remembering
// where it starts in the file so that errors can name the line and column. Private to src/data.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace recur::data {

// One tab-separated field of a line: its text (trimmed) and where it starts in the file.
struct TsvField {
  std::string_view text;
  size_t offset;
};

// The fields of text[begin, end).
inline std::vector<TsvField> split_tsv_line(std::string_view text, size_t begin, size_t end) {
  std::vector<TsvField> fields;
  size_t start = begin;
  while (true) {
    size_t stop = text.find('\t', start);
    if (stop == std::string_view::npos || stop > end) stop = end;
    size_t a = start, b = stop;
    while (a < b && text[a] == ' ') ++a;
    while (b > a && text[b - 1] == ' ') --b;
    fields.push_back({text.substr(a, b - a), a < b ? a : start});  // an empty one: where it starts
    if (stop == end) return fields;
    start = stop + 1;
  }
}

inline bool is_blank_tsv_line(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Calls on_line(begin, end, line) for every line of `text`: [begin, end) is the line without its
// end, `line` counts from 1.
template <class OnLine>
void for_each_tsv_line(std::string_view text, OnLine&& on_line) {
  size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  int64_t line = 1;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    on_line(pos, end, line);
    pos = end == text.size() ? end : end + (text.substr(end, 2) == "\r\n" ? 2 : 1);
    ++line;
  }
}

}  // namespace recur::data
