// The synthetic tasks of `recur compare`: seeded generators of sequence batches, each with what a
// model must output, how it is scored and the trivial baseline it must beat. Every task is made
// by name ("adding-200", "copy-20", "parity-16", "dates-18": the kind, then the length that makes
// it hard):
//
//   std::unique_ptr<compare::Task> task = compare::make_task("adding-200");
//   Generator gen(1);
//   compare::TaskBatch b = task->batch(32, gen);   // b.inputs [32, 200, 2], b.targets [32, 1, 1]
//
// A model reads inputs [B, T, input_size] and answers at the last `output_steps` steps:
// regression tasks compare its [B, S, output_size] with `targets` (MSE); classification tasks
// read its [B, S, classes] as logits for `labels` (B * S class indices, row-major). The same
// generator state gives the same batch, so every model can be trained on the same batches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur::compare {

enum class Objective { kRegression, kClassification };

struct TaskBatch {
  Tensor inputs;                // [B, T, input_size]
  Tensor targets;               // regression: [B, output_steps, output_size]
  std::vector<int64_t> labels;  // classification: B * output_steps class indices
};

struct TaskSpec {
  std::string name;    // as given to make_task, e.g. "adding-200"
  std::string kind;    // "adding", "copy", "parity"
  int64_t length = 0;  // T, the task's difficulty parameter (see `form`)
  int64_t steps = 0;   // time steps of an input sequence
  int64_t input_size = 0;
  int64_t output_size = 0;   // regression outputs or classes per scored step
  int64_t output_steps = 1;  // scored steps at the end of the sequence
  Objective objective = Objective::kRegression;
  std::string metric;  // "MSE" or "accuracy"
  bool lower_is_better = true;
  double baseline_loss = 0.0;    // the trivial baseline's expected loss
  double baseline_metric = 0.0;  // ... and metric
  std::string baseline;          // what the trivial baseline does
  double threshold = 0.0;        // the metric that counts as solved (< for MSE, >= for accuracy)
  std::string form;              // the task's definition and source, one paragraph
};

class Task {
 public:
  virtual ~Task() = default;
  virtual const TaskSpec& spec() const = 0;
  // `size` sequences drawn from gen.
  virtual TaskBatch batch(int64_t size, Generator& gen) const = 0;
  // The trivial baseline's metric measured on `batch` (its expected value is
  // spec().baseline_metric).
  virtual double baseline_metric(const TaskBatch& batch) const = 0;
};

// "adding-T", "copy-T", "parity-T" or "dates-T" with T a whole number in the task's range;
// ValueError naming the text and the task names otherwise.
std::unique_ptr<Task> make_task(const std::string& name);

// The share of the most frequent class among `labels` (0 when empty): the accuracy of the best
// constant guess.
double majority_share(const std::vector<int64_t>& labels);

// Whether `value` of the task's metric counts as solved (below or at least the threshold).
bool meets_threshold(const TaskSpec& spec, double value);

}  // namespace recur::compare
