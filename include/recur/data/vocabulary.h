// Vocabulary: the map between tokens (characters or words, tokenizer.h) and the integer ids an
// Embedding reads. Built once from the training texts, saved in the run folder as JSON, and loaded
// by predict/evaluate/sample so that they use exactly the training ids.
//
//   data::Vocabulary v = data::Vocabulary::build(train_texts, {.level = data::TokenLevel::kChar,
//                                                              .min_frequency = 2});
//   data::Encoded e = v.encode("Ishmael");      // e.ids, e.unknown (mapped to <unk>)
//   std::string s = v.decode(e.ids);
//   v.save(run + "/" + data::kVocabularyFile);  // atomic; Vocabulary::load reads it back
//
// Fixed ids: <pad> = 0, <unk> = 1, <bos> = 2, <eos> = 3, then the tokens from id 4. The four
// special tokens are never produced by tokenizing text: a literal "<unk>" in pre-tokenized input
// is an ordinary token with its own id (or <unk> if it did not make the vocabulary).
//
// Building, deterministically:
//   - count every token of the texts (after case folding when `lowercase`);
//   - keep tokens seen at least `min_frequency` times;
//   - order them by count, most frequent first; ties by the token's UTF-8 bytes, which is
//     code-point order ("A" < "a" < "é" < "😀"). Not by first appearance: the vocabulary is then a
//     function of the multiset of texts, the same whatever order a loader shuffled them into;
//   - keep the first `max_size - 4` (max_size counts the specials, so it is the Embedding's row
//     count; 0 means no limit).
// Case folding (`lowercase`) is the small table of case_fold.h (Latin, modern Greek and Cyrillic
// capitals), applied to the training texts and to everything encoded later.
//
// Decoding writes the tokens back in order: characters joined as they are, words joined with one
// space (the original spacing is not kept: "Ishmael ." for "Ishmael."). <pad>, <bos> and <eos>
// are dropped; <unk> is written as U+FFFD '�', the Unicode mark for a character that could not be
// represented.
//
// Text given to build/encode must be valid UTF-8: ValueError naming the byte offset otherwise (the
// readers in this folder check files first, with line and column). Loading validates every field
// and names the file and the field: "run/vocabulary.json: field 'tokens' entry 7: 'ab' is not one
// character in a char-level vocabulary".
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace recur::data {

inline constexpr const char* kVocabularyFile = "vocabulary.json";

enum class TokenLevel { kChar, kWord };

// "char" / "word", as in the JSON file and on the command line; parse throws ValueError.
const char* token_level_name(TokenLevel level);
TokenLevel parse_token_level(std::string_view name);

struct VocabularyOptions {
  TokenLevel level = TokenLevel::kChar;
  int64_t min_frequency = 1;  // >= 1
  int64_t max_size = 0;       // 0: no limit; otherwise >= 4, the specials included
  bool lowercase = false;
};

// Token ids for one text or sentence.
struct Encoded {
  std::vector<int64_t> ids;
  int64_t unknown = 0;        // how many tokens were mapped to <unk>
  std::string first_unknown;  // the first such token ("" when none), for messages
};

class Vocabulary {
 public:
  static constexpr int64_t kPad = 0, kUnk = 1, kBos = 2, kEos = 3;
  static constexpr int64_t kSpecials = 4;

  // From raw texts, split at options.level.
  static Vocabulary build(const std::vector<std::string>& texts, const VocabularyOptions& options);
  // From pre-tokenized sentences (e.g. the words of a tagged corpus): every token is taken whole,
  // folded when options.lowercase. options.level must be kWord. An empty token is a ValueError.
  static Vocabulary build_from_tokens(const std::vector<std::vector<std::string>>& sentences,
                                      const VocabularyOptions& options);

  // Splits `text` at this vocabulary's level, after case folding when it folds.
  std::vector<std::string> tokenize(std::string_view text) const;
  Encoded encode(std::string_view text) const;
  // Pre-tokenized input: each token (folded when the vocabulary folds) looked up whole.
  Encoded encode_tokens(const std::vector<std::string>& tokens) const;
  // ValueError naming the position of an id outside [0, size()).
  std::string decode(std::span<const int64_t> ids) const;

  // The id of a token (already folded), or kUnk.
  int64_t id(std::string_view token) const;
  // The token of an id: "<pad>", "<unk>", "<bos>", "<eos>" for the specials; ValueError if out of
  // range.
  const std::string& token(int64_t id) const;
  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  // All tokens by id, the four specials first, and how often each was seen in training (0 for
  // the specials).
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::vector<int64_t>& counts() const { return counts_; }
  const VocabularyOptions& options() const { return options_; }
  TokenLevel level() const { return options_.level; }
  bool lowercase() const { return options_.lowercase; }

  // The JSON document saved in a run folder, and back; from_json validates every field and names
  // `where` (the file) in its errors.
  nlohmann::json to_json() const;
  static Vocabulary from_json(const nlohmann::json& j, const std::string& where);
  // Atomic write (io::write_file_atomically); load reads only a regular file (IoError otherwise).
  void save(const std::string& path) const;
  static Vocabulary load(const std::string& path);

  friend bool operator==(const Vocabulary& a, const Vocabulary& b);

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Token -> count or id, looked up by string_view without a copy.
  using TokenMap = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

  Vocabulary(VocabularyOptions options, std::vector<std::string> tokens,
             std::vector<int64_t> counts);
  static Vocabulary from_counts(const TokenMap& counts, const VocabularyOptions& options);
  // Adds the id of one token, already split and folded.
  void add_id(Encoded& out, std::string_view token) const;

  VocabularyOptions options_;
  std::vector<std::string> tokens_;
  std::vector<int64_t> counts_;
  TokenMap ids_;  // the ordinary tokens (not the specials)
};

}  // namespace recur::data
