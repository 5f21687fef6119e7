// The flags the token jobs share (`recur classify`, `recur tag`, `recur textgen`, `recur seq2seq`):
// one place for their names, help and range checks, bound to the shared blocks of their configs
// ("tokens", "model", "training"). Defaults are those of the structs passed in, shown in --help.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "number_flags.h"
#include "recur/apps/classify/classify_config.h"
#include "recur/apps/token_net.h"
#include "recur/kernels/parallel.h"
#include "recur/train/progress.h"

namespace recur::cli {

inline CLI::Validator within(classify::WholeRange r) { return whole_number(r.min, r.max); }

// --threads, --quiet, --json: every subcommand of a token job has them.
struct CommonFlags {
  int threads = 0;
  bool quiet = false, json_output = false;

  void apply_threads() const {
    if (threads > 0) kernels::set_num_threads(threads);
  }
  // Progress on stderr unless the output is to be quiet or machine-read.
  train::ProgressStyle progress() const {
    return quiet || json_output ? train::ProgressStyle::Quiet : train::ProgressStyle::Auto;
  }
};

inline void add_common_flags(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("--threads", f.threads, "threads to use (default: all cores)")
      ->check(whole_number(0, 4096));
  cmd.add_flag("--quiet,-q", f.quiet, "print nothing but errors (and --json output)");
  cmd.add_flag("--json", f.json_output, "print the result as JSON on stdout");
}

// --lowercase, --min-frequency, --max-vocab; `tokens` names what the vocabulary counts.
inline void add_vocabulary_flags(CLI::App& cmd, data::VocabularyOptions& v,
                                 const std::string& tokens) {
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  cmd.add_flag("--lowercase", v.lowercase, "fold case before building the vocabulary");
  cmd.add_option("--min-frequency", v.min_frequency,
                 "keep " + tokens + " seen at least this often in training")
      ->check(within(L.min_frequency))
      ->capture_default_str();
  cmd.add_option("--max-vocab", v.max_size, "largest vocabulary, specials included (0: any)")
      ->check(within(L.max_vocab))
      ->capture_default_str();
}

// --model (one of `cells`), --embedding-dim, --hidden, --layers, --dropout, and
// --recurrent-dropout for shapes that have it.
template <class Shape>
void add_model_flags(CLI::App& cmd, Shape& m,
                     const std::vector<std::string>& cells = {"lstm", "gru", "rnn", "ln_lstm",
                                                              "ln_gru"}) {
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  std::string names;
  for (const std::string& c : cells) names += (names.empty() ? "" : " | ") + c;
  cmd.add_option("--model", m.cell, names)->check(CLI::IsMember(cells))->capture_default_str();
  cmd.add_option("--embedding-dim", m.embedding_dim, "embedding size")
      ->check(within(L.embedding_dim))
      ->capture_default_str();
  cmd.add_option("--hidden", m.hidden_size, "hidden size (per direction)")
      ->check(within(L.hidden_size))
      ->capture_default_str();
  cmd.add_option("--layers", m.num_layers, "stacked layers")
      ->check(within(L.num_layers))
      ->capture_default_str();
  cmd.add_option("--dropout", m.dropout, "dropout between layers")
      ->check(real_number(0.0, L.max_dropout, Bounds::kOpenMax))
      ->capture_default_str();
  if constexpr (apps::HasRecurrentDropout<Shape>) {
    cmd.add_option("--recurrent-dropout", m.recurrent_dropout,
                   "variational dropout on the recurrent state: one mask per sequence, the same "
                   "at every step (Gal & Ghahramani 2016)")
        ->check(real_number(0.0, L.max_dropout, Bounds::kOpenMax))
        ->capture_default_str();
  }
}

// `items` names what a batch and the splits count, e.g. "texts" or "sentences".
inline void add_training_flags(CLI::App& cmd, classify::ClassifyTraining& t,
                               const std::string& items) {
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  const auto whole = within;
  cmd.add_option("--epochs", t.epochs, "maximum epochs")
      ->check(whole(L.epochs))
      ->capture_default_str();
  cmd.add_option("--batch-size", t.batch_size, items + " per mini-batch")
      ->check(whole(L.batch_size))
      ->capture_default_str();
  cmd.add_option("--lr", t.lr, "Adam learning rate")
      ->check(real_number(0.0, L.max_lr, Bounds::kOpenMin))
      ->capture_default_str();
  cmd.add_option("--patience", t.patience, "early-stopping patience in epochs")
      ->check(whole(L.epochs))
      ->capture_default_str();
  cmd.add_option("--clip-grad-norm", t.clip_grad_norm, "gradient-norm clipping, 0 = off")
      ->check(real_number(0.0))
      ->capture_default_str();
  cmd.add_option("--seed", t.seed, "random seed: same seed, same result")
      ->check(whole_number(0))
      ->capture_default_str();
  cmd.add_option("--val-fraction", t.val_fraction, "validation share of the " + items)
      ->check(real_number(0.0, 1.0, Bounds::kOpen))
      ->capture_default_str();
  cmd.add_option("--test-fraction", t.test_fraction, "test share of the " + items)
      ->check(real_number(0.0, 1.0, Bounds::kOpen))
      ->capture_default_str();
}

// What `<job> train` prints when it is done: with --json one document ({"run", "scores",
// "verdict", "epochs", "files"} and `extra`), otherwise the scores table, the verdict, `details`
// when there are any, and the folder written; nothing with --quiet.
struct TrainedRun {
  std::string out;
  nlohmann::json scores;
  std::string table;
  std::string verdict;
  int64_t epochs = 0;
  std::vector<std::string> files;
  nlohmann::json extra = nlohmann::json::object();  // more --json fields
  std::string details;                              // more text after the verdict
};

inline void print_trained_run(const CommonFlags& c, const TrainedRun& r) {
  if (c.json_output) {
    nlohmann::json j = {{"run", r.out},
                        {"scores", r.scores},
                        {"verdict", r.verdict},
                        {"epochs", r.epochs},
                        {"files", r.files}};
    j.update(r.extra);
    std::cout << j.dump(2) << "\n";
  } else if (!c.quiet) {
    std::cout << r.table << "\n" << r.verdict;
    if (!r.details.empty()) std::cout << "\n\n" << r.details;
    std::cout << "\n\nWrote " << r.out << "/\n";
  }
}

}  // namespace recur::cli
