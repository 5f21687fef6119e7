// The copy (memory) task of Arjovsky, Shah & Bengio 2016 (after Hochreiter & Schmidhuber 1997):
// an alphabet of 10 symbols, 0-7 the data categories, 8 the blank and 9 the delimiter. The input
// is 10 symbols drawn uniformly from the 8 categories, then T - 1 blanks, the delimiter, and 10
// more blanks (T + 20 steps, each a one-hot vector of 10); during those last 10 steps the model
// must reproduce the 10 symbols in order. Only those 10 output steps are scored (the blanks before
// them are trivially predictable): cross entropy over the 8 categories, and accuracy per symbol.
// A model that remembers nothing can only guess: ln 8 = 2.079 nats per symbol, accuracy 1/8, the
// trivial baseline; accuracy >= 0.95 counts as solved.
#pragma once

#include "recur/apps/compare/task.h"

namespace recur::compare {

class CopyTask : public Task {
 public:
  static constexpr int64_t kSymbols = 10;    // symbols to remember
  static constexpr int64_t kCategories = 8;  // their alphabet
  static constexpr int64_t kBlank = 8;
  static constexpr int64_t kDelimiter = 9;
  static constexpr int64_t kAlphabet = 10;  // one-hot input size

  explicit CopyTask(int64_t delay);  // T >= 1; ValueError otherwise

  const TaskSpec& spec() const override { return spec_; }
  TaskBatch batch(int64_t size, Generator& gen) const override;
  // The accuracy of the best constant guess: the share of the batch's most frequent category.
  double baseline_metric(const TaskBatch& batch) const override;

 private:
  TaskSpec spec_;
};

}  // namespace recur::compare
