#include "recur/apps/seq2seq/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "recur/tensor/error.h"

namespace recur::seq2seq {

namespace {

using NgramCounts = std::map<std::vector<int64_t>, int64_t>;

NgramCounts count_ngrams(const Sentence& s, size_t n) {
  NgramCounts counts;
  for (size_t i = 0; i + n <= s.size(); ++i) ++counts[Sentence(s.begin() + i, s.begin() + i + n)];
  return counts;
}

void check_corpus(size_t hypotheses, size_t references, const char* who) {
  if (hypotheses == 0) throw ValueError(std::string(who) + ": the corpus is empty");
  if (hypotheses != references) {
    throw ValueError(std::string(who) + ": " + std::to_string(hypotheses) + " hypotheses but " +
                     std::to_string(references) + " references");
  }
}

// The reference length closest to the hypothesis', the shorter on a tie.
int64_t closest_length(const std::vector<Sentence>& refs, int64_t hyp_length) {
  int64_t best = -1;
  for (const Sentence& r : refs) {
    const auto len = static_cast<int64_t>(r.size());
    const int64_t d = std::abs(len - hyp_length), bd = std::abs(best - hyp_length);
    if (best < 0 || d < bd || (d == bd && len < best)) best = len;
  }
  return best;
}

}  // namespace

BleuScore corpus_bleu(const std::vector<Sentence>& hypotheses,
                      const std::vector<std::vector<Sentence>>& references) {
  check_corpus(hypotheses.size(), references.size(), "corpus BLEU");
  BleuScore s;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty()) {
      throw ValueError("corpus BLEU: hypothesis " + std::to_string(i) + " has no reference");
    }
    const Sentence& hyp = hypotheses[i];
    s.hypothesis_length += static_cast<int64_t>(hyp.size());
    s.reference_length += closest_length(references[i], static_cast<int64_t>(hyp.size()));
    for (size_t n = 1; n <= 4; ++n) {
      // Clipping: an n-gram counts at most as often as it appears in any one reference.
      NgramCounts max_ref;
      for (const Sentence& ref : references[i]) {
        for (const auto& [gram, count] : count_ngrams(ref, n)) {
          max_ref[gram] = std::max(max_ref[gram], count);
        }
      }
      for (const auto& [gram, count] : count_ngrams(hyp, n)) {
        const auto it = max_ref.find(gram);
        s.matches[n - 1] += std::min(count, it == max_ref.end() ? 0 : it->second);
        s.totals[n - 1] += count;
      }
    }
  }
  double log_mean = 0.0;
  bool any_zero = false;
  for (size_t n = 0; n < 4; ++n) {
    s.precisions[n] = s.totals[n] > 0
                          ? static_cast<double>(s.matches[n]) / static_cast<double>(s.totals[n])
                          : 0.0;
    any_zero = any_zero || s.precisions[n] == 0.0;
    if (!any_zero) log_mean += std::log(s.precisions[n]) / 4.0;
  }
  const double c = static_cast<double>(s.hypothesis_length);
  const double r = static_cast<double>(s.reference_length);
  s.brevity_penalty = c > r ? 1.0 : (c > 0 ? std::exp(1.0 - r / c) : 0.0);
  s.bleu = any_zero ? 0.0 : s.brevity_penalty * std::exp(log_mean);
  return s;
}

BleuScore corpus_bleu(const std::vector<Sentence>& hypotheses,
                      const std::vector<Sentence>& references) {
  std::vector<std::vector<Sentence>> wrapped;
  wrapped.reserve(references.size());
  for (const Sentence& r : references) wrapped.push_back({r});
  return corpus_bleu(hypotheses, wrapped);
}

double exact_match(const std::vector<Sentence>& hypotheses,
                   const std::vector<Sentence>& references) {
  check_corpus(hypotheses.size(), references.size(), "exact match");
  int64_t equal = 0;
  for (size_t i = 0; i < hypotheses.size(); ++i) equal += hypotheses[i] == references[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(hypotheses.size());
}

double token_accuracy(const std::vector<Sentence>& hypotheses,
                      const std::vector<Sentence>& references) {
  check_corpus(hypotheses.size(), references.size(), "token accuracy");
  int64_t right = 0, total = 0;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const Sentence& ref = references[i];
    total += static_cast<int64_t>(ref.size());
    for (size_t t = 0; t < ref.size() && t < hypotheses[i].size(); ++t) {
      right += hypotheses[i][t] == ref[t] ? 1 : 0;
    }
  }
  if (total == 0) throw ValueError("token accuracy: every reference is empty");
  return static_cast<double>(right) / static_cast<double>(total);
}

}  // namespace recur::seq2seq
