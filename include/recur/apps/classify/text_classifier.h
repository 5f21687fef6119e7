// TextClassifier: the one interface every method of `recur classify` implements — the baselines
// here and the recurrent network — so all are trained on the same split and scored by the same
// code. Texts are UTF-8; a character is a code point (data/utf8.h).
//
//   classify::CharNgramNaiveBayes nb({.max_n = 3});
//   nb.fit(train_texts, train_labels, num_classes);
//   std::vector<int64_t> predicted = nb.predict(test_texts);
//
// The baselines:
//   majority       always the most frequent training class (ties: the lowest class id): what a
//                  model must beat to have learned anything.
//   char n-gram NB multinomial naive Bayes over the character n-grams (n = 1..max_n) of the text
//                  framed by a start and an end mark, with Laplace smoothing alpha:
//                    log P(c) + Σ_g count(g) · log((N_cg + alpha) / (N_c + alpha · |G|))
//                  over the n-grams g of the text seen in training (unseen ones are skipped, as a
//                  fitted scikit-learn CountVectorizer + MultinomialNB does); N_cg counts g in the
//                  training texts of class c, N_c all n-grams of class c, |G| the distinct
//                  n-grams of the training texts. Ties go to the lowest class id.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace recur::classify {

class TextClassifier {
 public:
  virtual ~TextClassifier() = default;
  virtual std::string name() const = 0;
  // labels[i] in [0, num_classes) is the class of texts[i]; ValueError otherwise.
  virtual void fit(const std::vector<std::string>& texts, std::span<const int64_t> labels,
                   int64_t num_classes) = 0;
  virtual std::vector<int64_t> predict(const std::vector<std::string>& texts) const = 0;
};

class MajorityClassifier : public TextClassifier {
 public:
  std::string name() const override { return "majority class"; }
  void fit(const std::vector<std::string>& texts, std::span<const int64_t> labels,
           int64_t num_classes) override;
  std::vector<int64_t> predict(const std::vector<std::string>& texts) const override;

 private:
  int64_t majority_ = -1;
};

struct NaiveBayesOptions {
  int max_n = 3;       // n-grams of 1..max_n characters
  double alpha = 1.0;  // Laplace smoothing, > 0
};

class CharNgramNaiveBayes : public TextClassifier {
 public:
  explicit CharNgramNaiveBayes(NaiveBayesOptions options = {});
  std::string name() const override;
  void fit(const std::vector<std::string>& texts, std::span<const int64_t> labels,
           int64_t num_classes) override;
  std::vector<int64_t> predict(const std::vector<std::string>& texts) const override;
  // log P(c | text) up to a constant, per class (what predict takes the argmax of).
  std::vector<double> log_scores(const std::string& text) const;

 private:
  NaiveBayesOptions options_;
  std::vector<double> log_prior_;                           // [C]
  std::map<std::u32string, std::vector<double>> log_prob_;  // n-gram -> [C]
};

// Checks shared by the classifiers: as many labels as texts, at least one, each in range.
void check_training_set(const std::string& who, const std::vector<std::string>& texts,
                        std::span<const int64_t> labels, int64_t num_classes);

}  // namespace recur::classify
