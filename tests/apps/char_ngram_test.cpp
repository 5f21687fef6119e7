#include "recur/apps/textgen/char_ngram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "recur/tensor/error.h"

namespace recur::textgen {
namespace {

// ids 0-3 are the vocabulary's specials; a b r c d are 4-8, and 9 is a text id the training text
// never uses.
constexpr int64_t kVocab = 10;
constexpr int64_t A = 4, B = 5, R = 6, C = 7, D = 8, kUnseen = 9;

// "abracadabra": a 5 times, b 2, r 2, c 1, d 1 (11 tokens); a is followed by b, c, d, b.
const std::vector<int64_t> kText = {A, B, R, A, C, A, D, A, B, R, A};

CharNgram fitted(int64_t order) {
  CharNgram ngram(order, kVocab);
  ngram.fit(kText);
  return ngram;
}

// P(w | context) under the model: the probability of the last token of context + {w}.
double probability(const CharNgram& ngram, std::vector<int64_t> context, int64_t w) {
  context.push_back(w);
  return std::exp(
      -ngram.negative_log_likelihood(context, static_cast<int64_t>(context.size()) - 1));
}

// Seen contexts of every length, contexts seen only in part, and wholly unseen ones.
const std::vector<std::vector<int64_t>> kContexts = {
    {}, {A}, {A, B}, {B, R, A}, {R, A, C}, {D, D, D}, {kUnseen}, {A, kUnseen, B}, {C, A, D}};

TEST(CharNgram, EveryContextsProbabilitiesOverTheTextIdsSumToOne) {
  for (int64_t order = 1; order <= 4; ++order) {
    const CharNgram ngram = fitted(order);
    for (const std::vector<int64_t>& context : kContexts) {
      double total = 0.0;
      for (int64_t w = 4; w < kVocab; ++w) {
        const double p = probability(ngram, context, w);
        EXPECT_GT(p, 0.0) << "order " << order << ", id " << w;
        total += p;
      }
      EXPECT_NEAR(total, 1.0, 1e-12) << "order " << order << ", context of " << context.size();
    }
  }
}

TEST(CharNgram, TheUnigramIsAddOneOverTheTextIds) {
  const CharNgram unigram = fitted(1);
  // (count + 1) / (11 tokens + 6 text ids); the context does not matter.
  EXPECT_DOUBLE_EQ(probability(unigram, {}, A), 6.0 / 17.0);
  EXPECT_DOUBLE_EQ(probability(unigram, {B, R}, A), 6.0 / 17.0);
  EXPECT_DOUBLE_EQ(probability(unigram, {}, C), 2.0 / 17.0);
  EXPECT_DOUBLE_EQ(probability(unigram, {}, kUnseen), 1.0 / 17.0);
}

TEST(CharNgram, TheBigramDiscountsAndInterpolatesWithTheUnigram) {
  // After a: 4 continuations (b, c, d, b), 3 distinct, ab twice; D = 0.75.
  const double unigram_b = 3.0 / 17.0;
  EXPECT_DOUBLE_EQ(probability(fitted(2), {A}, B), (2 - 0.75) / 4 + 0.75 * 3 / 4 * unigram_b);
  // r never follows a: only the interpolated share.
  EXPECT_DOUBLE_EQ(probability(fitted(2), {A}, R), 0.75 * 3 / 4 * (3.0 / 17.0));
}

TEST(CharNgram, AnUnseenContextBacksOffToTheShorterOne) {
  const CharNgram bigram = fitted(2), trigram = fitted(3), fourgram = fitted(4);
  for (int64_t w = 4; w < kVocab; ++w) {
    // "dd" was never seen, "d" was: the trigram is the bigram after d.
    EXPECT_DOUBLE_EQ(probability(trigram, {D, D}, w), probability(bigram, {D}, w)) << w;
    // Nothing was ever seen after the unseen id: the bigram is the unigram.
    EXPECT_DOUBLE_EQ(probability(bigram, {kUnseen}, w), probability(fitted(1), {}, w)) << w;
    // "rad" was never seen, "ad" was: the 4-gram is the trigram after "ad".
    EXPECT_DOUBLE_EQ(probability(fourgram, {R, A, D}, w), probability(trigram, {A, D}, w)) << w;
  }
  // A seen context interpolates with the shorter one: "ab" and "b" are both always followed by r,
  // twice, so each level is (2 - 0.75) / 2 + 0.75 * 1 / 2 * (the level below).
  const double bigram_r = 0.625 + 0.375 * (3.0 / 17.0);
  EXPECT_DOUBLE_EQ(probability(bigram, {B}, R), bigram_r);
  EXPECT_DOUBLE_EQ(probability(trigram, {A, B}, R), 0.625 + 0.375 * bigram_r);
}

TEST(CharNgram, TheContextDoesNotReachBeforeTheFirstToken) {
  // At position 1 a trigram has only one token of context: the bigram's.
  const std::vector<int64_t> ids = {A, B};
  EXPECT_DOUBLE_EQ(fitted(3).negative_log_likelihood(ids, 1),
                   fitted(2).negative_log_likelihood(ids, 1));
  EXPECT_DOUBLE_EQ(fitted(3).negative_log_likelihood(ids, 0),
                   fitted(1).negative_log_likelihood(ids, 0));
}

TEST(CharNgram, CrossEntropyIsTheMeanNegativeLogLikelihood) {
  const CharNgram trigram = fitted(3);
  double sum = 0.0;
  for (int64_t p = 2; p <= 6; ++p) sum += trigram.negative_log_likelihood(kText, p);
  EXPECT_DOUBLE_EQ(trigram.cross_entropy(kText, 2, 6), sum / 5);
  // Higher orders fit their own training text better.
  EXPECT_LT(trigram.cross_entropy(kText, 1, 10), fitted(1).cross_entropy(kText, 1, 10));
}

TEST(CharNgram, NamesFollowTheOrder) {
  EXPECT_EQ(CharNgram(1, kVocab).name(), "unigram");
  EXPECT_EQ(CharNgram(2, kVocab).name(), "bigram");
  EXPECT_EQ(CharNgram(3, kVocab).name(), "trigram");
  EXPECT_EQ(CharNgram(5, kVocab).name(), "5-gram");
}

TEST(CharNgram, BadIdsAndRangesAreValueErrors) {
  CharNgram ngram(3, kVocab);
  try {
    ngram.fit({A, B, kVocab});
    ADD_FAILURE() << "id " << kVocab << " was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("token 2 has id 10"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ngram.fit({A, -1}), ValueError);
  ngram.fit(kText);
  EXPECT_THROW(ngram.negative_log_likelihood({A, kVocab}, 1), ValueError);
  EXPECT_THROW(ngram.negative_log_likelihood({A, -1}, 1), ValueError);
  EXPECT_THROW(ngram.negative_log_likelihood({A, B}, 2), ValueError);
  EXPECT_THROW(ngram.negative_log_likelihood({A, B}, -1), ValueError);
  EXPECT_THROW(ngram.cross_entropy(kText, 3, 2), ValueError);
  EXPECT_THROW(ngram.cross_entropy(kText, 0, 11), ValueError);
  EXPECT_THROW(ngram.cross_entropy(kText, -1, 3), ValueError);
}

TEST(CharNgram, BadOrderOrVocabularyIsAValueError) {
  EXPECT_THROW(CharNgram(0, kVocab), ValueError);
  EXPECT_THROW(CharNgram(17, kVocab), ValueError);
  EXPECT_THROW(CharNgram(2, 4), ValueError);  // specials only: nothing to predict
  EXPECT_NO_THROW(CharNgram(16, 5));
}

}  // namespace
}  // namespace recur::textgen
