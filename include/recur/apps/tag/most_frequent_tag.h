// MostFrequentTag: the baseline every `recur tag` network is scored beside. Each word gets the
// tag it carried most often in the training sentences (ties: the lowest tag id); a word never
// seen in training gets the most frequent tag overall. Words are folded to lower case first when
// the tagger's vocabulary folds, so both methods see the same words.
//
//   tag::MostFrequentTag baseline(/*lowercase=*/false);
//   baseline.fit(train_tokens, train_tags, num_tags);
//   std::vector<int64_t> ids = baseline.predict({"The", "jury", "said"});
//   baseline.seen("jury");   // was the word in the training sentences?
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace recur::tag {

class MostFrequentTag {
 public:
  explicit MostFrequentTag(bool lowercase) : lowercase_(lowercase) {}
  std::string name() const { return "most frequent tag per word"; }
  // tags[s][i] in [0, num_tags) is the tag of tokens[s][i]; ValueError otherwise or when the
  // shapes differ or there is no token.
  void fit(const std::vector<std::vector<std::string>>& tokens,
           const std::vector<std::vector<int64_t>>& tags, int64_t num_tags);
  std::vector<int64_t> predict(const std::vector<std::string>& tokens) const;
  bool seen(const std::string& token) const;

 private:
  std::string key(const std::string& token) const;

  bool lowercase_;
  int64_t overall_ = -1;
  std::unordered_map<std::string, int64_t> best_;
};

}  // namespace recur::tag
