#include "recur/data/tokenizer.h"

#include "recur/data/utf8.h"

namespace recur::data {
namespace {

// A code point with its place in the text.
struct TokenChar {
  char32_t cp;
  size_t begin, end;  // byte range
};

std::vector<TokenChar> token_chars(std::string_view text) {
  std::vector<TokenChar> out;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    const char32_t cp = next_code_point(text, pos);
    out.push_back({cp, begin, pos});
  }
  return out;
}

bool is_word_code_point(char32_t c) {
  return !is_space_code_point(c) && !is_punctuation_code_point(c);
}

bool is_word_joiner(char32_t c) { return c == U'\'' || c == U'\u2019' || c == U'-'; }

}  // namespace

bool is_space_code_point(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

bool is_punctuation_code_point(char32_t c) {
  if (c < 0x80) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
  }
  return c == 0xA1 || c == 0xA7 || c == 0xAB || c == 0xB6 || c == 0xB7 || c == 0xBB || c == 0xBF ||
         (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
         (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011);
}

std::vector<std::string> split_characters(std::string_view text) {
  std::vector<std::string> out;
  for (const TokenChar& c : token_chars(text)) {
    out.emplace_back(text.substr(c.begin, c.end - c.begin));
  }
  return out;
}

std::vector<std::string> split_words(std::string_view text) {
  const std::vector<TokenChar> chars = token_chars(text);
  std::vector<std::string> out;
  const auto word_at = [&](size_t i) {
    return i < chars.size() && is_word_code_point(chars[i].cp);
  };
  size_t i = 0;
  while (i < chars.size()) {
    const char32_t c = chars[i].cp;
    if (is_space_code_point(c)) {
      ++i;
    } else if (!is_word_code_point(c)) {
      out.emplace_back(text.substr(chars[i].begin, chars[i].end - chars[i].begin));
      ++i;
    } else {
      size_t j = i + 1;
      while (word_at(j) ||
             (j + 1 < chars.size() && is_word_joiner(chars[j].cp) && word_at(j + 1))) {
        ++j;
      }
      out.emplace_back(text.substr(chars[i].begin, chars[j - 1].end - chars[i].begin));
      i = j;
    }
  }
  return out;
}

}  // namespace recur::data
