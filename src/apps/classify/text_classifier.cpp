#include "recur/apps/classify/text_classifier.h"

#include <cmath>
#include <limits>

#include "recur/data/utf8.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

// Marks outside Unicode's characters frame a text, so "^a" and "a$" are n-grams of their own:
// how a name starts and ends is what tells most about it.
constexpr char32_t kStart = 0x110000, kEnd = 0x110001;

// Every n-gram (n = 1..max_n) of the framed text, with repeats.
std::vector<std::u32string> ngrams(const std::string& text, int max_n) {
  std::u32string framed = data::decode_utf8(text);
  framed.insert(framed.begin(), kStart);
  framed.push_back(kEnd);
  std::vector<std::u32string> out;
  for (size_t n = 1; n <= static_cast<size_t>(max_n); ++n) {
    for (size_t i = 0; i + n <= framed.size(); ++i) {
      const std::u32string g = framed.substr(i, n);
      if (g.size() == 1 && (g[0] == kStart || g[0] == kEnd)) continue;  // a mark alone says nothing
      out.push_back(g);
    }
  }
  return out;
}

int64_t argmax(const std::vector<double>& v) {
  size_t best = 0;
  for (size_t c = 1; c < v.size(); ++c) {
    if (v[c] > v[best]) best = c;
  }
  return static_cast<int64_t>(best);
}

}  // namespace

void check_training_set(const std::string& who, const std::vector<std::string>& texts,
                        std::span<const int64_t> labels, int64_t num_classes) {
  if (texts.empty() || texts.size() != labels.size() || num_classes < 1) {
    throw ValueError(who + ": needs at least one text, one label per text (" +
                     std::to_string(texts.size()) + " texts, " + std::to_string(labels.size()) +
                     " labels) and at least one class");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw ValueError(who + ": label " + std::to_string(labels[i]) + " of text " +
                       std::to_string(i) + " is outside [0, " + std::to_string(num_classes) + ")");
    }
  }
}

void MajorityClassifier::fit(const std::vector<std::string>& texts, std::span<const int64_t> labels,
                             int64_t num_classes) {
  check_training_set(name(), texts, labels, num_classes);
  std::vector<double> counts(static_cast<size_t>(num_classes), 0.0);
  for (int64_t label : labels) counts[static_cast<size_t>(label)] += 1.0;
  majority_ = argmax(counts);
}

std::vector<int64_t> MajorityClassifier::predict(const std::vector<std::string>& texts) const {
  if (majority_ < 0) throw ValueError(name() + ": fit() must come before predict()");
  return std::vector<int64_t>(texts.size(), majority_);
}

CharNgramNaiveBayes::CharNgramNaiveBayes(NaiveBayesOptions options) : options_(options) {
  if (options_.max_n < 1 || !(options_.alpha > 0.0) || !std::isfinite(options_.alpha)) {
    throw ValueError(
        "char n-gram naive Bayes: max_n must be at least 1 and alpha a positive number");
  }
}

std::string CharNgramNaiveBayes::name() const {
  return "char 1-" + std::to_string(options_.max_n) + "-gram naive Bayes";
}

void CharNgramNaiveBayes::fit(const std::vector<std::string>& texts,
                              std::span<const int64_t> labels, int64_t num_classes) {
  check_training_set(name(), texts, labels, num_classes);
  const size_t C = static_cast<size_t>(num_classes);
  std::map<std::u32string, std::vector<double>> counts;
  std::vector<double> class_texts(C, 0.0), class_grams(C, 0.0);
  for (size_t i = 0; i < texts.size(); ++i) {
    const size_t c = static_cast<size_t>(labels[i]);
    class_texts[c] += 1.0;
    for (const std::u32string& g : ngrams(texts[i], options_.max_n)) {
      auto [it, inserted] = counts.try_emplace(g, C, 0.0);
      it->second[c] += 1.0;
      class_grams[c] += 1.0;
    }
  }
  const double distinct = static_cast<double>(counts.size());
  log_prior_.assign(C, -std::numeric_limits<double>::infinity());
  for (size_t c = 0; c < C; ++c) {
    if (class_texts[c] > 0) {
      log_prior_[c] = std::log(class_texts[c] / static_cast<double>(texts.size()));
    }
  }
  log_prob_.clear();
  for (auto& [g, per_class] : counts) {
    for (size_t c = 0; c < C; ++c) {
      per_class[c] =
          std::log((per_class[c] + options_.alpha) / (class_grams[c] + options_.alpha * distinct));
    }
    log_prob_.emplace(g, std::move(per_class));
  }
}

std::vector<double> CharNgramNaiveBayes::log_scores(const std::string& text) const {
  if (log_prior_.empty()) throw ValueError(name() + ": fit() must come before predict()");
  std::vector<double> scores = log_prior_;
  for (const std::u32string& g : ngrams(text, options_.max_n)) {
    const auto it = log_prob_.find(g);
    if (it == log_prob_.end()) continue;
    for (size_t c = 0; c < scores.size(); ++c) scores[c] += it->second[c];
  }
  return scores;
}

std::vector<int64_t> CharNgramNaiveBayes::predict(const std::vector<std::string>& texts) const {
  std::vector<int64_t> out;
  out.reserve(texts.size());
  for (const std::string& t : texts) out.push_back(argmax(log_scores(t)));
  return out;
}

}  // namespace recur::classify
