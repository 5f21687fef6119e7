// seq2seq metrics: corpus BLEU against nltk's documented corpus_bleu example (three references
// for the first sentence) and hand-computed cases (Papineni et al.'s "the the the ..." example,
// the brevity penalty, clipping, the closest reference length), exact match and token accuracy.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "expect_error.h"
#include "recur/apps/seq2seq/metrics.h"
#include "recur/tensor/error.h"

namespace recur::seq2seq {
namespace {

using testing::Contains;
using testing::error_message;

// Words -> ids, the same word always the same id.
class Words {
 public:
  Sentence operator()(const std::string& text) {
    std::istringstream in(text);
    Sentence out;
    for (std::string w; in >> w;) out.push_back(ids_.emplace(w, ids_.size()).first->second);
    return out;
  }

 private:
  std::map<std::string, int64_t> ids_;
};

TEST(CorpusBleu, MatchesNltksDocumentedExample) {
  // nltk.translate.bleu_score.corpus_bleu's docstring: 0.5920778868801042, 28/29 19/27 13/25
  // 8/23 n-gram precisions, c = r = 29 (the closest references have 18 and 11 words).
  Words w;
  const Sentence hyp1 =
      w("It is a guide to action which ensures that the military always obeys the commands of "
        "the party");
  const Sentence ref1a =
      w("It is a guide to action that ensures that the military will forever heed Party commands");
  const Sentence ref1b =
      w("It is the guiding principle which guarantees the military forces always being under the "
        "command of the Party");
  const Sentence ref1c =
      w("It is the practical guide for the army always to heed the directions of the party");
  const Sentence hyp2 = w("he read the book because he was interested in world history");
  const Sentence ref2a = w("he was interested in world history because he read the book");
  const BleuScore s = corpus_bleu({hyp1, hyp2}, {{ref1a, ref1b, ref1c}, {ref2a}});
  EXPECT_NEAR(s.bleu, 0.5920778868801042, 1e-12);
  EXPECT_EQ(s.matches, (std::array<int64_t, 4>{28, 19, 13, 8}));
  EXPECT_EQ(s.totals, (std::array<int64_t, 4>{29, 27, 25, 23}));
  EXPECT_EQ(s.hypothesis_length, 29);
  EXPECT_EQ(s.reference_length, 29);
  EXPECT_DOUBLE_EQ(s.brevity_penalty, 1.0);
}

TEST(CorpusBleu, ClipsRepeatedWordsAndIsZeroWithoutSmoothing) {
  // Papineni et al. 2002, section 2.1: "the" x7 against "the cat is on the mat": p1 = 2/7.
  Words w;
  const BleuScore s = corpus_bleu({w("the the the the the the the")}, {w("the cat is on the mat")});
  EXPECT_DOUBLE_EQ(s.precisions[0], 2.0 / 7.0);
  EXPECT_EQ(s.matches[1], 0);  // "the the" is not in the reference
  EXPECT_EQ(s.bleu, 0.0);      // no smoothing: a zero precision gives 0
}

TEST(CorpusBleu, BrevityPenaltyUsesCorpusLengths) {
  // Hypotheses are exact prefixes (every precision 1): c = 6 + 4 = 10, r = 8 + 7 = 15,
  // BLEU = exp(1 - 15/10).
  const Sentence ref1 = {1, 2, 3, 4, 5, 6, 7, 8}, ref2 = {9, 10, 11, 12, 13, 14, 15};
  const BleuScore s = corpus_bleu({{1, 2, 3, 4, 5, 6}, {9, 10, 11, 12}}, {ref1, ref2});
  for (double p : s.precisions) EXPECT_DOUBLE_EQ(p, 1.0);
  EXPECT_DOUBLE_EQ(s.brevity_penalty, std::exp(1.0 - 15.0 / 10.0));
  EXPECT_DOUBLE_EQ(s.bleu, std::exp(-0.5));
  EXPECT_DOUBLE_EQ(corpus_bleu({ref1, ref2}, {ref1, ref2}).bleu, 1.0);
}

TEST(CorpusBleu, HandComputedPrecisions) {
  // hyp 1 2 3 4 5 against ref 1 2 3 5 4: 1-grams 5/5, 2-grams {12, 23} of {12, 23, 34, 45} = 2/4,
  // 3-grams {123} = 1/3, 4-grams 0/2 -> BLEU 0; plus a second pair equal to its reference
  // (1-4 grams 4/4, 3/3, 2/2, 1/1) -> p = 9/9, 5/7, 3/5, 1/3; c = r = 9.
  const BleuScore s = corpus_bleu({{1, 2, 3, 4, 5}, {6, 7, 8, 9}}, {{1, 2, 3, 5, 4}, {6, 7, 8, 9}});
  EXPECT_DOUBLE_EQ(s.precisions[0], 1.0);
  EXPECT_DOUBLE_EQ(s.precisions[1], 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(s.precisions[2], 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(s.precisions[3], 1.0 / 3.0);
  EXPECT_NEAR(s.bleu, std::pow(1.0 * 5 / 7 * 3 / 5 * 1 / 3, 0.25), 1e-15);
}

TEST(CorpusBleu, ClosestReferenceLengthPrefersTheShorterOnATie) {
  // Hypothesis of 4 tokens, references of 3 and 5: both 1 away, r = 3, so c > r and BP = 1.
  const BleuScore s =
      corpus_bleu({{1, 2, 3, 4}}, std::vector<std::vector<Sentence>>{{{1, 2, 3, 4, 5}, {1, 2, 3}}});
  EXPECT_EQ(s.reference_length, 3);
  EXPECT_DOUBLE_EQ(s.brevity_penalty, 1.0);
}

TEST(SequenceMetrics, ExactMatchAndTokenAccuracy) {
  const std::vector<Sentence> refs = {{1, 2, 3}, {4, 5}, {6, 7, 8, 9}};
  const std::vector<Sentence> hyps = {{1, 2, 3}, {4, 6, 7}, {6, 7}};
  EXPECT_DOUBLE_EQ(exact_match(hyps, refs), 1.0 / 3.0);
  // 3 + 1 + 2 of 9 reference tokens in place; the extra 7 of sentence 2 is not counted.
  EXPECT_DOUBLE_EQ(token_accuracy(hyps, refs), 6.0 / 9.0);
}

TEST(SequenceMetrics, BadInputIsAValueError) {
  EXPECT_TRUE(Contains(error_message<ValueError>(
                           [] { corpus_bleu(std::vector<Sentence>{}, std::vector<Sentence>{}); }),
                       "corpus BLEU: the corpus is empty"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         exact_match({{1}}, {{1}, {2}});
                       }),
                       "exact match: 1 hypotheses but 2 references"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] { token_accuracy({{1}}, {{}}); }),
                       "token accuracy: every reference is empty"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([] { corpus_bleu({{1}}, std::vector<std::vector<Sentence>>{{}}); }),
      "hypothesis 0 has no reference"));
}

}  // namespace
}  // namespace recur::seq2seq
