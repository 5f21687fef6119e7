#include "recur/apps/compare/parity_task.h"

#include <cmath>

#include "recur/tensor/error.h"

namespace recur::compare {

ParityTask::ParityTask(int64_t length) {
  if (length < 1) {
    throw ValueError("task parity-" + std::to_string(length) + ": T must be at least 1");
  }
  spec_ = {.name = "parity-" + std::to_string(length),
           .kind = "parity",
           .length = length,
           .steps = length,
           .input_size = 1,
           .output_size = 2,
           .output_steps = 1,
           .objective = Objective::kClassification,
           .metric = "accuracy",
           .lower_is_better = false,
           .baseline_loss = std::log(2.0),
           .baseline_metric = 0.5,
           .baseline = "majority class",
           .threshold = 0.95,
           .form = "Parity: " + std::to_string(length) +
                   " inputs of -1 or +1 (probability 1/2 each); class 1 when the count of -1 is "
                   "odd, read after the last step. Baseline: the majority class, accuracy 0.5 in "
                   "expectation. Solved: test accuracy >= 0.95."};
}

TaskBatch ParityTask::batch(int64_t size, Generator& gen) const {
  const int64_t T = spec_.length;
  std::vector<float> inputs;
  inputs.reserve(static_cast<size_t>(size * T));
  std::vector<int64_t> labels;
  labels.reserve(static_cast<size_t>(size));
  for (int64_t b = 0; b < size; ++b) {
    int64_t negatives = 0;
    for (int64_t t = 0; t < T; ++t) {
      const bool negative = gen.bernoulli(0.5f);
      negatives += negative ? 1 : 0;
      inputs.push_back(negative ? -1.0f : 1.0f);
    }
    labels.push_back(negatives % 2);
  }
  return {.inputs = Tensor::from_vector({size, T, 1}, std::move(inputs)),
          .targets = {},
          .labels = std::move(labels)};
}

double ParityTask::baseline_metric(const TaskBatch& batch) const {
  return majority_share(batch.labels);
}

}  // namespace recur::compare
