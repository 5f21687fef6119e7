#include "recur/apps/compare/copy_task.h"

#include <cmath>

#include "recur/tensor/error.h"

namespace recur::compare {

CopyTask::CopyTask(int64_t delay) {
  if (delay < 1) {
    throw ValueError("task copy-" + std::to_string(delay) + ": T must be at least 1");
  }
  spec_ = {.name = "copy-" + std::to_string(delay),
           .kind = "copy",
           .length = delay,
           .steps = delay + 2 * kSymbols,
           .input_size = kAlphabet,
           .output_size = kCategories,
           .output_steps = kSymbols,
           .objective = Objective::kClassification,
           .metric = "accuracy",
           .lower_is_better = false,
           .baseline_loss = std::log(static_cast<double>(kCategories)),
           .baseline_metric = 1.0 / static_cast<double>(kCategories),
           .baseline = "guessing",
           .threshold = 0.95,
           .form = "The copy task (Arjovsky et al. 2016): 10 symbols from 8 categories, " +
                   std::to_string(delay - 1) + " blanks, a delimiter and 10 blanks (" +
                   std::to_string(delay + 20) +
                   " one-hot steps); the model must output the 10 symbols during the last 10 "
                   "steps, which alone are scored. Baseline: guessing, ln 8 = 2.079 nats per "
                   "symbol, accuracy 1/8. Solved: test accuracy >= 0.95."};
}

TaskBatch CopyTask::batch(int64_t size, Generator& gen) const {
  const int64_t steps = spec_.steps;
  std::vector<float> inputs(static_cast<size_t>(size * steps * kAlphabet), 0.0f);
  std::vector<int64_t> labels;
  labels.reserve(static_cast<size_t>(size * kSymbols));
  for (int64_t b = 0; b < size; ++b) {
    float* row = inputs.data() + b * steps * kAlphabet;
    for (int64_t t = 0; t < steps; ++t) {
      int64_t symbol = kBlank;
      if (t < kSymbols) {
        symbol = static_cast<int64_t>(gen.below(kCategories));
        labels.push_back(symbol);
      } else if (t == steps - kSymbols - 1) {
        symbol = kDelimiter;
      }
      row[t * kAlphabet + symbol] = 1.0f;
    }
  }
  return {.inputs = Tensor::from_vector({size, steps, kAlphabet}, std::move(inputs)),
          .targets = {},
          .labels = std::move(labels)};
}

double CopyTask::baseline_metric(const TaskBatch& batch) const {
  return majority_share(batch.labels);
}

}  // namespace recur::compare
