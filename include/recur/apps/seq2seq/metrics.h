// Scores of decoded sequences against references, on token ids (map words or characters to ids
// first; the specials should be stripped, as Translation::ids are):
//
//   corpus_bleu     Papineni et al. 2002, corpus level: modified (clipped) n-gram precisions
//                   p_1..p_4 summed over the corpus, their geometric mean with uniform weights,
//                   times the brevity penalty BP = 1 if c > r else exp(1 - r / c), where c is the
//                   total hypothesis length and r the sum of each sentence's closest reference
//                   length (the shorter on a tie). No smoothing: any p_n = 0 makes BLEU 0, as
//                   nltk's corpus_bleu without a smoothing function and sacrebleu with
//                   smooth_method='none'. The score is a fraction in [0, 1] (nltk's scale;
//                   sacrebleu prints 100 times it).
//   exact_match     the fraction of sentences equal to their (first) reference.
//   token_accuracy  the fraction of reference tokens matched at the same position by the
//                   hypothesis (missing positions count as wrong, extra ones are not counted).
//
// An empty corpus, or hypothesis and reference counts that differ, is a ValueError.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace recur::seq2seq {

using Sentence = std::vector<int64_t>;

struct BleuScore {
  double bleu = 0.0;
  std::array<double, 4> precisions{};  // p_1 .. p_4
  std::array<int64_t, 4> matches{};    // clipped n-gram matches per order
  std::array<int64_t, 4> totals{};     // hypothesis n-grams per order
  double brevity_penalty = 0.0;
  int64_t hypothesis_length = 0;  // c
  int64_t reference_length = 0;   // r
};

// references[i] holds one or more references of hypotheses[i].
BleuScore corpus_bleu(const std::vector<Sentence>& hypotheses,
                      const std::vector<std::vector<Sentence>>& references);
// One reference per hypothesis.
BleuScore corpus_bleu(const std::vector<Sentence>& hypotheses,
                      const std::vector<Sentence>& references);

double exact_match(const std::vector<Sentence>& hypotheses,
                   const std::vector<Sentence>& references);
double token_accuracy(const std::vector<Sentence>& hypotheses,
                      const std::vector<Sentence>& references);

}  // namespace recur::seq2seq
