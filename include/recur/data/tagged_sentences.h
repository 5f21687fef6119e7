// Tagged sentences for sequence tagging (many-to-many), in the CoNLL style: one token per line,
// tab-separated columns, a blank line (or only spaces) between sentences. The shipped
// data/brown_news_pos.tsv has three columns: token, full Brown tag, simplified tag; the options
// pick which column is the token and which the tag. Columns are counted from 1, as in `cut -f`
// and in the error messages. Extra columns are ignored; spaces around a field are trimmed.
//
//   data::TaggedSentences s = data::read_tagged_sentences("data/brown_news_pos.tsv",
//                                                         {.tag_column = 3});
//   for (const data::TaggedSentence& x : s.sentences) use(x.tokens, x.tags, x.line);
//
// Line ends may be LF, CRLF or CR; a UTF-8 byte-order mark is skipped. The file must be UTF-8
// (invalid bytes are rejected, not replaced: utf8.h). Errors are IoError naming the file, the
// line and the column (counted in characters):
//   tags.tsv: no sentences (the file is empty or blank)
//   tags.tsv:17:9: 2 columns, but the tag is column 3 (columns are separated by tabs)
//   tags.tsv:17:1: empty token (column 1)
//   tags.tsv:17:6: missing tag (column 2)
//   tags.tsv:17:5: invalid UTF-8 (byte offset 431): ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recur::data {

struct TaggedSentencesOptions {
  int64_t token_column = 1;  // from 1
  int64_t tag_column = 2;    // from 1
};

struct TaggedSentence {
  std::vector<std::string> tokens;
  std::vector<std::string> tags;  // tags[i] belongs to tokens[i]
  int64_t line = 0;               // the line of the first token
};

struct TaggedSentences {
  std::string source;  // the file, for messages
  std::vector<TaggedSentence> sentences;

  int64_t token_count() const;
  // The distinct tags, sorted by their UTF-8 bytes.
  std::vector<std::string> tags() const;
  // The tokens of every sentence (for Vocabulary::build_from_tokens).
  std::vector<std::vector<std::string>> token_lists() const;
};

TaggedSentences read_tagged_sentences(const std::string& path,
                                      const TaggedSentencesOptions& options = {});
// The same from text in memory; `source` names it in messages.
TaggedSentences parse_tagged_sentences(std::string_view text, const std::string& source,
                                       const TaggedSentencesOptions& options = {});

}  // namespace recur::data
