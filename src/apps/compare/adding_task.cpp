#include "recur/apps/compare/adding_task.h"

#include "recur/tensor/error.h"

namespace recur::compare {

AddingTask::AddingTask(int64_t length) {
  if (length < 2) {
    throw ValueError("task adding-" + std::to_string(length) +
                     ": T must be at least 2 (one marker in each half)");
  }
  spec_ = {.name = "adding-" + std::to_string(length),
           .kind = "adding",
           .length = length,
           .steps = length,
           .input_size = 2,
           .output_size = 1,
           .output_steps = 1,
           .objective = Objective::kRegression,
           .metric = "MSE",
           .lower_is_better = true,
           .baseline_loss = 2.0 / 12.0,
           .baseline_metric = 2.0 / 12.0,
           .baseline = "always predict 1.0",
           .threshold = 0.01,
           .form = "The adding problem (Le et al. 2015's form of Hochreiter & Schmidhuber 1997): " +
                   std::to_string(length) +
                   " steps of (value ~ U(0,1), marker); exactly two markers are 1, one in each "
                   "half; the target is the sum of the two marked values. Baseline: always "
                   "predict 1.0, MSE 2/12 = 0.1667. Solved: test MSE < 0.01."};
}

TaskBatch AddingTask::batch(int64_t size, Generator& gen) const {
  const int64_t T = spec_.length, half = T / 2;
  std::vector<float> inputs(static_cast<size_t>(size * T * 2), 0.0f), targets;
  targets.reserve(static_cast<size_t>(size));
  for (int64_t b = 0; b < size; ++b) {
    float* row = inputs.data() + b * T * 2;
    for (int64_t t = 0; t < T; ++t) row[2 * t] = gen.uniform01();
    const auto first = static_cast<int64_t>(gen.below(static_cast<uint64_t>(half)));
    const auto second = half + static_cast<int64_t>(gen.below(static_cast<uint64_t>(T - half)));
    row[2 * first + 1] = 1.0f;
    row[2 * second + 1] = 1.0f;
    targets.push_back(row[2 * first] + row[2 * second]);
  }
  return {.inputs = Tensor::from_vector({size, T, 2}, std::move(inputs)),
          .targets = Tensor::from_vector({size, 1, 1}, std::move(targets)),
          .labels = {}};
}

double AddingTask::baseline_metric(const TaskBatch& batch) const {
  double sum = 0.0;
  for (float y : batch.targets.span()) sum += (static_cast<double>(y) - 1.0) * (y - 1.0);
  return batch.targets.numel() == 0 ? 0.0 : sum / static_cast<double>(batch.targets.numel());
}

}  // namespace recur::compare
