#include "recur/data/vocabulary.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;
using recur::testing::TempDir;
using Tokens = std::vector<std::string>;
using Ids = std::vector<int64_t>;
using json = nlohmann::json;

const std::string kE = "\xC3\xA9";              // é
const std::string kQuote = "\xE2\x80\x99";      // ’
const std::string kSmile = "\xF0\x9F\x98\x80";  // 😀

VocabularyOptions chars(int64_t min_frequency = 1, int64_t max_size = 0, bool lowercase = false) {
  return {.level = TokenLevel::kChar,
          .min_frequency = min_frequency,
          .max_size = max_size,
          .lowercase = lowercase};
}
VocabularyOptions words(bool lowercase = false) {
  return {.level = TokenLevel::kWord, .lowercase = lowercase};
}

TEST(Vocabulary, SpecialTokensHaveFixedIds) {
  const Vocabulary v = Vocabulary::build({"ab"}, chars());
  EXPECT_EQ(Vocabulary::kPad, 0);
  EXPECT_EQ(Vocabulary::kUnk, 1);
  EXPECT_EQ(Vocabulary::kBos, 2);
  EXPECT_EQ(Vocabulary::kEos, 3);
  EXPECT_EQ(Tokens(v.tokens().begin(), v.tokens().begin() + 4),
            (Tokens{"<pad>", "<unk>", "<bos>", "<eos>"}));
  EXPECT_EQ(v.token(Vocabulary::kUnk), "<unk>");
  EXPECT_EQ(v.size(), 6);
}

TEST(Vocabulary, OrdersByCountThenByCodePointWhateverTheTextOrder) {
  // a:3, c:2, then the ties at 1 by code point: Z (U+005A) < b (U+0062) < é (U+00E9); not by
  // first appearance (b, é, Z).
  const Vocabulary v = Vocabulary::build({"cab", "a" + kE + "Zca"}, chars());
  EXPECT_EQ(Tokens(v.tokens().begin() + 4, v.tokens().end()), (Tokens{"a", "c", "Z", "b", kE}));
  EXPECT_EQ(Ids(v.counts().begin() + 4, v.counts().end()), (Ids{3, 2, 1, 1, 1}));
  // The same multiset of texts in another order gives the same vocabulary.
  EXPECT_EQ(Vocabulary::build({"a" + kE + "Zca", "cab"}, chars()), v);
}

TEST(Vocabulary, MinimumFrequencyAndMaximumSize) {
  const std::vector<std::string> texts = {"aaaabbbcc d"};
  EXPECT_EQ(Vocabulary::build(texts, chars(2)).tokens().back(), "c");
  EXPECT_EQ(Vocabulary::build(texts, chars(2)).size(), 4 + 3);
  const Vocabulary capped = Vocabulary::build(texts, chars(1, 6));
  EXPECT_EQ(capped.size(), 6);  // max_size counts the four specials
  EXPECT_EQ(Tokens(capped.tokens().begin() + 4, capped.tokens().end()), (Tokens{"a", "b"}));
  EXPECT_EQ(capped.encode("abcd").ids, (Ids{4, 5, Vocabulary::kUnk, Vocabulary::kUnk}));
  EXPECT_EQ(Vocabulary::build(texts, chars(1, 4)).size(), 4);
}

TEST(Vocabulary, CharactersAreCodePoints) {
  const std::string text = "n" + kE + kQuote + kSmile + kE;
  const Vocabulary v = Vocabulary::build({text}, chars());
  EXPECT_EQ(v.size(), 4 + 4);
  EXPECT_EQ(v.tokens()[4], kE);  // seen twice
  const Encoded e = v.encode(text);
  ASSERT_EQ(e.ids.size(), 5u);
  EXPECT_EQ(e.ids[1], e.ids[4]);
  EXPECT_EQ(e.unknown, 0);
  EXPECT_EQ(v.decode(e.ids), text);
  EXPECT_EQ(v.id(kSmile), v.encode(kSmile).ids.at(0));
}

TEST(Vocabulary, UnknownTokensMapToUnkAndAreCounted) {
  const Vocabulary v = Vocabulary::build({"abc"}, chars());
  const Encoded e = v.encode("a" + kSmile + "xa" + kSmile);
  EXPECT_EQ(e.ids, (Ids{v.id("a"), 1, 1, v.id("a"), 1}));
  EXPECT_EQ(e.unknown, 3);
  EXPECT_EQ(e.first_unknown, kSmile);
  EXPECT_EQ(v.encode("").ids, Ids{});
}

TEST(Vocabulary, DecodeDropsPaddingAndMarkersAndShowsUnknownAsReplacementCharacter) {
  const Vocabulary v = Vocabulary::build({"hi"}, chars());
  const Ids ids = {Vocabulary::kBos, v.id("h"),        Vocabulary::kUnk, v.id("i"),
                   Vocabulary::kEos, Vocabulary::kPad, Vocabulary::kPad};
  EXPECT_EQ(v.decode(ids), "h\xEF\xBF\xBDi");
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         v.decode(Ids{4, 6});
                       }),
                       "ids[1]: token id 6 is outside the vocabulary (ids 0..5)"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([&] { v.decode(Ids{-1}); }), "ids[0]: token id -1"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { v.token(99); }), "token id 99"));
}

TEST(Vocabulary, WordLevelKeepsPunctuationAndFoldsCaseWhenAsked) {
  const Vocabulary v = Vocabulary::build({"Call me Ishmael.", "call ME"}, words(true));
  EXPECT_EQ(Tokens(v.tokens().begin() + 4, v.tokens().end()),
            (Tokens{"call", "me", ".", "ishmael"}));
  const Encoded e = v.encode("CALL me, Ahab.");
  EXPECT_EQ(e.ids, (Ids{4, 5, Vocabulary::kUnk, Vocabulary::kUnk, 6}));
  EXPECT_EQ(e.unknown, 2);
  EXPECT_EQ(e.first_unknown, ",");
  EXPECT_EQ(v.decode(e.ids), "call me \xEF\xBF\xBD \xEF\xBF\xBD .");
  // Without folding, case matters.
  const Vocabulary exact = Vocabulary::build({"Call call"}, words());
  EXPECT_EQ(exact.size(), 4 + 2);
  EXPECT_EQ(exact.encode("CALL").unknown, 1);
}

TEST(Vocabulary, CaseFoldingCoversAccentedCapitals) {
  const Vocabulary v = Vocabulary::build({"\xC3\x89"
                                          "COLE"},
                                         chars(1, 0, true));  // ÉCOLE
  EXPECT_EQ(v.tokenize("\xC3\x89"
                       "c"),
            (Tokens{kE, "c"}));
  EXPECT_EQ(v.encode("\xC3\xA9"
                     "cole")
                .unknown,
            0);
  EXPECT_EQ(v.decode(v.encode("\xC3\x89"
                              "COLE")
                         .ids),
            kE + "cole");
}

TEST(Vocabulary, PreTokenizedSentencesTakeEachTokenWhole) {
  const Vocabulary v =
      Vocabulary::build_from_tokens({{"The", "<unk>", "don't"}, {"the", "``"}}, words(true));
  EXPECT_EQ(Tokens(v.tokens().begin() + 4, v.tokens().end()),
            (Tokens{"the", "<unk>", "``", "don't"}));
  // A literal "<unk>" token is ordinary text, not the special id 1.
  EXPECT_EQ(v.id("<unk>"), 5);
  const Encoded e = v.encode_tokens({"THE", "<unk>", "cat", "don't"});
  EXPECT_EQ(e.ids, (Ids{4, 5, Vocabulary::kUnk, 7}));
  EXPECT_EQ(e.unknown, 1);
  EXPECT_EQ(e.first_unknown, "cat");
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         Vocabulary::build_from_tokens({{"a"}, {"b", ""}}, words());
                       }),
                       "sentences[1][1]: empty token"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([] { Vocabulary::build_from_tokens({{"a\xFF"}}, words()); }),
      "sentences[0][0]: invalid UTF-8 at byte offset 1"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { Vocabulary::build_from_tokens({{"a"}}, chars()); }),
               "level 'word'"));
}

TEST(Vocabulary, RejectsInvalidUtf8AndBadOptions) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         Vocabulary::build({"ok", "b\xC3("}, chars());
                       }),
                       "texts[1]: invalid UTF-8 at byte offset 1: truncated sequence"));
  const Vocabulary v = Vocabulary::build({"ab"}, words());
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { v.encode("a \xED\xA0\x80"); }),
                       "invalid UTF-8 at byte offset 2: UTF-16 surrogate"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] { Vocabulary::build({"a"}, chars(0)); }),
                       "min_frequency must be at least 1, got 0"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] { Vocabulary::build({"a"}, chars(1, 3)); }),
                       "max_size must be 0 (no limit) or at least 4"));
  EXPECT_EQ(parse_token_level("word"), TokenLevel::kWord);
  EXPECT_TRUE(Contains(error_message<ValueError>([] { parse_token_level("byte"); }),
                       "'char' or 'word', got 'byte'"));
}

TEST(Vocabulary, SavesAndLoadsBackExactly) {
  TempDir dir;
  const std::string path = dir.file(kVocabularyFile);
  // Characters JSON must escape (quote, backslash, newline, tab) and multi-byte ones.
  const Vocabulary v = Vocabulary::build({"say \"hi\"\\\n\t" + kE + kQuote + kSmile, "<unk> a a"},
                                         chars(1, 0, true));
  v.save(path);
  const Vocabulary back = Vocabulary::load(path);
  EXPECT_EQ(back, v);
  EXPECT_EQ(back.tokens(), v.tokens());
  EXPECT_EQ(back.counts(), v.counts());
  EXPECT_TRUE(back.lowercase());
  const std::string text = "say " + kSmile + "\n";
  EXPECT_EQ(back.encode(text).ids, v.encode(text).ids);
  // Saving what was loaded writes the same bytes: nothing drifts across runs.
  const std::string first = testing::file_bytes(path);
  back.save(dir.file("again.json"));
  EXPECT_EQ(testing::file_bytes(dir.file("again.json")), first);
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            2);

  const Vocabulary w =
      Vocabulary::build({"Call me Ishmael. Call me!"},
                        {.level = TokenLevel::kWord, .min_frequency = 2, .max_size = 10});
  w.save(path);
  EXPECT_EQ(Vocabulary::load(path), w);
  EXPECT_EQ(Vocabulary::load(path).options().max_size, 10);
  EXPECT_EQ(Vocabulary::load(path).options().min_frequency, 2);
}

// A saved vocabulary with one field changed; the load error must name the file and the field.
class VocabularyLoad : public ::testing::Test {
 protected:
  std::string load_error(const std::function<void(json&)>& edit) {
    json j = Vocabulary::build({"abca"}, chars(1, 0, true)).to_json();
    edit(j);
    const std::string path = dir_.file("vocabulary.json");
    std::ofstream(path) << j.dump();
    return error_message<ValueError>([&] { Vocabulary::load(path); });
  }
  std::string path() const { return dir_.file("vocabulary.json"); }
  TempDir dir_;
};

TEST_F(VocabularyLoad, NamesTheFileAndTheFieldOfEveryBadValue) {
  struct Case {
    std::function<void(json&)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](json& j) { j.erase("tokens"); }, "field 'tokens' is missing"},
      {[](json& j) { j.erase("level"); }, "field 'level' is missing"},
      {[](json& j) { j["format"] = "recur-checkpoint"; },
       "field 'format' must be 'recur-vocabulary'"},
      {[](json& j) { j["version"] = 2; },
       "field 'version' must be a whole number in [1, 1], got 2"},
      {[](json& j) { j["level"] = "byte"; }, "field 'level': token level must be 'char' or 'word'"},
      {[](json& j) { j["level"] = 3; }, "field 'level' must be a string"},
      {[](json& j) { j["lowercase"] = "yes"; }, "field 'lowercase' must be true or false"},
      {[](json& j) { j["min_frequency"] = 0; }, "field 'min_frequency' must be a whole number"},
      {[](json& j) { j["max_size"] = -1; }, "field 'max_size' must be a whole number"},
      {[](json& j) { j["max_size"] = 2; }, "max_size must be 0 (no limit) or at least 4"},
      {[](json& j) { j["max_size"] = 5; }, "field 'tokens' has 3 entries, more than max_size 5"},
      {[](json& j) {
         j["specials"] = {"<unk>", "<pad>", "<bos>", "<eos>"};
       },
       "field 'specials' must be [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"]"},
      {[](json& j) {
         j["tokens"] = {"a", 1, "c"};
       },
       "field 'tokens' must be an array of strings"},
      {[](json& j) {
         j["tokens"] = {"a", "b", "a"};
       },
       "field 'tokens' entry 2 'a' repeats entry 0"},
      {[](json& j) {
         j["tokens"] = {"a", "bc", "d"};
       },
       "field 'tokens' entry 1 'bc' is not one character in a char-level vocabulary"},
      {[](json& j) {
         j["tokens"] = {"a", "", "d"};
       },
       "field 'tokens' entry 1 is empty"},
      {[](json& j) {
         j["tokens"] = {"a", "B", "d"};
       },
       "field 'tokens' entry 1 'B' is not folded, but the vocabulary folds case"},
      {[](json& j) {
         j["counts"] = {2, 1};
       },
       "field 'counts' has 2 entries, 'tokens' has 3"},
      {[](json& j) {
         j["counts"] = {2, 1, 0};
       },
       "field 'counts' entry 2 must be a whole number"},
      {[](json& j) {
         j["counts"] = {2, 1.5, 1};
       },
       "field 'counts' entry 1 must be a whole number"},
      {[](json& j) { j["counts"] = "many"; }, "field 'counts' must be an array of whole numbers"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    const std::string message = load_error(c.edit);
    EXPECT_TRUE(Contains(message, path() + ": "));
    EXPECT_TRUE(Contains(message, c.message));
  }
}

TEST_F(VocabularyLoad, RefusesFilesThatAreNotVocabularies) {
  std::ofstream(path()) << "{\"format\": ";
  EXPECT_TRUE(Contains(error_message<IoError>([&] { Vocabulary::load(path()); }),
                       path() + ": not a valid JSON file: "));
  std::ofstream(path()) << "[1, 2]";
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { Vocabulary::load(path()); }),
                       path() + ": expected a JSON object, got [1,2]"));
  EXPECT_TRUE(Contains(error_message<IoError>([&] { Vocabulary::load(dir_.file("none.json")); }),
                       "none.json: cannot open"));
  EXPECT_TRUE(Contains(error_message<IoError>([&] { Vocabulary::load(dir_.path().string()); }),
                       "not a regular file"));
}

}  // namespace
}  // namespace recur::data
