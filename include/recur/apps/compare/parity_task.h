// Sequence classification by parity: T inputs each -1 or +1 with probability 1/2, and the class
// is 1 when the number of -1 entries is odd (the product of the entries is -1), else 0, read
// after the last step. Every input matters until the end and no partial count predicts the class,
// so it is a long-range dependency with nothing to learn from a prefix (and a known weakness of
// self-attention, Hahn 2020). The classes are balanced: the trivial baseline, the majority class,
// scores accuracy 0.5 in expectation (cross entropy ln 2); accuracy >= 0.95 counts as solved.
#pragma once

#include "recur/apps/compare/task.h"

namespace recur::compare {

class ParityTask : public Task {
 public:
  explicit ParityTask(int64_t length);  // T >= 1; ValueError otherwise

  const TaskSpec& spec() const override { return spec_; }
  TaskBatch batch(int64_t size, Generator& gen) const override;
  // The share of the batch's most frequent class.
  double baseline_metric(const TaskBatch& batch) const override;

 private:
  TaskSpec spec_;
};

}  // namespace recur::compare
