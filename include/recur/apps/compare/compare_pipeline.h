// `recur compare` as a library call: every model trained on every task under one parameter
// budget and one training budget, scored beside each task's trivial baseline, written to a run
// folder that appears whole or not at all (io::StagedRunFolder):
//
//   config.json        the settings ("format": "recur.compare"), enough to run it again
//   metrics.json       per task: its definition, the baseline, per model the width, parameters,
//                      test loss and metric, steps to the threshold, steps run, time per step,
//                      peak memory and the learning curve
//   report.md          a table per task and one sentence saying what was measured
//   curves_<task>.png  each model's validation metric by training step, the baseline dashed
//
// The same seed gives the same numbers (with the same --threads): batches, validation and test
// sets and initial weights all come from generators seeded from it.
//
//   compare::CompareOptions o;                      // the full comparison
//   o.out_dir = "runs/compare";
//   compare::CompareResult r = compare::run_compare(o);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recur/apps/compare/task.h"
#include "recur/apps/compare/training_run.h"
#include "recur/train/progress.h"

namespace recur::compare {

struct CompareOptions {
  std::vector<std::string> tasks = {"adding-50", "adding-200", "adding-500",
                                    "copy-20",   "parity-16",  "dates-18"};
  std::vector<std::string> models = {"rnn", "lstm", "gru", "transformer"};
  int64_t parameter_budget = 10000;
  TrainingBudget training;
  int64_t validation_size = 256;
  int64_t test_size = 1000;
  uint64_t seed = 0;
  std::string out_dir = "runs/compare";
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};

// The settings --quick stands for: small tasks, a small budget, seconds in all (for CI).
CompareOptions quick_options();

struct TaskResult {
  TaskSpec spec;
  double baseline_metric = 0.0;  // the trivial baseline measured on the test set
  std::vector<ModelRun> runs;    // in the order of CompareOptions::models
  std::string verdict;           // one sentence on what was measured
};

struct CompareResult {
  std::vector<TaskResult> tasks;
  std::vector<std::string> files;  // written into the run folder
};

// ValueError naming the task or model for an unknown name, before anything is trained; IoError
// when the run folder cannot be written.
CompareResult run_compare(const CompareOptions& options);

}  // namespace recur::compare
