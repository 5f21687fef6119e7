#include "recur/data/tokenizer.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using Tokens = std::vector<std::string>;

TEST(Tokenizer, CharactersAreCodePointsWithSpacesKept) {
  EXPECT_EQ(split_characters("n\xC3\xA9 \xF0\x9F\x98\x80\n"),
            (Tokens{"n", "\xC3\xA9", " ", "\xF0\x9F\x98\x80", "\n"}));
  EXPECT_TRUE(split_characters("").empty());
}

TEST(Tokenizer, WordsSplitOnWhitespaceAndKeepEachPunctuationMark) {
  EXPECT_EQ(split_words("Call me Ishmael. Some years ago\xE2\x80\x94never mind"),
            (Tokens{"Call", "me", "Ishmael", ".", "Some", "years", "ago", "\xE2\x80\x94", "never",
                    "mind"}));
  EXPECT_EQ(split_words("  \t\n"), Tokens{});
  EXPECT_EQ(split_words("Wait...\"no!\""), (Tokens{"Wait", ".", ".", ".", "\"", "no", "!", "\""}));
  // Non-breaking and ideographic spaces separate words too.
  EXPECT_EQ(split_words("a\xC2\xA0"
                        "b\xE3\x80\x80"
                        "c"),
            (Tokens{"a", "b", "c"}));
}

TEST(Tokenizer, ApostrophesAndHyphensInsideAWordStayInIt) {
  EXPECT_EQ(split_words("don't Ahab\xE2\x80\x99s sperm-whale"),
            (Tokens{"don't", "Ahab\xE2\x80\x99s", "sperm-whale"}));
  EXPECT_EQ(split_words("'tis the ships' -- end-"),
            (Tokens{"'", "tis", "the", "ships", "'", "-", "-", "end", "-"}));
}

TEST(Tokenizer, LettersOfAnyScriptDigitsAndEmojiAreWordCharacters) {
  EXPECT_EQ(
      split_words("caf\xC3\xA9, \xD0\xBC\xD0\xB8\xD1\x80 42\xF0\x9F\x98\x80 \xC2\xBFqu\xC3\xA9?"),
      (Tokens{"caf\xC3\xA9", ",", "\xD0\xBC\xD0\xB8\xD1\x80", "42\xF0\x9F\x98\x80", "\xC2\xBF",
              "qu\xC3\xA9", "?"}));
}

TEST(Tokenizer, InvalidUtf8IsRejectedWithItsOffset) {
  EXPECT_TRUE(recur::testing::Contains(
      recur::testing::error_message<ValueError>([] { split_words("ok \xE2\x80"); }),
      "invalid UTF-8 at byte offset 3"));
  EXPECT_TRUE(recur::testing::Contains(
      recur::testing::error_message<ValueError>([] { split_characters("\x80"); }),
      "invalid UTF-8 at byte offset 0"));
}

}  // namespace
}  // namespace recur::data
