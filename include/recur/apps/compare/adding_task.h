// The adding problem (Hochreiter & Schmidhuber 1997, experiment 4, in the form of Le, Jaitly &
// Hinton 2015): each of T steps carries two inputs, a value drawn from U(0, 1) and a marker; the
// marker is 1 at exactly two steps, one drawn uniformly from the first half [0, T/2) and one from
// the second half [T/2, T), and 0 elsewhere. The target, read after the last step, is the sum of
// the two marked values. Predicting 1.0 whatever the input scores MSE Var(U1 + U2) = 2/12 = 0.1667,
// the trivial baseline; MSE < 0.01 counts as solved. The longer T, the further back the first
// marked value lies.
#pragma once

#include "recur/apps/compare/task.h"

namespace recur::compare {

class AddingTask : public Task {
 public:
  explicit AddingTask(int64_t length);  // T >= 2; ValueError otherwise

  const TaskSpec& spec() const override { return spec_; }
  TaskBatch batch(int64_t size, Generator& gen) const override;
  // The MSE of predicting 1.0 on the batch.
  double baseline_metric(const TaskBatch& batch) const override;

 private:
  TaskSpec spec_;
};

}  // namespace recur::compare
