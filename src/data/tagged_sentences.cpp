#include "recur/data/tagged_sentences.h"

#include <algorithm>
#include <set>
#include <utility>

#include "recur/data/utf8.h"
#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"
#include "tsv_lines.h"

namespace recur::data {
namespace {

class TaggedReader {
 public:
  TaggedReader(std::string_view text, const std::string& source, const TaggedSentencesOptions& o)
      : text_(text), source_(source), options_(o) {}

  TaggedSentences read() {
    TaggedSentences out;
    out.source = source_;
    TaggedSentence current;
    for_each_tsv_line(text_, [&](size_t begin, size_t end, int64_t line) {
      if (is_blank_tsv_line(text_.substr(begin, end - begin))) {
        if (!current.tokens.empty()) out.sentences.push_back(std::exchange(current, {}));
      } else {
        add_token(current, begin, end, line);
      }
    });
    if (!current.tokens.empty()) out.sentences.push_back(std::move(current));
    if (out.sentences.empty())
      throw IoError(source_ + ": no sentences (the file is empty or blank)");
    return out;
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& what) const {
    const TextPosition p = text_position(text_, offset);
    throw IoError(source_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
                  what);
  }

  void add_token(TaggedSentence& s, size_t begin, size_t end, int64_t line) {
    const std::vector<TsvField> fields = split_tsv_line(text_, begin, end);
    const int64_t needed = std::max(options_.token_column, options_.tag_column);
    if (static_cast<int64_t>(fields.size()) < needed) {
      const bool tag_missing = options_.tag_column > static_cast<int64_t>(fields.size());
      fail(end, std::to_string(fields.size()) + (fields.size() == 1 ? " column" : " columns") +
                    ", but the " + (tag_missing ? "tag" : "token") + " is column " +
                    std::to_string(tag_missing ? options_.tag_column : options_.token_column) +
                    " (columns are separated by tabs)");
    }
    const TsvField& token = fields[options_.token_column - 1];
    const TsvField& tag = fields[options_.tag_column - 1];
    if (token.text.empty()) {
      fail(token.offset, "empty token (column " + std::to_string(options_.token_column) + ")");
    }
    if (tag.text.empty()) {
      fail(tag.offset, "missing tag (column " + std::to_string(options_.tag_column) + ")");
    }
    if (s.tokens.empty()) s.line = line;
    s.tokens.emplace_back(token.text);
    s.tags.emplace_back(tag.text);
  }

  std::string_view text_;
  const std::string& source_;
  TaggedSentencesOptions options_;
};

}  // namespace

int64_t TaggedSentences::token_count() const {
  int64_t n = 0;
  for (const TaggedSentence& s : sentences) n += static_cast<int64_t>(s.tokens.size());
  return n;
}

std::vector<std::string> TaggedSentences::tags() const {
  std::set<std::string> distinct;
  for (const TaggedSentence& s : sentences) distinct.insert(s.tags.begin(), s.tags.end());
  return {distinct.begin(), distinct.end()};
}

std::vector<std::vector<std::string>> TaggedSentences::token_lists() const {
  std::vector<std::vector<std::string>> out;
  out.reserve(sentences.size());
  for (const TaggedSentence& s : sentences) out.push_back(s.tokens);
  return out;
}

TaggedSentences parse_tagged_sentences(std::string_view text, const std::string& source,
                                       const TaggedSentencesOptions& options) {
  for (const int64_t column : {options.token_column, options.tag_column}) {
    if (column < 1) {
      throw ValueError("tagged sentences: columns are counted from 1, got column " +
                       std::to_string(column));
    }
  }
  if (options.token_column == options.tag_column) {
    throw ValueError("tagged sentences: the token and the tag are the same column " +
                     std::to_string(options.tag_column));
  }
  require_utf8_text(text, source);
  return TaggedReader(text, source, options).read();
}

TaggedSentences read_tagged_sentences(const std::string& path,
                                      const TaggedSentencesOptions& options) {
  return parse_tagged_sentences(io::read_regular_file(path), path, options);
}

}  // namespace recur::data
