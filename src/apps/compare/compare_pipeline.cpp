#include "recur/apps/compare/compare_pipeline.h"

#include <iostream>

#include "recur/apps/compare/compare_report.h"
#include "recur/io/atomic_file.h"
#include "recur/io/run_folder.h"
#include "recur/tensor/error.h"

namespace recur::compare {
namespace {

// Independent seeds for the parts of one run (SplitMix64 of the seed and a stream number), so
// that adding a task or a model does not shift the numbers any other one draws.
uint64_t derived_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void require_positive_setting(int64_t value, const std::string& what) {
  if (value < 1) {
    throw ValueError("compare: " + what + " = " + std::to_string(value) + ", expected >= 1");
  }
}

void write_text(const std::string& path, const std::string& text) {
  io::AtomicFile out(path);
  out.write(text);
  out.commit();
}

}  // namespace

CompareOptions quick_options() {
  CompareOptions o;
  o.tasks = {"adding-20", "copy-5", "parity-8"};
  o.parameter_budget = 1000;
  o.training.steps = 30;
  o.training.time_cap_seconds = 30.0;
  o.training.batch_size = 16;
  o.training.eval_every = 10;
  o.validation_size = 32;
  o.test_size = 64;
  return o;
}

CompareResult run_compare(const CompareOptions& options) {
  // Every name is checked before anything is trained.
  std::vector<std::unique_ptr<Task>> tasks;
  for (const std::string& name : options.tasks) tasks.push_back(make_task(name));
  std::vector<ModelKind> kinds;
  for (const std::string& name : options.models) kinds.push_back(model_kind_from_name(name));
  if (tasks.empty()) throw ValueError("compare: no task to run");
  if (kinds.empty()) throw ValueError("compare: no model to compare");
  require_positive_setting(options.parameter_budget, "parameter budget");
  require_positive_setting(options.training.steps, "steps");
  require_positive_setting(options.training.batch_size, "batch size");
  require_positive_setting(options.training.eval_every, "eval_every");
  require_positive_setting(options.validation_size, "validation size");
  require_positive_setting(options.test_size, "test size");

  io::StagedRunFolder run(options.out_dir);
  const RunLog log = [&](const std::string& line) {
    if (options.progress != train::ProgressStyle::Quiet) std::cerr << line << "\n";
  };
  CompareResult result;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& task = *tasks[i];
    Generator validation_gen(derived_seed(options.seed, 3 * i));
    Generator test_gen(derived_seed(options.seed, 3 * i + 1));
    const EvaluationSets sets{.validation = task.batch(options.validation_size, validation_gen),
                              .test = task.batch(options.test_size, test_gen)};
    TaskResult t{.spec = task.spec(), .baseline_metric = task.baseline_metric(sets.test)};
    for (ModelKind kind : kinds) {
      t.runs.push_back(train_and_test(task, kind, options.parameter_budget, options.training, sets,
                                      derived_seed(options.seed, 3 * i + 2), log));
    }
    t.verdict = verdict(t);
    log(t.verdict);
    result.files.push_back(plot_task_curves(run.staging().string(), t));
    result.tasks.push_back(std::move(t));
  }
  write_text(run.file("config.json"), config_json(options).dump(2) + "\n");
  write_text(run.file("metrics.json"), metrics_json(result, options).dump(2) + "\n");
  write_text(run.file("report.md"), report_markdown(result, options));
  result.files.insert(result.files.begin(), {"config.json", "metrics.json", "report.md"});
  run.commit();
  return result;
}

}  // namespace recur::compare
