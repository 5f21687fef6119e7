// The text-classification pipeline behind `recur classify` (many-to-one): each function is one
// subcommand.
//
//   train     CSV/TSV (a text column and a label column) -> seeded shuffled split into training,
//             validation and test -> vocabulary from the training texts -> ClassifierNet trained
//             with early stopping on the validation loss (the one train::Trainer, length-bucketed
//             batches) -> the network and the baselines (majority class, character n-gram naive
//             Bayes, fitted on the same training texts) scored on the same validation and test
//             texts -> run folder, all or nothing (io/run_folder.h):
//               model.safetensors  config.json  vocabulary.json  metrics.json  training.csv
//               report.md  checkpoint.safetensors
//   evaluate  a trained run scored on every row of a labeled file
//   predict   the class (and its probability) of each text
#pragma once

#include <string>
#include <vector>

#include "recur/apps/classify/classification_metrics.h"
#include "recur/apps/classify/classify_config.h"
#include "recur/train/progress.h"

namespace recur::classify {

struct ClassifyRunOptions {
  std::string data_path;
  std::string out_dir;
  ClassifyConfig config;
  bool resume = false;
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};

// One method's scores on one split.
struct ScoredMethod {
  std::string split;   // "validation", "test" or "all"
  std::string method;  // "lstm", "majority class", ...
  ClassificationMetrics metrics;
};

struct ClassifyRunResult {
  std::vector<ScoredMethod> scores;
  std::vector<std::string> classes;
  std::string verdict;  // plain sentence: does the network beat both baselines on the test split?
  std::vector<std::string> files;
  int64_t epochs_run = 0;
  int64_t unknown_tokens = 0;  // tokens of the scored texts mapped to <unk>
};

ClassifyRunResult train_classifier(const ClassifyRunOptions& options);
ClassifyRunResult evaluate_classifier(const std::string& run_dir, const std::string& data_path);

struct ClassPrediction {
  std::string text;
  std::string label;
  double probability = 0.0;
  int64_t unknown_tokens = 0;
};
std::vector<ClassPrediction> predict_classes(const std::string& run_dir,
                                             const std::vector<std::string>& texts);

// A console table of the scores, split by split.
std::string format_scores(const std::vector<ScoredMethod>& scores);

}  // namespace recur::classify
