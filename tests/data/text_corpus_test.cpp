#include "recur/data/text_corpus.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

std::string parse_error(const std::string& text) {
  return error_message<IoError>([&] { parse_text_corpus(text, "book.txt"); });
}

TEST(TextCorpus, ReadsTheShippedMobyDick) {
  const TextCorpus c = read_text_corpus(std::string(RECUR_SOURCE_DIR) + "/data/moby_dick.txt");
  // Facts stated in data/README.md.
  EXPECT_EQ(c.text.size(), 1204997u);
  EXPECT_EQ(c.characters, 1190317);
  EXPECT_EQ(c.lines, 21424);
  EXPECT_TRUE(c.text.starts_with("CHAPTER 1. Loomings.\n\nCall me Ishmael."));
  EXPECT_TRUE(c.text.ends_with("five thousand years ago.\n"));
}

TEST(TextCorpus, CountsCharactersNotBytesAndTidiesLineEnds) {
  // BOM removed; CRLF and a lone CR become LF; é, ’ and 😀 are one character each.
  const TextCorpus c = parse_text_corpus(
      "\xEF\xBB\xBF"
      "caf\xC3\xA9\r\nAhab\xE2\x80\x99s\r\xF0\x9F\x98\x80",
      "b.txt");
  EXPECT_EQ(c.text, "caf\xC3\xA9\nAhab\xE2\x80\x99s\n\xF0\x9F\x98\x80");
  EXPECT_EQ(c.characters, 4 + 1 + 6 + 1 + 1);
  EXPECT_EQ(c.lines, 3);
  EXPECT_EQ(c.source, "b.txt");
}

TEST(TextCorpus, ErrorsNameFileLineAndColumn) {
  EXPECT_TRUE(Contains(parse_error(""), "book.txt: the text is empty"));
  EXPECT_TRUE(Contains(parse_error("\xEF\xBB\xBF"), "book.txt: the text is empty"));
  EXPECT_TRUE(Contains(parse_error(" \n\t\r\n"), "book.txt: the text is empty (only whitespace)"));
  // Windows-1252 ’ (0x92) on line 2 after "Ahab".
  EXPECT_TRUE(Contains(parse_error("Call me Ishmael.\r\nAhab\x92s leg\n"),
                       "book.txt:2:5: invalid UTF-8 (byte offset 22): continuation byte 0x92 with "
                       "no lead byte before it; the file must be UTF-8 (invalid bytes are "
                       "rejected, not replaced)"));
  EXPECT_TRUE(Contains(parse_error("\xC3\xA9t\xC3\xA9 \xF0\x9F\x98"),
                       "book.txt:1:5: invalid UTF-8 (byte offset 6): truncated sequence (0xF0 0x9F "
                       "0x98 at the end of the text)"));
  EXPECT_TRUE(Contains(parse_error(std::string("\xFF\xFEH\0i\0", 6)),
                       "book.txt:1:1: invalid UTF-8 (byte offset 0): byte 0xFF never appears"));
  EXPECT_TRUE(Contains(error_message<IoError>([] { read_text_corpus("/nonexistent/book.txt"); }),
                       "/nonexistent/book.txt: cannot open"));
}

}  // namespace
}  // namespace recur::data
