#include "recur/apps/tag/most_frequent_tag.h"

#include <algorithm>

#include "recur/data/case_fold.h"
#include "recur/tensor/error.h"

namespace recur::tag {

std::string MostFrequentTag::key(const std::string& token) const {
  return lowercase_ ? data::fold_case(token) : token;
}

void MostFrequentTag::fit(const std::vector<std::vector<std::string>>& tokens,
                          const std::vector<std::vector<int64_t>>& tags, int64_t num_tags) {
  if (tokens.size() != tags.size() || num_tags < 1) {
    throw ValueError("most frequent tag: need one tag list per sentence and at least one tag");
  }
  const size_t C = static_cast<size_t>(num_tags);
  std::unordered_map<std::string, std::vector<int64_t>> counts;
  std::vector<int64_t> overall(C, 0);
  for (size_t s = 0; s < tokens.size(); ++s) {
    if (tokens[s].size() != tags[s].size()) {
      throw ValueError("most frequent tag: sentence " + std::to_string(s) + " has " +
                       std::to_string(tokens[s].size()) + " tokens but " +
                       std::to_string(tags[s].size()) + " tags");
    }
    for (size_t i = 0; i < tokens[s].size(); ++i) {
      const int64_t t = tags[s][i];
      if (t < 0 || t >= num_tags) {
        throw ValueError("most frequent tag: tag id " + std::to_string(t) + " outside [0, " +
                         std::to_string(num_tags) + ")");
      }
      auto& row = counts[key(tokens[s][i])];
      row.resize(C, 0);
      ++row[static_cast<size_t>(t)];
      ++overall[static_cast<size_t>(t)];
    }
  }
  if (counts.empty()) throw ValueError("most frequent tag: no training tokens");
  // max_element returns the first maximum: ties go to the lowest tag id.
  auto argmax = [](const std::vector<int64_t>& v) {
    return static_cast<int64_t>(std::max_element(v.begin(), v.end()) - v.begin());
  };
  overall_ = argmax(overall);
  best_.clear();
  for (const auto& [word, row] : counts) best_[word] = argmax(row);
}

std::vector<int64_t> MostFrequentTag::predict(const std::vector<std::string>& tokens) const {
  if (overall_ < 0) throw ValueError("most frequent tag: predict before fit");
  std::vector<int64_t> out;
  out.reserve(tokens.size());
  for (const std::string& token : tokens) {
    const auto it = best_.find(key(token));
    out.push_back(it == best_.end() ? overall_ : it->second);
  }
  return out;
}

bool MostFrequentTag::seen(const std::string& token) const { return best_.contains(key(token)); }

}  // namespace recur::tag
