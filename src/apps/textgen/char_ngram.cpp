#include "recur/apps/textgen/char_ngram.h"

#include <cmath>

#include "recur/data/vocabulary.h"
#include "recur/tensor/error.h"

namespace recur::textgen {
namespace {

constexpr double kDiscount = 0.75;

}  // namespace

CharNgram::CharNgram(int64_t order, int64_t vocab_size)
    : order_(order), vocab_size_(vocab_size), unigram_(static_cast<size_t>(vocab_size), 0) {
  if (order < 1 || order > 16) throw ValueError("n-gram: order must be in [1, 16]");
  if (vocab_size <= data::Vocabulary::kSpecials) {
    throw ValueError("n-gram: the vocabulary has no text tokens");
  }
}

std::string CharNgram::key(const std::vector<int64_t>& ids, int64_t begin, int64_t end) {
  std::string k;
  for (int64_t i = begin; i < end; ++i) {
    const uint32_t id = static_cast<uint32_t>(ids[static_cast<size_t>(i)]);
    k.append(reinterpret_cast<const char*>(&id), sizeof(id));
  }
  return k;
}

void CharNgram::fit(const std::vector<int64_t>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= vocab_size_) {
      throw ValueError("n-gram: token " + std::to_string(i) + " has id " + std::to_string(ids[i]) +
                       ", outside [0, " + std::to_string(vocab_size_) + ")");
    }
  }
  const int64_t n = static_cast<int64_t>(ids.size());
  for (int64_t p = 0; p < n; ++p) {
    ++unigram_[static_cast<size_t>(ids[static_cast<size_t>(p)])];
    ++text_tokens_;
    for (int64_t h = 1; h < order_ && h <= p; ++h) {
      if (++ngrams_[key(ids, p - h, p + 1)] == 1) ++contexts_[key(ids, p - h, p)].distinct;
      ++contexts_[key(ids, p - h, p)].total;
    }
  }
}

double CharNgram::negative_log_likelihood(const std::vector<int64_t>& ids, int64_t p) const {
  if (p < 0 || p >= static_cast<int64_t>(ids.size())) {
    throw ValueError("n-gram: position " + std::to_string(p) + " outside the " +
                     std::to_string(ids.size()) + " tokens");
  }
  const int64_t w = ids[static_cast<size_t>(p)];
  if (w < 0 || w >= vocab_size_) {
    throw ValueError("n-gram: token " + std::to_string(p) + " has id " + std::to_string(w) +
                     ", outside [0, " + std::to_string(vocab_size_) + ")");
  }
  // Add-one over the text tokens (the specials are never predicted).
  const double text_vocab = static_cast<double>(vocab_size_ - data::Vocabulary::kSpecials);
  double prob = (static_cast<double>(unigram_.at(static_cast<size_t>(w))) + 1.0) /
                (static_cast<double>(text_tokens_) + text_vocab);
  for (int64_t h = 1; h < order_ && h <= p; ++h) {
    const auto context = contexts_.find(key(ids, p - h, p));
    if (context == contexts_.end()) break;  // longer contexts are unseen too
    const auto ngram = ngrams_.find(key(ids, p - h, p + 1));
    const double count = ngram == ngrams_.end() ? 0.0 : static_cast<double>(ngram->second);
    const double total = static_cast<double>(context->second.total);
    prob = std::max(count - kDiscount, 0.0) / total +
           kDiscount * static_cast<double>(context->second.distinct) / total * prob;
  }
  return -std::log(prob);
}

double CharNgram::cross_entropy(const std::vector<int64_t>& ids, int64_t first,
                                int64_t last) const {
  if (first < 0 || last < first || last >= static_cast<int64_t>(ids.size())) {
    throw ValueError("n-gram: positions [" + std::to_string(first) + ", " + std::to_string(last) +
                     "] outside the " + std::to_string(ids.size()) + " tokens");
  }
  double sum = 0.0;
  for (int64_t p = first; p <= last; ++p) sum += negative_log_likelihood(ids, p);
  return sum / static_cast<double>(last - first + 1);
}

std::string CharNgram::name() const {
  switch (order_) {
    case 1:
      return "unigram";
    case 2:
      return "bigram";
    case 3:
      return "trigram";
    default:
      return std::to_string(order_) + "-gram";
  }
}

}  // namespace recur::textgen
