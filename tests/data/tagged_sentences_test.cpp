#include "recur/data/tagged_sentences.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;
using Strings = std::vector<std::string>;

std::string brown() { return std::string(RECUR_SOURCE_DIR) + "/data/brown_news_pos.tsv"; }

std::string parse_error(const std::string& text, const TaggedSentencesOptions& o = {}) {
  return error_message<IoError>([&] { parse_tagged_sentences(text, "tags.tsv", o); });
}

TEST(TaggedSentences, ReadsTheShippedBrownNewsCorpus) {
  const TaggedSentences full = read_tagged_sentences(brown());
  // Facts stated in data/README.md.
  EXPECT_EQ(full.sentences.size(), 4623u);
  EXPECT_EQ(full.token_count(), 100554);
  EXPECT_EQ(full.tags().size(), 218u);
  const TaggedSentence& first = full.sentences.front();
  ASSERT_EQ(first.tokens.size(), 25u);
  EXPECT_EQ(first.line, 1);
  EXPECT_EQ(Strings(first.tokens.begin(), first.tokens.begin() + 3),
            (Strings{"The", "Fulton", "County"}));
  EXPECT_EQ(Strings(first.tags.begin(), first.tags.begin() + 3), (Strings{"at", "np-tl", "nn-tl"}));
  EXPECT_EQ(full.sentences[1].line, 27);
  EXPECT_EQ(full.sentences.back().tokens.back(), "!");
  EXPECT_EQ(full.sentences.back().tags.back(), ".");

  const TaggedSentences coarse = read_tagged_sentences(brown(), {.tag_column = 3});
  EXPECT_EQ(coarse.tags().size(), 117u);
  EXPECT_EQ(Strings(coarse.sentences[0].tags.begin(), coarse.sentences[0].tags.begin() + 3),
            (Strings{"at", "np", "nn"}));
  EXPECT_EQ(coarse.token_lists().size(), 4623u);
}

TEST(TaggedSentences, BlankLinesSeparateSentencesWhateverTheLineEnds) {
  // CRLF, a lone CR, several blank lines, a blank line of spaces, a BOM, no final newline, spaces
  // around fields, extra columns, multi-byte tokens.
  const std::string text =
      "\xEF\xBB\xBF"
      "Caf\xC3\xA9\tNOUN\tx\r\n"
      "ol\xC3\xA9 \t INTJ\r\n\r\n\r\n"
      "\xF0\x9F\x98\x80\tSYM\r"
      "   \n"
      "Ahab\xE2\x80\x99s\tPROPN";
  const TaggedSentences s = parse_tagged_sentences(text, "tags.tsv");
  ASSERT_EQ(s.sentences.size(), 3u);
  EXPECT_EQ(s.sentences[0].tokens, (Strings{"Caf\xC3\xA9", "ol\xC3\xA9"}));
  EXPECT_EQ(s.sentences[0].tags, (Strings{"NOUN", "INTJ"}));
  EXPECT_EQ(s.sentences[1].tokens, (Strings{"\xF0\x9F\x98\x80"}));
  EXPECT_EQ(s.sentences[1].line, 5);
  EXPECT_EQ(s.sentences[2].tokens, (Strings{"Ahab\xE2\x80\x99s"}));
  EXPECT_EQ(s.sentences[2].line, 7);
  EXPECT_EQ(s.tags(), (Strings{"INTJ", "NOUN", "PROPN", "SYM"}));
}

TEST(TaggedSentences, ColumnsArePickedByNumberFromOne) {
  const TaggedSentences s =
      parse_tagged_sentences("NN\tdog\nVB\truns\n", "t.tsv", {.token_column = 2, .tag_column = 1});
  EXPECT_EQ(s.sentences[0].tokens, (Strings{"dog", "runs"}));
  EXPECT_EQ(s.sentences[0].tags, (Strings{"NN", "VB"}));
  EXPECT_TRUE(Contains(error_message<ValueError>(
                           [] { parse_tagged_sentences("a\tb\n", "t.tsv", {.tag_column = 0}); }),
                       "columns are counted from 1, got column 0"));
  EXPECT_TRUE(Contains(error_message<ValueError>(
                           [] { parse_tagged_sentences("a\tb\n", "t.tsv", {.tag_column = 1}); }),
                       "the token and the tag are the same column 1"));
}

TEST(TaggedSentences, ErrorsNameFileLineAndColumn) {
  EXPECT_TRUE(Contains(parse_error(""), "tags.tsv: no sentences (the file is empty or blank)"));
  EXPECT_TRUE(Contains(parse_error("\n  \n\n"), "tags.tsv: no sentences"));
  // Line 3 has one column: "dog NN" separated by a space, not a tab; column 7 is its end.
  EXPECT_TRUE(Contains(parse_error("The\tDT\n\ndog NN\n", {.tag_column = 2}),
                       "tags.tsv:3:7: 1 column, but the tag is column 2 (columns are separated by "
                       "tabs)"));
  EXPECT_TRUE(Contains(parse_error("The\tDT\tDT\nd\xC3\xA9j\xC3\xA0\tRB\n", {.tag_column = 3}),
                       "tags.tsv:2:8: 2 columns, but the tag is column 3"));
  EXPECT_TRUE(Contains(parse_error("The\tDT\n\tNN\n"), "tags.tsv:2:1: empty token (column 1)"));
  EXPECT_TRUE(Contains(parse_error("The\tDT\n\xC3\xA9t\xC3\xA9\t \n"),
                       "tags.tsv:2:5: missing tag (column 2)"));
}

TEST(TaggedSentences, InvalidUtf8IsRejectedWithLineAndColumn) {
  EXPECT_TRUE(Contains(parse_error("The\tDT\n\nna\xEFve\tJJ\n"),
                       "tags.tsv:3:3: invalid UTF-8 (byte offset 10): truncated sequence"));
  EXPECT_TRUE(Contains(parse_error(std::string("T\0h\0e\0\t\0", 8)), "tags.tsv:1:2: a NUL byte"));
}

TEST(TaggedSentences, MissingFileIsAnIoErrorNamingIt) {
  EXPECT_TRUE(Contains(error_message<IoError>([] { read_tagged_sentences("/nonexistent/t.tsv"); }),
                       "/nonexistent/t.tsv: cannot open"));
}

}  // namespace
}  // namespace recur::data
