// UTF-8 text as code points: for the token layer a character is a Unicode code point, not a byte,
// so "é" (2 bytes), "’" (3 bytes) and "😀" (4 bytes) are each one character.
//
// Invalid UTF-8 is REJECTED, never replaced: decoding stops with a ValueError naming the byte
// offset of the bad sequence ("invalid UTF-8 at byte offset 12: ..."). Replacing bad bytes with
// U+FFFD would let a Latin-1 or Windows-1252 file train silently on a different text (every "é"
// turned into "�"), and the vocabulary saved with the model would then disagree with the data a
// user thinks they gave it. Rejected are: a byte that never starts a character (0x80-0xBF alone,
// 0xF8-0xFF), a sequence cut short (at the end of the text or by a byte that does not continue
// it), an overlong form (0xC0 0xAF for '/'), a UTF-16 surrogate (U+D800-U+DFFF) and anything
// above U+10FFFF. No normalisation is applied: "é" precomposed (U+00E9) and "e" + U+0301 are
// different texts, as they are to PyTorch tokenisers that work on Python strings.
//
// Readers of files add the file, line and column with require_utf8_text(), which also refuses a
// NUL byte (valid UTF-8, but the mark of a UTF-16 or binary file):
//
//   std::u32string cps = data::decode_utf8("naïve");      // 5 code points
//   std::string back = data::encode_utf8(cps);             // "naïve" again
//   data::require_utf8_text(bytes, "names.csv");           // IoError "names.csv:17:4: ..."
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recur::data {

// Where and why a byte string stops being UTF-8.
struct Utf8Fault {
  size_t offset = 0;   // byte offset of the first byte of the bad sequence
  std::string reason;  // e.g. "overlong encoding (0xC0 0xAF)"
};

// The first invalid sequence in `bytes`, or nullopt when all of it is valid UTF-8.
std::optional<Utf8Fault> find_invalid_utf8(std::string_view bytes);

// Throws ValueError "invalid UTF-8 at byte offset N: <reason>" unless `bytes` is valid UTF-8.
void check_utf8(std::string_view bytes);

// The code point starting at bytes[pos], advancing pos past it; ValueError (with the byte offset)
// if the sequence there is invalid. For walking a text one character at a time without a copy.
char32_t next_code_point(std::string_view bytes, size_t& pos);

// All code points of `bytes`; ValueError as check_utf8.
std::u32string decode_utf8(std::string_view bytes);

// The number of code points in `bytes`; ValueError as check_utf8.
int64_t count_code_points(std::string_view bytes);

// UTF-8 of one code point appended to `out`; ValueError for a surrogate or a value above U+10FFFF.
void append_utf8(std::string& out, char32_t code_point);

// UTF-8 of a sequence of code points; ValueError naming the index of a surrogate or a value above
// U+10FFFF.
std::string encode_utf8(std::u32string_view code_points);

// "U+00E9 'é'" for messages; control characters and invalid values get only the number.
std::string describe_code_point(char32_t code_point);

// Line and column (both from 1) of a byte offset in a text, for messages. Lines end at LF, CRLF
// or a lone CR (as the CSV reader counts them); the column counts code points, so in "¿qué?" the
// 'é' is column 4. A UTF-8 byte-order mark at the start of the text is not counted. `text` must be
// valid UTF-8 up to `offset`.
struct TextPosition {
  int64_t line = 1;
  int64_t column = 1;
};
TextPosition text_position(std::string_view text, size_t offset);

// For readers of text files: throws IoError
//   "<source>:<line>:<column>: invalid UTF-8 (byte offset N): <reason>; ..."
// unless `text` is valid UTF-8 without NUL bytes.
void require_utf8_text(std::string_view text, const std::string& source);

}  // namespace recur::data
