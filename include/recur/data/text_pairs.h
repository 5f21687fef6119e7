// Text pairs for sequence-to-sequence jobs (`recur seq2seq`): one pair a line, the source text, a
// tab, the target text, as in data/dates.tsv ("february 25th, 2035<TAB>2035-02-25") and the
// tab-separated exports of the Tatoeba / Anki sentence pairs. No header; blank lines (or lines of
// spaces) are skipped; spaces around a field are trimmed, spaces inside it kept.
//
//   data::TextPairs p = data::read_text_pairs("data/dates.tsv");
//   for (const data::TextPair& x : p.pairs) use(x.source, x.target, x.line);
//
// Line ends may be LF, CRLF or CR; a UTF-8 byte-order mark is skipped. The file must be UTF-8
// (invalid bytes are rejected, not replaced: utf8.h). Errors are IoError naming the file, the
// line and the column (counted in characters):
//   pairs.tsv: no pairs (the file is empty or blank)
//   pairs.tsv:17:12: no tab: a line holds source<TAB>target
//   pairs.tsv:17:9: 3 fields: a line holds source<TAB>target, one tab
//   pairs.tsv:17:1: empty source (field 1)
//   pairs.tsv:17:8: empty target (field 2)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recur::data {

struct TextPair {
  std::string source;
  std::string target;
  int64_t line = 0;  // from 1, for messages
};

struct TextPairs {
  std::string source;  // the file, for messages
  std::vector<TextPair> pairs;
};

TextPairs read_text_pairs(const std::string& path);
// The same from text in memory; `source` names it in messages.
TextPairs parse_text_pairs(std::string_view text, const std::string& source);

}  // namespace recur::data
