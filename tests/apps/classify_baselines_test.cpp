#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "recur/apps/classify/classification_metrics.h"
#include "recur/apps/classify/text_classifier.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

TEST(MajorityClassifier, PredictsTheMostFrequentTrainingClass) {
  MajorityClassifier m;
  const std::vector<int64_t> labels{1, 0, 1, 2, 1};
  m.fit({"a", "b", "c", "d", "e"}, labels, 3);
  EXPECT_EQ(m.predict({"x", "y"}), (std::vector<int64_t>{1, 1}));
  const std::vector<int64_t> tie{0, 1};
  m.fit({"a", "b"}, tie, 2);
  EXPECT_EQ(m.predict({"x"}), (std::vector<int64_t>{0}));  // ties: the lowest id
}

// Two one-character texts, unigrams and bigrams with the frame marks ^ and $, by hand:
// class 0 = {"a"}: grams a, ^a, a$ (3); class 1 = {"b"}: b, ^b, b$ (3); 6 distinct grams.
// log P(c | "a") = log 1/2 + Σ over a, ^a, a$ of log((N_cg + 1) / (3 + 6)).
TEST(CharNgramNaiveBayes, ScoresAreTheFormulaByHand) {
  CharNgramNaiveBayes nb({.max_n = 2, .alpha = 1.0});
  const std::vector<int64_t> labels{0, 1};
  nb.fit({"a", "b"}, labels, 2);
  const std::vector<double> s = nb.log_scores("a");
  EXPECT_NEAR(s[0], std::log(0.5) + 3 * std::log(2.0 / 9.0), 1e-12);
  EXPECT_NEAR(s[1], std::log(0.5) + 3 * std::log(1.0 / 9.0), 1e-12);
  // Unseen n-grams are skipped: only the prior is left.
  const std::vector<double> unseen = nb.log_scores("z");
  EXPECT_NEAR(unseen[0], std::log(0.5), 1e-12);
}

TEST(CharNgramNaiveBayes, LearnsHowNamesEnd) {
  const std::vector<std::string> female{"Anna",  "Maria",  "Julia", "Emma", "Sofia",
                                        "Laura", "Olivia", "Clara", "Nora", "Lena"};
  const std::vector<std::string> male{"John",   "Peter",  "David",  "Frank", "Oliver",
                                      "Thomas", "Daniel", "Robert", "Simon", "Martin"};
  std::vector<std::string> texts;
  std::vector<int64_t> labels;
  for (const auto& n : female) texts.push_back(n), labels.push_back(0);
  for (const auto& n : male) texts.push_back(n), labels.push_back(1);
  CharNgramNaiveBayes nb;
  nb.fit(texts, labels, 2);
  EXPECT_EQ(nb.predict({"Helena", "Albert", "Livia", "Hubert"}), (std::vector<int64_t>{0, 1, 0, 1}));
  const ClassificationMetrics m = classification_metrics(labels, nb.predict(texts), 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
}

TEST(CharNgramNaiveBayes, CharactersAreCodePointsNotBytes) {
  CharNgramNaiveBayes nb({.max_n = 1});
  const std::vector<int64_t> labels{0, 1};
  nb.fit({"é", "e"}, labels, 2);  // "é" is two bytes, one character
  EXPECT_EQ(nb.predict({"é", "e"}), (std::vector<int64_t>{0, 1}));
  EXPECT_THROW(nb.predict({"\xc3"}), ValueError);  // a cut UTF-8 sequence
}

TEST(TextClassifiers, BadInputIsAValueError) {
  MajorityClassifier m;
  CharNgramNaiveBayes nb;
  EXPECT_THROW(m.predict({"a"}), ValueError);
  EXPECT_THROW(nb.predict({"a"}), ValueError);
  const std::vector<int64_t> one{0}, out{2};
  EXPECT_THROW(m.fit({"a", "b"}, one, 2), ValueError);
  EXPECT_THROW(nb.fit({"a"}, out, 2), ValueError);
  EXPECT_THROW(CharNgramNaiveBayes({.max_n = 0}), ValueError);
  EXPECT_THROW(CharNgramNaiveBayes({.alpha = 0.0}), ValueError);
}

}  // namespace
}  // namespace recur::classify
