#include "recur/data/text_pairs.h"

#include "recur/data/utf8.h"
#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"
#include "tsv_lines.h"

namespace recur::data {
namespace {

[[noreturn]] void pair_error(std::string_view text, const std::string& source, size_t offset,
                             const std::string& what) {
  const TextPosition p = text_position(text, offset);
  throw IoError(source + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
                what);
}

TextPair read_pair(std::string_view text, const std::string& source, size_t begin, size_t end,
                   int64_t line) {
  const std::vector<TsvField> fields = split_tsv_line(text, begin, end);
  if (fields.size() == 1) {
    pair_error(text, source, end, "no tab: a line holds source<TAB>target");
  }
  if (fields.size() > 2) {
    // The column of the second tab: where the extra field begins.
    const size_t second_tab = text.find('\t', text.find('\t', begin) + 1);
    pair_error(text, source, second_tab,
               std::to_string(fields.size()) + " fields: a line holds source<TAB>target, one tab");
  }
  if (fields[0].text.empty()) pair_error(text, source, fields[0].offset, "empty source (field 1)");
  if (fields[1].text.empty()) pair_error(text, source, fields[1].offset, "empty target (field 2)");
  return {std::string(fields[0].text), std::string(fields[1].text), line};
}

}  // namespace

TextPairs parse_text_pairs(std::string_view text, const std::string& source) {
  require_utf8_text(text, source);
  TextPairs out{.source = source, .pairs = {}};
  for_each_tsv_line(text, [&](size_t begin, size_t end, int64_t line) {
    if (!is_blank_tsv_line(text.substr(begin, end - begin))) {
      out.pairs.push_back(read_pair(text, source, begin, end, line));
    }
  });
  if (out.pairs.empty()) throw IoError(source + ": no pairs (the file is empty or blank)");
  return out;
}

TextPairs read_text_pairs(const std::string& path) {
  return parse_text_pairs(io::read_regular_file(path), path);
}

}  // namespace recur::data
