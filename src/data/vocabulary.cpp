#include "recur/data/vocabulary.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "recur/data/case_fold.h"
#include "recur/data/tokenizer.h"
#include "recur/data/utf8.h"
#include "recur/io/atomic_file.h"
#include "recur/io/csv.h"
#include "recur/io/json_fields.h"
#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

using json = nlohmann::json;

constexpr const char* kVocabularyFormat = "recur-vocabulary";
constexpr int64_t kVocabularyVersion = 1;
const std::vector<std::string> kSpecialTokens = {"<pad>", "<unk>", "<bos>", "<eos>"};
// Far above any real corpus, far below where JSON numbers stop being exact.
constexpr int64_t kMaxCount = int64_t{1} << 50;

void check_vocabulary_options(const VocabularyOptions& o) {
  if (o.min_frequency < 1) {
    throw ValueError("vocabulary: min_frequency must be at least 1, got " +
                     std::to_string(o.min_frequency));
  }
  if (o.max_size < 0 || (o.max_size > 0 && o.max_size < Vocabulary::kSpecials)) {
    throw ValueError(
        "vocabulary: max_size must be 0 (no limit) or at least 4 (the special "
        "tokens count), got " +
        std::to_string(o.max_size));
  }
}

// Runs `f`, prefixing the message of a ValueError it throws with `where`.
template <typename F>
auto with_vocabulary_context(const std::string& where, F&& f) {
  try {
    return f();
  } catch (const ValueError& e) {
    throw ValueError(where + ": " + e.what());
  }
}

[[noreturn]] void bad_vocabulary_field(const std::string& where, const char* key,
                                       const std::string& what) {
  throw ValueError(where + ": field '" + key + "' " + what);
}

void require_vocabulary_fields(const json& j, const std::string& where) {
  for (const char* key : {"format", "version", "level", "lowercase", "min_frequency", "max_size",
                          "specials", "tokens", "counts"}) {
    if (!j.contains(key)) bad_vocabulary_field(where, key, "is missing");
  }
}

std::vector<int64_t> read_vocabulary_counts(const json& j, int64_t min_frequency,
                                            const std::string& where) {
  const json& v = j.at("counts");
  if (!v.is_array()) bad_vocabulary_field(where, "counts", "must be an array of whole numbers");
  std::vector<int64_t> counts;
  for (size_t i = 0; i < v.size(); ++i) {
    const json& e = v[i];
    const bool whole = e.is_number_integer() || e.is_number_unsigned();
    if (!whole || e.get<double>() < static_cast<double>(min_frequency) ||
        e.get<double>() > static_cast<double>(kMaxCount)) {
      bad_vocabulary_field(where, "counts",
                           "entry " + std::to_string(i) + " must be a whole number in [" +
                               std::to_string(min_frequency) + ", 2^50] (min_frequency), got " +
                               io::json_excerpt(e));
    }
    counts.push_back(e.get<int64_t>());
  }
  return counts;
}

// One entry of 'tokens' as the vocabulary's options require it to be.
void check_vocabulary_token(const std::string& token, size_t entry, const VocabularyOptions& o,
                            const std::string& where) {
  const std::string at = "entry " + std::to_string(entry) + " " + io::quote_cell(token);
  if (token.empty())
    bad_vocabulary_field(where, "tokens", "entry " + std::to_string(entry) + " is empty");
  if (const auto fault = find_invalid_utf8(token)) {
    bad_vocabulary_field(where, "tokens", at + ": invalid UTF-8: " + fault->reason);
  }
  if (o.level == TokenLevel::kChar && count_code_points(token) != 1) {
    bad_vocabulary_field(where, "tokens", at + " is not one character in a char-level vocabulary");
  }
  if (o.lowercase && fold_case(token) != token) {
    bad_vocabulary_field(where, "tokens", at + " is not folded, but the vocabulary folds case");
  }
}

// Calls f(token) for every token of `text` under the options, as a view into the (folded) text:
// the character path makes no string per character (1.2 M characters of Moby Dick encode in
// tens of milliseconds, not hundreds).
template <typename F>
void visit_vocabulary_tokens(std::string_view text, const VocabularyOptions& o, F&& f) {
  const std::string folded = o.lowercase ? fold_case(text) : std::string();
  const std::string_view t = o.lowercase ? std::string_view(folded) : text;
  if (o.level == TokenLevel::kWord) {
    for (const std::string& word : split_words(t)) f(std::string_view(word));
    return;
  }
  for (size_t pos = 0; pos < t.size();) {
    const size_t begin = pos;
    next_code_point(t, pos);
    f(t.substr(begin, pos - begin));
  }
}

template <typename Map>
void count_token(Map& counts, std::string_view token) {
  if (const auto it = counts.find(token); it != counts.end()) {
    ++it->second;
  } else {
    counts.emplace(std::string(token), 1);
  }
}

}  // namespace

const char* token_level_name(TokenLevel level) {
  return level == TokenLevel::kChar ? "char" : "word";
}

TokenLevel parse_token_level(std::string_view name) {
  if (name == "char") return TokenLevel::kChar;
  if (name == "word") return TokenLevel::kWord;
  throw ValueError("token level must be 'char' or 'word', got " + io::quote_cell(name));
}

Vocabulary::Vocabulary(VocabularyOptions options, std::vector<std::string> tokens,
                       std::vector<int64_t> counts)
    : options_(options), tokens_(kSpecialTokens), counts_(kSpecials, 0) {
  tokens_.insert(tokens_.end(), std::make_move_iterator(tokens.begin()),
                 std::make_move_iterator(tokens.end()));
  counts_.insert(counts_.end(), counts.begin(), counts.end());
  ids_.reserve(tokens_.size());
  for (int64_t id = kSpecials; id < size(); ++id) ids_.emplace(tokens_[id], id);
}

Vocabulary Vocabulary::from_counts(const TokenMap& counts, const VocabularyOptions& options) {
  std::vector<std::pair<std::string, int64_t>> kept;
  for (const auto& [token, count] : counts) {
    if (count >= options.min_frequency) kept.emplace_back(token, count);
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (options.max_size > 0 && static_cast<int64_t>(kept.size()) > options.max_size - kSpecials) {
    kept.resize(options.max_size - kSpecials);
  }
  std::vector<std::string> tokens;
  std::vector<int64_t> kept_counts;
  for (auto& [token, count] : kept) {
    tokens.push_back(std::move(token));
    kept_counts.push_back(count);
  }
  return Vocabulary(options, std::move(tokens), std::move(kept_counts));
}

Vocabulary Vocabulary::build(const std::vector<std::string>& texts,
                             const VocabularyOptions& options) {
  check_vocabulary_options(options);
  TokenMap counts;
  for (size_t i = 0; i < texts.size(); ++i) {
    with_vocabulary_context("texts[" + std::to_string(i) + "]", [&] {
      visit_vocabulary_tokens(texts[i], options,
                              [&](std::string_view t) { count_token(counts, t); });
    });
  }
  return from_counts(counts, options);
}

Vocabulary Vocabulary::build_from_tokens(const std::vector<std::vector<std::string>>& sentences,
                                         const VocabularyOptions& options) {
  check_vocabulary_options(options);
  if (options.level != TokenLevel::kWord) {
    throw ValueError(
        "vocabulary: pre-tokenized sentences make a word-level vocabulary (level "
        "'word'), got level 'char'");
  }
  TokenMap counts;
  for (size_t s = 0; s < sentences.size(); ++s) {
    for (size_t t = 0; t < sentences[s].size(); ++t) {
      const std::string& token = sentences[s][t];
      const std::string where = "sentences[" + std::to_string(s) + "][" + std::to_string(t) + "]";
      if (token.empty()) throw ValueError(where + ": empty token");
      count_token(counts, with_vocabulary_context(where, [&] {
                    if (options.lowercase) return fold_case(token);
                    check_utf8(token);
                    return token;
                  }));
    }
  }
  return from_counts(counts, options);
}

std::vector<std::string> Vocabulary::tokenize(std::string_view text) const {
  std::vector<std::string> out;
  visit_vocabulary_tokens(text, options_, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

int64_t Vocabulary::id(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? kUnk : it->second;
}

const std::string& Vocabulary::token(int64_t id) const {
  if (id < 0 || id >= size()) {
    throw ValueError("token id " + std::to_string(id) + " is outside the vocabulary (ids 0.." +
                     std::to_string(size() - 1) + ")");
  }
  return tokens_[id];
}

void Vocabulary::add_id(Encoded& out, std::string_view token) const {
  const int64_t i = id(token);
  if (i == kUnk && out.unknown++ == 0) out.first_unknown = std::string(token);
  out.ids.push_back(i);
}

Encoded Vocabulary::encode(std::string_view text) const {
  Encoded out;
  out.ids.reserve(options_.level == TokenLevel::kChar ? text.size() : text.size() / 4);
  visit_vocabulary_tokens(text, options_, [&](std::string_view t) { add_id(out, t); });
  return out;
}

Encoded Vocabulary::encode_tokens(const std::vector<std::string>& tokens) const {
  Encoded out;
  out.ids.reserve(tokens.size());
  for (const std::string& t : tokens) {
    if (options_.lowercase) {
      add_id(out, fold_case(t));
    } else {
      add_id(out, t);
    }
  }
  return out;
}

std::string Vocabulary::decode(std::span<const int64_t> ids) const {
  static const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const int64_t id = ids[i];
    if (id < 0 || id >= size()) {
      throw ValueError("ids[" + std::to_string(i) + "]: token id " + std::to_string(id) +
                       " is outside the vocabulary (ids 0.." + std::to_string(size() - 1) + ")");
    }
    if (id == kPad || id == kBos || id == kEos) continue;
    if (options_.level == TokenLevel::kWord && !out.empty()) out.push_back(' ');
    out += id == kUnk ? kReplacement : tokens_[id];
  }
  return out;
}

json Vocabulary::to_json() const {
  return json{{"format", kVocabularyFormat},
              {"version", kVocabularyVersion},
              {"level", token_level_name(options_.level)},
              {"lowercase", options_.lowercase},
              {"min_frequency", options_.min_frequency},
              {"max_size", options_.max_size},
              {"specials", kSpecialTokens},
              {"tokens", std::vector<std::string>(tokens_.begin() + kSpecials, tokens_.end())},
              {"counts", std::vector<int64_t>(counts_.begin() + kSpecials, counts_.end())}};
}

Vocabulary Vocabulary::from_json(const json& j, const std::string& where) {
  if (!j.is_object()) {
    throw ValueError(where + ": expected a JSON object, got " + io::json_excerpt(j));
  }
  require_vocabulary_fields(j, where);
  if (io::json_string(j, "format", "", where) != kVocabularyFormat) {
    bad_vocabulary_field(where, "format",
                         std::string("must be '") + kVocabularyFormat + "', got " +
                             io::json_excerpt(j.at("format")));
  }
  io::json_whole(j, "version", 0, kVocabularyVersion, kVocabularyVersion, where);
  VocabularyOptions o;
  const std::string level = io::json_string(j, "level", "", where);
  o.level =
      with_vocabulary_context(where + ": field 'level'", [&] { return parse_token_level(level); });
  o.lowercase = io::json_bool(j, "lowercase", false, where);
  o.min_frequency = io::json_whole(j, "min_frequency", 1, 1, kMaxCount, where);
  o.max_size = io::json_whole(j, "max_size", 0, 0, kMaxCount, where);
  with_vocabulary_context(where, [&] { check_vocabulary_options(o); });
  if (io::json_strings(j, "specials", {}, where) != kSpecialTokens) {
    bad_vocabulary_field(where, "specials",
                         "must be [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"] (ids 0-3), got " +
                             io::json_excerpt(j.at("specials")));
  }
  std::vector<std::string> tokens = io::json_strings(j, "tokens", {}, where);
  std::vector<int64_t> counts = read_vocabulary_counts(j, o.min_frequency, where);
  if (counts.size() != tokens.size()) {
    bad_vocabulary_field(where, "counts",
                         "has " + std::to_string(counts.size()) + " entries, 'tokens' has " +
                             std::to_string(tokens.size()));
  }
  if (o.max_size > 0 && static_cast<int64_t>(tokens.size()) + kSpecials > o.max_size) {
    bad_vocabulary_field(where, "tokens",
                         "has " + std::to_string(tokens.size()) + " entries, more than max_size " +
                             std::to_string(o.max_size) + " allows with the 4 special tokens");
  }
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < tokens.size(); ++i) {
    check_vocabulary_token(tokens[i], i, o, where);
    if (const auto [it, fresh] = seen.emplace(tokens[i], i); !fresh) {
      bad_vocabulary_field(where, "tokens",
                           "entry " + std::to_string(i) + " " + io::quote_cell(tokens[i]) +
                               " repeats entry " + std::to_string(it->second));
    }
  }
  return Vocabulary(o, std::move(tokens), std::move(counts));
}

void Vocabulary::save(const std::string& path) const {
  io::write_file_atomically(path, to_json().dump(1) + "\n");
}

Vocabulary Vocabulary::load(const std::string& path) {
  const std::string text = io::read_regular_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw IoError(path + ": not a valid JSON file: " + io::json_error_text(e));
  }
  return from_json(j, path);
}

bool operator==(const Vocabulary& a, const Vocabulary& b) {
  const VocabularyOptions &x = a.options_, &y = b.options_;
  return x.level == y.level && x.lowercase == y.lowercase && x.min_frequency == y.min_frequency &&
         x.max_size == y.max_size && a.tokens_ == b.tokens_ && a.counts_ == b.counts_;
}

}  // namespace recur::data
