// One model trained on one task under the comparison's shared budget, then tested: every model
// of a task sees the same seeded batches, the same number of steps (unless the wall-clock cap
// ends it first), Adam with the same learning rate and the same gradient-norm clipping. Recorded
// on the way: the learning curve (mean training loss of the last `eval_every` steps, and the
// validation loss and metric, every `eval_every` steps), the first evaluated step whose
// validation metric meets the task's threshold, each step's time, and the growth of the peak
// resident set while it trained.
//
//   compare::ModelRun r = compare::train_and_test(*task, compare::ModelKind::kGru, 10000,
//                                                 budget, sets, /*seed=*/1, log);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "recur/apps/compare/scoring.h"
#include "recur/apps/compare/sequence_model.h"

namespace recur::compare {

// The defaults are the full comparison of docs/COMPARE.md: about 10 minutes on 2 cores. Adam's
// usual 1e-3 left every model at the adding problem's baseline after 600 steps at T = 200; 1e-2
// with clipping let the gated models learn it within the budget.
struct TrainingBudget {
  int64_t steps = 1000;
  double time_cap_seconds = 90.0;  // wall clock per model, evaluations included
  int64_t batch_size = 32;
  double lr = 1e-2;
  double clip_grad_norm = 1.0;
  int64_t eval_every = 50;
};

struct CurvePoint {
  int64_t step = 0;
  double train_loss = 0.0;  // mean over the steps since the previous point
  double validation_loss = 0.0;
  double validation_metric = 0.0;
};

// The held-out sequences every model of a task is evaluated on.
struct EvaluationSets {
  TaskBatch validation, test;
};

struct ModelRun {
  ModelKind kind = ModelKind::kLstm;
  int64_t width = 0, parameters = 0;
  int64_t steps_run = 0;
  bool time_capped = false;  // the wall-clock cap ended training before the last step
  double seconds = 0.0;      // wall clock of the whole training, evaluations included
  double median_step_seconds = 0.0;
  int64_t steps_to_threshold = -1;  // -1: the validation metric never met the threshold
  std::vector<CurvePoint> curve;
  Score test;
  // Growth of the process's peak resident set (VmHWM, reset before training) over its resident
  // set before training; -1 where /proc/self/status cannot say.
  int64_t peak_memory_bytes = -1;
};

using RunLog = std::function<void(const std::string&)>;

// Builds the model whose parameter count is closest to `parameter_budget`, trains it on batches
// drawn from a generator seeded with `seed` (the same for every model of the task), and scores
// it on sets.test.
ModelRun train_and_test(const Task& task, ModelKind kind, int64_t parameter_budget,
                        const TrainingBudget& budget, const EvaluationSets& sets, uint64_t seed,
                        const RunLog& log = {});

// Score of the model on a set, computed `batch_size` sequences at a time.
Score evaluate(const Task& task, SequenceModel& model, const TaskBatch& set, int64_t batch_size);

}  // namespace recur::compare
