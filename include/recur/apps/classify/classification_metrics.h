// How well predicted class labels match the true ones, for `recur classify` and `recur tag` (a
// tag is a class per token). With C classes, n_ij = number of items of true class i predicted
// as class j (the confusion matrix):
//
//   accuracy      = Σ_i n_ii / Σ_ij n_ij
//   precision_c   = n_cc / Σ_i n_ic   (of the items predicted c, the share that are c)
//   recall_c      = n_cc / Σ_j n_cj   (of the items that are c, the share predicted c)
//   F1_c          = 2 · precision_c · recall_c / (precision_c + recall_c)
//   macro-F1      = mean of F1_c over the classes that occur (support > 0) or are predicted
//
// A precision or recall with nothing to divide by (a class never predicted, or never present)
// is 0, as scikit-learn's zero_division=0, and such a class's F1 is 0; classes neither present
// nor predicted are left out of the macro average.
//
//   ClassificationMetrics m = classification_metrics(truth, predicted, num_classes);
//   m.accuracy; m.macro_f1; m.per_class[c].recall; m.confusion[i][j];
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recur::classify {

struct ClassScores {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  int64_t support = 0;    // items whose true class this is
  int64_t predicted = 0;  // items predicted as this class
};

struct ClassificationMetrics {
  int64_t count = 0;
  double accuracy = 0.0;
  double macro_f1 = 0.0;
  std::vector<ClassScores> per_class;           // [C]
  std::vector<std::vector<int64_t>> confusion;  // [C][C]: row = true class, column = predicted
};

// ValueError on inputs of different lengths, no items, or a label outside [0, num_classes).
ClassificationMetrics classification_metrics(std::span<const int64_t> truth,
                                             std::span<const int64_t> predicted,
                                             int64_t num_classes);

}  // namespace recur::classify
