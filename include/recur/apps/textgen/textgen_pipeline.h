// The character-language-model pipeline behind `recur textgen` (one-to-many generation): each
// function is one subcommand.
//
//   train   a UTF-8 text file (data/text_corpus.h) -> cut by position into training, validation
//           and test text (the first 90 %, the next 5 %, the last 5 % by default: contiguous, so
//           no passage is in two splits) -> character vocabulary of the training text ->
//           LanguageModelNet trained by truncated BPTT (train::StreamLoader: batch_size parallel
//           streams, chunk_length steps per batch, the state carried between batches and reset
//           each epoch) with early stopping on the validation loss -> the network, a unigram and
//           a smoothed character n-gram (char_ngram.h, fitted on the same training text) scored
//           on exactly the same validation and test characters -> run folder, all or nothing:
//             model.safetensors  config.json  vocabulary.json  metrics.json  training.csv
//             report.md  checkpoint.safetensors
//   sample  text generated from a prompt, streamed as it is drawn (text_generator.h)
//
// Scores: cross-entropy in nats per character, bits per character (nats / ln 2) and perplexity
// (e^nats); lower is better. A character of validation or test text that is not in the training
// vocabulary is <unk> for every method, and the report counts them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "recur/apps/textgen/textgen_config.h"
#include "recur/ops/sampling.h"
#include "recur/train/progress.h"

namespace recur::textgen {

struct TextgenRunOptions {
  std::string data_path;
  std::string out_dir;
  TextgenConfig config;
  bool resume = false;
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};

// One method's scores on one split.
struct TextgenScores {
  std::string split;       // "validation" or "test"
  std::string method;      // "lstm", "unigram", "5-gram"
  int64_t characters = 0;  // characters predicted
  double nats = 0.0;       // mean -ln P per character
  double bits_per_character() const;
  double perplexity() const;
};

struct TextgenRunResult {
  std::vector<TextgenScores> scores;
  std::string verdict;  // plain sentence: does the network beat the baselines on the test split?
  std::string sample;   // text the trained model wrote (in the report too)
  int64_t epochs_run = 0;
  int64_t vocabulary_size = 0;
  int64_t unknown_characters = 0;  // validation and test characters not in the vocabulary
  std::vector<std::string> files;  // written to the run folder
};

TextgenRunResult train_textgen(const TextgenRunOptions& options);

struct SampleOptions {
  std::string prompt = "\n";  // fed first; every character must be in the vocabulary
  int64_t length = 500;       // characters to generate after the prompt
  SamplingOptions sampling{.temperature = 0.8f};
  uint64_t seed = 0;
  int threads = 1;
};

// Loads the run and generates, calling on_text with each character as soon as it is drawn;
// returns the generated text (without the prompt). ValueError naming the character and its
// position for a prompt character the model does not know, or for an empty prompt.
std::string sample_text(const std::string& run_dir, const SampleOptions& options,
                        const std::function<void(const std::string&)>& on_text = {});

// The scores as an aligned plain-text table, one block per split.
std::string format_textgen_scores(const std::vector<TextgenScores>& scores);

}  // namespace recur::textgen
