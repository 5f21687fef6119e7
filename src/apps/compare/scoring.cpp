#include "recur/apps/compare/scoring.h"

#include "recur/autograd/grad_mode.h"
#include "recur/ops/ops.h"

namespace recur::compare {

Tensor task_loss(const TaskSpec& spec, const Tensor& outputs, const TaskBatch& batch) {
  if (spec.objective == Objective::kRegression) return mse_loss(outputs, batch.targets);
  return cross_entropy(outputs, batch.labels);
}

Score score(const TaskSpec& spec, const Tensor& outputs, const TaskBatch& batch) {
  NoGradGuard no_grad;
  const double loss = task_loss(spec, outputs, batch).item();
  if (spec.objective == Objective::kRegression) return {.loss = loss, .metric = loss};
  const IndexTensor predicted = argmax(outputs, -1);
  int64_t correct = 0;
  for (size_t i = 0; i < batch.labels.size(); ++i) {
    correct += predicted.data()[i] == batch.labels[i] ? 1 : 0;
  }
  return {.loss = loss,
          .metric = static_cast<double>(correct) / static_cast<double>(batch.labels.size())};
}

TaskBatch batch_rows(const TaskSpec& spec, const TaskBatch& batch, int64_t begin, int64_t end) {
  TaskBatch part{.inputs = batch.inputs.rows(begin, end), .targets = {}, .labels = {}};
  if (batch.targets.defined()) part.targets = batch.targets.rows(begin, end);
  if (!batch.labels.empty()) {
    const int64_t S = spec.output_steps;
    part.labels.assign(batch.labels.begin() + begin * S, batch.labels.begin() + end * S);
  }
  return part;
}

}  // namespace recur::compare
