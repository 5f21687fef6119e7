// Splitting UTF-8 text into tokens, the two ways a Vocabulary (vocabulary.h) can:
//
// Characters: one token per code point (utf8.h), so "née😀" is 4 tokens: n, é, e, 😀. Nothing
// is dropped: spaces and line breaks are characters too.
//
// Words: whitespace separates tokens and is dropped; punctuation is kept, one token per
// punctuation character; every other run of characters is a word:
//   "Call me Ishmael. Some years ago—never mind how long" ->
//   Call | me | Ishmael | . | Some | years | ago | — | never | mind | how | long
// An apostrophe (' or ’) or a hyphen (-) standing BETWEEN two word characters belongs to the
// word, so "don't", "Ahab’s" and "sperm-whale" are one token each, while "'tis", "ships'" and
// "--" split off their marks. The classes, exactly:
//   whitespace:  U+0009-U+000D, U+001C-U+0020, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
//                U+2029, U+202F, U+205F, U+3000 (what Python's str.split() splits on);
//   punctuation: ASCII punctuation and symbols (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~), ¡ § « ¶ · » ¿,
//                General Punctuation U+2010-U+2027 and U+2030-U+205E (dashes, quotes ‘ ’ “ ”,
//                …, ‰), CJK U+3001-U+3003 and U+3008-U+3011;
//   word:        anything else: letters of any script, digits, other symbols, emoji.
// Invalid UTF-8 throws ValueError with the byte offset (rejected, not replaced).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace recur::data {

std::vector<std::string> split_characters(std::string_view text);
std::vector<std::string> split_words(std::string_view text);

bool is_space_code_point(char32_t code_point);
bool is_punctuation_code_point(char32_t code_point);

}  // namespace recur::data
