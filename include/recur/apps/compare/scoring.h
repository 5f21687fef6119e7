// How `recur compare` scores a model's answers on a task batch: the training loss (MSE for
// regression, cross entropy for classification, over the scored steps only) and the task's metric
// (MSE, or the share of scored steps whose most likely class is the label).
#pragma once

#include "recur/apps/compare/task.h"

namespace recur::compare {

struct Score {
  double loss = 0.0;
  double metric = 0.0;
};

// outputs [B, output_steps, output_size] -> the differentiable loss; ShapeError when they do not
// fit the batch.
Tensor task_loss(const TaskSpec& spec, const Tensor& outputs, const TaskBatch& batch);

// The loss and metric of outputs on the batch (no gradient).
Score score(const TaskSpec& spec, const Tensor& outputs, const TaskBatch& batch);

// Sequences [begin, end) of a batch, for scoring a large set in pieces.
TaskBatch batch_rows(const TaskSpec& spec, const TaskBatch& batch, int64_t begin, int64_t end);

}  // namespace recur::compare
