#include "recur/data/utf8.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

TEST(Utf8, DecodesACharacterPerCodePointNotPerByte) {
  // n (1 byte), é (2), ’ (3), 😀 (4)
  const std::string text = "n\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80";
  ASSERT_EQ(text.size(), 10u);
  EXPECT_EQ(decode_utf8(text), (std::u32string{U'n', U'\u00E9', U'\u2019', U'\U0001F600'}));
  EXPECT_EQ(count_code_points(text), 4);
  EXPECT_EQ(encode_utf8(decode_utf8(text)), text);
}

TEST(Utf8, EncodesEveryLengthBoundaryAndDecodesItBack) {
  const std::u32string cps = {0x0,    0x7F,   0x80,   0x7FF,   0x800,   0xD7FF,
                              0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
  const std::string bytes = encode_utf8(cps);
  EXPECT_EQ(bytes.size(), 1 + 1 + 2 + 2 + 3 + 3 + 3 + 3 + 3 + 4 + 4 + 4u);
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(decode_utf8(bytes), cps);
}

TEST(Utf8, WalksOneCodePointAtATime) {
  const std::string text = "a\xC3\xA9z";
  size_t pos = 0;
  EXPECT_EQ(next_code_point(text, pos), U'a');
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(next_code_point(text, pos), U'\u00E9');
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(next_code_point(text, pos), U'z');
  EXPECT_EQ(pos, 4u);
}

struct BadUtf8 {
  std::string bytes;
  size_t offset;
  std::string reason;
};

TEST(Utf8, RejectsEveryKindOfInvalidSequenceNamingTheByteOffset) {
  const std::vector<BadUtf8> cases = {
      {"ab\x80", 2, "continuation byte 0x80 with no lead byte"},
      {"ok \xFF", 3, "byte 0xFF never appears in UTF-8"},
      {"\xF8\x88\x80\x80\x80", 0, "byte 0xF8 never appears"},
      {"x\xC3", 1, "truncated sequence (0xC3 at the end of the text)"},
      {"\xE2\x80", 0, "truncated sequence (0xE2 0x80 at the end of the text)"},
      {"caf\xC3(", 3, "truncated sequence (0xC3 0x28: the last byte does not continue it)"},
      {"\xF0\x9F\x98 ", 0, "truncated sequence (0xF0 0x9F 0x98 0x20"},
      {"\xC0\xAF", 0, "overlong encoding (0xC0 0xAF)"},
      {"\xC1\xBF", 0, "overlong encoding (0xC1 0xBF)"},
      {"\xE0\x80\xAF", 0, "overlong encoding (0xE0 0x80 0xAF)"},
      {"\xF0\x80\x80\xAF", 0, "overlong encoding"},
      {"a\xED\xA0\x80", 1, "UTF-16 surrogate U+D800 (0xED 0xA0 0x80)"},
      {"\xED\xBF\xBF", 0, "UTF-16 surrogate U+DFFF"},
      {"\xF4\x90\x80\x80", 0, "value above U+10FFFF (0xF4 0x90 0x80 0x80)"},
      {"\xF5\x80\x80\x80", 0, "value above U+10FFFF"},
  };
  for (const BadUtf8& c : cases) {
    SCOPED_TRACE(c.reason);
    const auto fault = find_invalid_utf8(c.bytes);
    ASSERT_TRUE(fault.has_value());
    EXPECT_EQ(fault->offset, c.offset);
    EXPECT_TRUE(Contains(fault->reason, c.reason));
    const std::string at = "invalid UTF-8 at byte offset " + std::to_string(c.offset) + ": ";
    EXPECT_TRUE(Contains(error_message<ValueError>([&] { decode_utf8(c.bytes); }), at + c.reason));
    EXPECT_TRUE(Contains(error_message<ValueError>([&] { check_utf8(c.bytes); }), at + c.reason));
    EXPECT_TRUE(Contains(error_message<ValueError>([&] { count_code_points(c.bytes); }), at));
  }
}

TEST(Utf8, AcceptsValidTextIncludingTheLargestCodePoint) {
  EXPECT_FALSE(find_invalid_utf8("").has_value());
  EXPECT_FALSE(find_invalid_utf8("plain ASCII\n").has_value());
  EXPECT_FALSE(find_invalid_utf8("\xEF\xBB\xBF\xC3\xA9\xE2\x80\x99\xF4\x8F\xBF\xBF").has_value());
  EXPECT_NO_THROW(check_utf8("\xED\x9F\xBF"));  // U+D7FF, just below the surrogates
}

TEST(Utf8, EncodingRefusesSurrogatesAndValuesAboveTheLastCodePoint) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] { encode_utf8(U"a\xD800"); }),
                       "code point 1: cannot encode U+D800 as UTF-8: a UTF-16 surrogate"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         std::u32string s = {U'a', U'b', char32_t{0x110000}};
                         encode_utf8(s);
                       }),
                       "code point 2: cannot encode U+110000 as UTF-8: above U+10FFFF"));
}

TEST(Utf8, DescribesCodePointsForMessages) {
  EXPECT_EQ(describe_code_point(U'\u00E9'), "U+00E9 '\xC3\xA9'");
  EXPECT_EQ(describe_code_point(U'\U0001F600'), "U+1F600 '\xF0\x9F\x98\x80'");
  EXPECT_EQ(describe_code_point(U'\n'), "U+000A");
  EXPECT_EQ(describe_code_point(0xD800), "U+D800");
}

TEST(Utf8, PositionsCountLinesAndCharacters) {
  // Lines end at LF, CRLF and a lone CR; columns count code points; a BOM is not a column.
  const std::string text =
      "\xEF\xBB\xBF"
      "ab\nc\xC3\xA9\xF0\x9F\x98\x80z\r\nxy\rq";
  const auto at = [&](size_t offset) {
    const TextPosition p = text_position(text, offset);
    return std::to_string(p.line) + ":" + std::to_string(p.column);
  };
  EXPECT_EQ(at(3), "1:1");  // a
  EXPECT_EQ(at(4), "1:2");  // b
  EXPECT_EQ(at(text.find('c')), "2:1");
  EXPECT_EQ(at(text.find('\xC3')), "2:2");  // é
  EXPECT_EQ(at(text.find('\xF0')), "2:3");  // 😀
  EXPECT_EQ(at(text.find('z')), "2:4");
  EXPECT_EQ(at(text.find('x')), "3:1");
  EXPECT_EQ(at(text.find('q')), "4:1");
}

TEST(Utf8, FileTextErrorsNameFileLineAndColumn) {
  // The bad byte is the 3rd character of line 2 ("n", "é", then 0xFF).
  const std::string bad = "ok\nn\xC3\xA9\xFF";
  EXPECT_TRUE(Contains(error_message<IoError>([&] { require_utf8_text(bad, "f.txt"); }),
                       "f.txt:2:3: invalid UTF-8 (byte offset 6): byte 0xFF never appears in "
                       "UTF-8; the file must be UTF-8 (invalid bytes are rejected, not replaced)"));
  const std::string nul("a\0b", 3);
  EXPECT_TRUE(Contains(error_message<IoError>([&] { require_utf8_text(nul, "f.txt"); }),
                       "f.txt:1:2: a NUL byte (byte offset 1): the file looks UTF-16"));
  EXPECT_NO_THROW(require_utf8_text("caf\xC3\xA9\n", "f.txt"));
}

}  // namespace
}  // namespace recur::data
