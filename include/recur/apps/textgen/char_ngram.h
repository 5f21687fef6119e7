// CharNgram: the count-based baselines a character language model must beat, scored on exactly
// the tokens the network predicts. Order 1 is the unigram model (add-one smoothing over the
// vocabulary's text tokens); order n > 1 predicts a token from the n - 1 before it with
// interpolated absolute discounting (Ney, Essen & Kneser 1994; the interpolation of
// Kneser-Ney without its continuation counts):
//
//   P_n(w | h) = max(c(h w) - D, 0) / c(h) + D * N(h) / c(h) * P_(n-1)(w | h')
//
// where h' is h without its oldest token, N(h) the number of distinct tokens seen after h, and
// D = 0.75; a context never seen in training backs off entirely (P_n = P_(n-1)). Every token of
// the vocabulary then has a probability > 0, so the cross-entropy is finite on any text.
//
//   CharNgram ngram(5, vocab.size());
//   ngram.fit(train_ids);
//   double nats = ngram.cross_entropy(val_ids, 1, n);   // mean -ln P over val_ids[1..n]
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace recur::textgen {

class CharNgram {
 public:
  // order >= 1; vocab_size counts the vocabulary's specials, which are never predicted.
  CharNgram(int64_t order, int64_t vocab_size);

  // Counts every n-gram (n <= order) of the training ids; ids outside [0, vocab_size) are a
  // ValueError naming the position.
  void fit(const std::vector<int64_t>& ids);

  // -ln P(ids[p] | up to order-1 ids before p, not reaching before ids[0]): one token.
  // ValueError for p outside ids or ids[p] outside [0, vocab_size).
  double negative_log_likelihood(const std::vector<int64_t>& ids, int64_t p) const;
  // Mean of negative_log_likelihood over p in [first, last].
  double cross_entropy(const std::vector<int64_t>& ids, int64_t first, int64_t last) const;

  int64_t order() const { return order_; }
  // "unigram", "bigram", "trigram", else "N-gram".
  std::string name() const;

 private:
  struct Context {
    int64_t total = 0;     // c(h)
    int64_t distinct = 0;  // N(h)
  };
  // ids[begin, end) as a map key.
  static std::string key(const std::vector<int64_t>& ids, int64_t begin, int64_t end);

  int64_t order_, vocab_size_, text_tokens_ = 0;
  std::vector<int64_t> unigram_;                       // counts per id
  std::unordered_map<std::string, Context> contexts_;  // h -> counts, for |h| in [1, order)
  std::unordered_map<std::string, int64_t> ngrams_;    // h w -> c(h w), for |h| in [1, order)
};

}  // namespace recur::textgen
