// What `recur compare` writes about its measurements: the one-sentence verdict per task (which
// models solved it, which stayed at the trivial baseline, which learned part of it), the Markdown
// report, metrics.json and the learning-curve plots.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "recur/apps/compare/compare_pipeline.h"

namespace recur::compare {

// How a model's test metric stands against the task: met the threshold, no better than the
// baseline (within 10 % of the way from the baseline to a perfect score), or in between.
enum class Outcome { kSolved, kAtBaseline, kPartial };
Outcome outcome(const TaskSpec& spec, double baseline_metric, double test_metric);

// E.g. "adding-500: LSTM and GRU solved it (test MSE < 0.0100: LSTM 0.0021, GRU 0.0009); vanilla
// RNN did not beat the baseline (vanilla RNN 0.1660; baseline 0.1667)."
std::string verdict(const TaskResult& task);

nlohmann::json metrics_json(const CompareResult& result, const CompareOptions& options);
nlohmann::json config_json(const CompareOptions& options);
std::string report_markdown(const CompareResult& result, const CompareOptions& options);
// Terminal table of every task's test metrics.
std::string format_summary(const CompareResult& result);

// curves_<task>.png in `dir`: each model's validation metric by step, the baseline dashed.
// Returns the file name.
std::string plot_task_curves(const std::string& dir, const TaskResult& task);

}  // namespace recur::compare
