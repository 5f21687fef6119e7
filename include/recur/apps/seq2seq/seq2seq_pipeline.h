// The sequence-to-sequence pipeline behind `recur seq2seq` (an encoder-decoder with attention,
// seq2seq_net.h): each function is one subcommand.
//
//   train      a source<TAB>target pair file (data/text_pairs.h) -> seeded shuffled split into
//              training, validation and test pairs -> one vocabulary per side from the training
//              pairs (characters or words) -> Seq2SeqNet trained with teacher forcing, the ratio
//              of each epoch from the config's schedule (scheduled sampling), early stopping on
//              the teacher-forced validation loss -> greedy and beam-search translations of the
//              validation and test sources scored beside the copy-the-source baseline (the
//              source's tokens as the output) -> run folder, all or nothing:
//                model.safetensors  config.json  source_vocabulary.json  target_vocabulary.json
//                metrics.json  training.csv  report.md  attention_1.png ... attention_3.png
//                checkpoint.safetensors
//   translate  texts -> translations (greedy with beam width 1, else beam search)
//   evaluate   a trained run scored on a pair file, beside the copy baseline
//
// Scores (metrics.h): exact match (share of outputs equal to the target), token accuracy (share
// of target tokens matched at their position) and corpus BLEU (4-gram, brevity penalty; a
// fraction in [0, 1]); higher is better. A target token not in the target vocabulary can never
// be matched by any method; the report counts the scored tokens missing from the vocabularies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recur/apps/seq2seq/seq2seq_config.h"
#include "recur/train/progress.h"

namespace recur::seq2seq {

struct Seq2SeqRunOptions {
  std::string data_path;
  std::string out_dir;
  Seq2SeqConfig config;
  bool resume = false;
  train::ProgressStyle progress = train::ProgressStyle::Auto;
};

// One method's scores on one split.
struct Seq2SeqScores {
  std::string split;   // "validation", "test" (train) or "all" (evaluate)
  std::string method;  // "lstm greedy", "lstm beam 5", "copy source"
  int64_t pairs = 0;
  double exact_match = 0.0;
  double token_accuracy = 0.0;
  double bleu = 0.0;
};

// One translated example, for reports and `translate`.
struct Seq2SeqExample {
  std::string source, target, output;  // target empty when unknown (translate)
};

struct Seq2SeqRunResult {
  std::vector<Seq2SeqScores> scores;
  std::string verdict;  // plain sentence: does the network beat the copy baseline on test?
  int64_t epochs_run = 0;
  std::vector<float> teacher_forcing;  // the ratio of each epoch run (all of them, on --resume)
  int64_t source_vocabulary_size = 0, target_vocabulary_size = 0;
  int64_t unknown_tokens = 0;            // scored source and target tokens not in a vocabulary
  std::vector<Seq2SeqExample> examples;  // a few test translations (greedy)
  std::vector<std::string> files;        // written to the run folder
};

Seq2SeqRunResult train_seq2seq(const Seq2SeqRunOptions& options);

// A trained run scored on every pair of `data_path` (split "all"), with greedy decoding, beam
// search of width beam_width (0: the run's) and the copy baseline.
Seq2SeqRunResult evaluate_seq2seq(const std::string& run_dir, const std::string& data_path,
                                  int64_t beam_width = 0);

struct Translated {
  std::string source, output;
  int64_t unknown_tokens = 0;  // source tokens the model does not know (read as <unk>)
  bool finished = true;        // false when cut at max_length before <eos>
};

// beam_width 1 decodes greedily, 0 takes the run's; ValueError for an empty text (naming its
// position, from 1) or a negative beam width.
std::vector<Translated> translate_texts(const std::string& run_dir,
                                        const std::vector<std::string>& texts,
                                        int64_t beam_width = 0);

// The scores as an aligned plain-text table, one block per split.
std::string format_seq2seq_scores(const std::vector<Seq2SeqScores>& scores);

}  // namespace recur::seq2seq
