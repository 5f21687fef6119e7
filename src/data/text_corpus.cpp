#include "recur/data/text_corpus.h"

#include "recur/data/tokenizer.h"
#include "recur/data/utf8.h"
#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

std::string with_lf_line_ends(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out.push_back(text[i]);
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      out.push_back('\n');  // a lone CR; a CRLF's CR is dropped, its LF kept
    }
  }
  return out;
}

}  // namespace

TextCorpus parse_text_corpus(std::string_view text, const std::string& source) {
  require_utf8_text(text, source);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  TextCorpus out;
  out.source = source;
  out.text = with_lf_line_ends(text);
  bool blank = true;
  for (size_t pos = 0; pos < out.text.size();) {
    const char32_t cp = next_code_point(out.text, pos);
    ++out.characters;
    if (cp == U'\n') ++out.lines;
    blank = blank && is_space_code_point(cp);
  }
  if (!out.text.empty() && out.text.back() != '\n') ++out.lines;
  if (out.text.empty()) throw IoError(source + ": the text is empty");
  if (blank) throw IoError(source + ": the text is empty (only whitespace)");
  return out;
}

TextCorpus read_text_corpus(const std::string& path) {
  return parse_text_corpus(io::read_regular_file(path), path);
}

}  // namespace recur::data
