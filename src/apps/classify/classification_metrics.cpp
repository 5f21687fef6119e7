#include "recur/apps/classify/classification_metrics.h"

#include <string>

#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

double ratio(int64_t numerator, int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

void check_label(const char* which, int64_t label, size_t i, int64_t num_classes) {
  if (label < 0 || label >= num_classes) {
    throw ValueError(std::string("classification metrics: ") + which + " label " +
                     std::to_string(label) + " at item " + std::to_string(i) + " is outside [0, " +
                     std::to_string(num_classes) + ")");
  }
}

}  // namespace

ClassificationMetrics classification_metrics(std::span<const int64_t> truth,
                                             std::span<const int64_t> predicted,
                                             int64_t num_classes) {
  if (truth.size() != predicted.size() || truth.empty() || num_classes < 1) {
    throw ValueError("classification metrics: need as many predictions (" +
                     std::to_string(predicted.size()) + ") as true labels (" +
                     std::to_string(truth.size()) + "), at least one, and classes");
  }
  const size_t C = static_cast<size_t>(num_classes);
  ClassificationMetrics m;
  m.count = static_cast<int64_t>(truth.size());
  m.confusion.assign(C, std::vector<int64_t>(C, 0));
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    check_label("true", truth[i], i, num_classes);
    check_label("predicted", predicted[i], i, num_classes);
    ++m.confusion[static_cast<size_t>(truth[i])][static_cast<size_t>(predicted[i])];
    correct += truth[i] == predicted[i] ? 1 : 0;
  }
  m.accuracy = ratio(correct, m.count);
  m.per_class.resize(C);
  double f1_sum = 0.0;
  int64_t averaged = 0;
  for (size_t c = 0; c < C; ++c) {
    ClassScores& s = m.per_class[c];
    for (size_t j = 0; j < C; ++j) s.support += m.confusion[c][j];
    for (size_t i = 0; i < C; ++i) s.predicted += m.confusion[i][c];
    s.precision = ratio(m.confusion[c][c], s.predicted);
    s.recall = ratio(m.confusion[c][c], s.support);
    const double sum = s.precision + s.recall;
    s.f1 = sum > 0.0 ? 2.0 * s.precision * s.recall / sum : 0.0;
    if (s.support > 0 || s.predicted > 0) {
      f1_sum += s.f1;
      ++averaged;
    }
  }
  m.macro_f1 = averaged > 0 ? f1_sum / static_cast<double>(averaged) : 0.0;
  return m;
}

}  // namespace recur::classify
