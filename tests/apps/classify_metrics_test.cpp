#include <gtest/gtest.h>

#include <vector>

#include "recur/apps/classify/classification_metrics.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

// The worked example of scikit-learn's classification_report documentation:
// y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]: precision 0.5, 0, 1; recall 1, 0, 2/3;
// F1 0.667, 0, 0.8; accuracy 0.6; macro-F1 0.489.
TEST(ClassificationMetrics, MatchesScikitLearnsWorkedExample) {
  const std::vector<int64_t> truth{0, 1, 2, 2, 2}, predicted{0, 0, 2, 2, 1};
  const ClassificationMetrics m = classification_metrics(truth, predicted, 3);
  EXPECT_EQ(m.count, 5);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.6);
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.0);
  EXPECT_DOUBLE_EQ(m.per_class[2].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.per_class[0].recall, 1.0);
  EXPECT_DOUBLE_EQ(m.per_class[2].recall, 2.0 / 3.0);
  EXPECT_NEAR(m.per_class[0].f1, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.per_class[2].f1, 0.8, 1e-12);
  EXPECT_NEAR(m.macro_f1, (2.0 / 3.0 + 0.0 + 0.8) / 3.0, 1e-12);
  EXPECT_EQ(m.per_class[2].support, 3);
  EXPECT_EQ(m.per_class[0].predicted, 2);
  const std::vector<std::vector<int64_t>> confusion{{1, 0, 0}, {1, 0, 0}, {0, 1, 2}};
  EXPECT_EQ(m.confusion, confusion);
}

TEST(ClassificationMetrics, ClassesNeitherPresentNorPredictedStayOutOfTheMacroAverage) {
  const std::vector<int64_t> truth{0, 0, 1}, predicted{0, 1, 1};
  const ClassificationMetrics m = classification_metrics(truth, predicted, 4);
  EXPECT_NEAR(m.macro_f1, (2.0 / 3.0 + 2.0 / 3.0) / 2.0, 1e-12);
  EXPECT_EQ(m.per_class[3].support, 0);
  EXPECT_DOUBLE_EQ(m.per_class[3].f1, 0.0);
}

TEST(ClassificationMetrics, BadInputIsAValueError) {
  const std::vector<int64_t> two{0, 1}, one{0}, none, out{0, 3};
  EXPECT_THROW(classification_metrics(two, one, 2), ValueError);
  EXPECT_THROW(classification_metrics(none, none, 2), ValueError);
  EXPECT_THROW(classification_metrics(two, out, 2), ValueError);
  EXPECT_THROW(classification_metrics(out, two, 2), ValueError);
}

}  // namespace
}  // namespace recur::classify
