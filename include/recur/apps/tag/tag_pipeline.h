// The sequence-tagging pipeline behind `recur tag` (many-to-many, e.g. part-of-speech tagging):
// each function is one subcommand.
//
//   train     tagged sentences (data/tagged_sentences.h: one token per line, a blank line
//             between sentences, columns picked by the config) -> seeded shuffle of the SENTENCES
//             into training, validation and test -> word vocabulary from the training sentences
//             -> TaggerNet trained with early stopping on the validation loss (the one
//             train::Trainer, length-bucketed batches, cross-entropy over real tokens only) ->
//             the network and the most-frequent-tag-per-word baseline (fitted on the same
//             training sentences) scored on the same validation and test tokens -> run folder,
//             all or nothing (io/run_folder.h):
//               model.safetensors  config.json  vocabulary.json  metrics.json  training.csv
//               report.md  checkpoint.safetensors
//   evaluate  a trained run scored on every token of a tagged file; a tag the model does not
//             know is a ValueError naming the file and line
//   predict   one tag per token of each sentence
//
// The tag list is every tag of the training file, sorted; a tag that occurs only in the
// validation or test sentences is kept (the network never learns it, so those tokens count as
// errors for both methods) and the report counts such tokens.
//
// Scores: token accuracy over all tokens; unseen-word accuracy over the tokens whose word (folded
// when the vocabulary folds) never occurs in the training sentences; per-tag precision, recall
// and F1 and their macro mean (classify/classification_metrics.h, a tag is a class per token).
#pragma once

#include <string>
#include <vector>

#include "recur/apps/classify/classification_metrics.h"
#include "recur/apps/tag/tag_config.h"
#include "recur/train/progress.h"

namespace recur::tag {

struct TagRunOptions {
  std::string data_path;
  std::string out_dir;
  TagConfig config;
  bool resume = false;
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};

// One method's scores on one split's tokens.
struct TagScores {
  std::string split;   // "validation", "test" or "all"
  std::string method;  // "lstm", "most frequent tag per word"
  classify::ClassificationMetrics metrics;
  int64_t unseen_tokens = 0;     // tokens whose word was not in the training sentences
  double unseen_accuracy = 0.0;  // accuracy on those (0 when there are none)
};

struct TagRunResult {
  std::vector<TagScores> scores;
  std::vector<std::string> tags;
  std::string verdict;  // plain sentence: does the network beat the baseline on the test split?
  int64_t epochs_run = 0;
  int64_t unknown_tokens = 0;        // scored tokens mapped to <unk> by the vocabulary
  int64_t untrained_tag_tokens = 0;  // scored tokens whose tag never occurs in training
  std::vector<std::string> files;    // written to the run folder
};

struct TaggedPrediction {
  std::vector<std::string> tokens;
  std::vector<std::string> tags;  // one per token
  int64_t unknown_tokens = 0;
};

TagRunResult train_tagger(const TagRunOptions& options);
// Only the network can be scored here: the baseline is not saved with the run. Unseen-word
// accuracy counts the tokens the vocabulary maps to <unk>.
TagRunResult evaluate_tagger(const std::string& run_dir, const std::string& data_path);
// Each sentence is a list of tokens; an empty sentence is a ValueError.
std::vector<TaggedPrediction> predict_tags(const std::string& run_dir,
                                           const std::vector<std::vector<std::string>>& sentences);

// The scores as an aligned plain-text table, one block per split.
std::string format_tag_scores(const std::vector<TagScores>& scores);

}  // namespace recur::tag
