#include "recur/apps/compare/training_run.h"

#include <algorithm>
#include <chrono>

#include "recur/apps/compare/parameter_budget.h"
#include "recur/autograd/grad_mode.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"
#include "resident_memory.h"

namespace recur::compare {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median_seconds(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

std::string run_name(const Task& task, const ModelRun& r) {
  return task.spec().name + " " + model_kind_name(r.kind) + " (width " + std::to_string(r.width) +
         ", " + std::to_string(r.parameters) + " parameters)";
}

}  // namespace

Score evaluate(const Task& task, SequenceModel& model, const TaskBatch& set, int64_t batch_size) {
  NoGradGuard no_grad;
  model.eval();
  const int64_t n = set.inputs.size(0);
  double loss = 0.0, metric = 0.0;
  for (int64_t begin = 0; begin < n; begin += batch_size) {
    const int64_t end = std::min(n, begin + batch_size);
    const TaskBatch part = batch_rows(task.spec(), set, begin, end);
    const Score s = score(task.spec(), model.forward(part.inputs), part);
    // Every sequence has the same number of scored values, so weighting by rows is exact.
    loss += s.loss * static_cast<double>(end - begin);
    metric += s.metric * static_cast<double>(end - begin);
  }
  model.train();
  return {.loss = loss / static_cast<double>(n), .metric = metric / static_cast<double>(n)};
}

ModelRun train_and_test(const Task& task, ModelKind kind, int64_t parameter_budget,
                        const TrainingBudget& budget, const EvaluationSets& sets, uint64_t seed,
                        const RunLog& log) {
  const TaskSpec& spec = task.spec();
  const ModelShape shape = model_shape(spec);
  const MatchedWidth matched = match_width(kind, shape, parameter_budget);
  ModelRun r{.kind = kind, .width = matched.width, .parameters = matched.parameters};

  reset_peak_resident();
  const int64_t rss_before = proc_status_bytes("VmRSS");
  Generator weights(seed), batches(seed + 1);
  const std::unique_ptr<SequenceModel> model = make_model(kind, shape, matched.width, weights);
  model->train();
  optim::Adam optimizer(model->parameters(), {.lr = budget.lr});
  if (log) log(run_name(task, r) + ": training");

  std::vector<double> step_seconds;
  double loss_since_point = 0.0;
  int64_t steps_since_point = 0;
  const Clock::time_point start = Clock::now();
  for (int64_t step = 1; step <= budget.steps; ++step) {
    const TaskBatch batch = task.batch(budget.batch_size, batches);
    const Clock::time_point step_start = Clock::now();
    optimizer.zero_grad();
    Tensor loss = task_loss(spec, model->forward(batch.inputs), batch);
    loss.backward();
    if (budget.clip_grad_norm > 0.0)
      optim::clip_grad_norm_(model->parameters(), budget.clip_grad_norm);
    optimizer.step();
    step_seconds.push_back(seconds_since(step_start));
    loss_since_point += loss.item();
    ++steps_since_point;
    r.steps_run = step;

    const bool capped = seconds_since(start) >= budget.time_cap_seconds && step < budget.steps;
    if (step % budget.eval_every == 0 || step == budget.steps || capped) {
      const Score v = evaluate(task, *model, sets.validation, budget.batch_size);
      r.curve.push_back({.step = step,
                         .train_loss = loss_since_point / static_cast<double>(steps_since_point),
                         .validation_loss = v.loss,
                         .validation_metric = v.metric});
      loss_since_point = 0.0;
      steps_since_point = 0;
      if (r.steps_to_threshold < 0 && meets_threshold(spec, v.metric)) r.steps_to_threshold = step;
      if (log) {
        log(run_name(task, r) + ": step " + std::to_string(step) + "/" +
            std::to_string(budget.steps) + ", validation " + spec.metric + " " +
            std::to_string(v.metric));
      }
    }
    if (capped) {
      r.time_capped = true;
      break;
    }
  }
  r.seconds = seconds_since(start);
  r.median_step_seconds = median_seconds(step_seconds);
  r.test = evaluate(task, *model, sets.test, budget.batch_size);
  const int64_t peak = proc_status_bytes("VmHWM");
  r.peak_memory_bytes = peak < 0 || rss_before < 0 ? -1 : std::max<int64_t>(0, peak - rss_before);
  return r;
}

}  // namespace recur::compare
