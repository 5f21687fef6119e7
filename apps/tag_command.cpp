// `recur tag train|predict|evaluate`: sequence tagging (many-to-many, e.g. part-of-speech tags)
// with a bidirectional LSTM (or GRU/RNN) over words, scored beside the most-frequent-tag-per-word
// baseline. Exit codes: 0 success, 1 bad data / model / files, 2 bad usage.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.h"
#include "number_flags.h"
#include "recur/apps/tag/tag_pipeline.h"
#include "training_flags.h"

// A named namespace, not an anonymous one: the CLI is compiled as a unity build, where the
// anonymous namespaces of the other commands (with their own TrainFlags) share this unit.
namespace tag_command {

using namespace recur;
using json = nlohmann::json;

json scores_json(const std::vector<tag::TagScores>& scores) {
  json j = json::object();
  for (const auto& s : scores) {
    j[s.split][s.method] = {{"accuracy", s.metrics.accuracy},
                            {"unseen_word_accuracy", s.unseen_accuracy},
                            {"unseen_word_tokens", s.unseen_tokens},
                            {"macro_f1", s.metrics.macro_f1},
                            {"tokens", s.metrics.count}};
  }
  return j;
}

struct TrainFlags {
  std::string data, out = "runs/tag";
  tag::TagConfig config;
  bool resume = false, unidirectional = false;
  cli::CommonFlags common;
};

void add_train(CLI::App& parent, TrainFlags& f) {
  CLI::App* cmd = parent.add_subcommand(
      "train", "train a tagger, score it against the most-frequent-tag baseline, write a run");
  cmd->footer(
      "Example:\n  recur tag train --data data/brown_news_pos.tsv --tag-column 3 --out runs/pos\n\n"
      "The run folder gets model.safetensors, config.json, vocabulary.json, metrics.json, "
      "training.csv, report.md and checkpoint.safetensors.");
  tag::TagConfig& c = f.config;
  cmd->add_option("--data", f.data,
                  "one token and its tag per line (tab-separated), a blank line between sentences")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", f.out, "run folder to write (default runs/tag)");
  cmd->add_option("--token-column", c.token_column, "column of the token, from 1 (default 1)")
      ->check(cli::within(tag::kColumnRange));
  cmd->add_option("--tag-column", c.tag_column, "column of the tag, from 1 (default 2)")
      ->check(cli::within(tag::kColumnRange));
  cli::add_vocabulary_flags(*cmd, c.tokens, "words");
  cli::add_model_flags(*cmd, c.model);
  cmd->add_flag("--unidirectional", f.unidirectional,
                "read left to right only (default: both directions)");
  cli::add_training_flags(*cmd, c.training, "sentences");
  cmd->add_flag("--resume", f.resume,
                "continue an interrupted run (its checkpoint in <out>.partial/)");
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("tag train", [&] {
      f.common.apply_threads();
      f.config.model.bidirectional = !f.unidirectional;
      const tag::TagRunResult r = tag::train_tagger({.data_path = f.data,
                                                     .out_dir = f.out,
                                                     .config = f.config,
                                                     .resume = f.resume,
                                                     .progress = f.common.progress()});
      cli::print_trained_run(f.common, {.out = f.out,
                                        .scores = scores_json(r.scores),
                                        .table = tag::format_tag_scores(r.scores),
                                        .verdict = r.verdict,
                                        .epochs = r.epochs_run,
                                        .files = r.files});
    });
  });
}

struct RunFlags {
  std::string model, data;
  std::vector<std::string> sentences;
  cli::CommonFlags common;
};

std::vector<std::string> words_of(const std::string& sentence) {
  std::istringstream in(sentence);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void add_predict(CLI::App& parent, RunFlags& f) {
  CLI::App* cmd = parent.add_subcommand("predict", "one tag per word of each sentence");
  cmd->footer(
      "Example:\n  recur tag predict --model runs/pos --sentence \"The jury praised the city .\"");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--sentence", f.sentences,
                  "a sentence, words separated by spaces (repeat for more)")
      ->required();
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("tag predict", [&] {
      f.common.apply_threads();
      std::vector<std::vector<std::string>> sentences;
      for (const std::string& s : f.sentences) sentences.push_back(words_of(s));
      const auto predictions = tag::predict_tags(f.model, sentences);
      json rows = json::array();
      for (const auto& p : predictions) {
        if (f.common.json_output) {
          rows.push_back(
              {{"tokens", p.tokens}, {"tags", p.tags}, {"unknown_tokens", p.unknown_tokens}});
        } else if (!f.common.quiet) {
          for (size_t i = 0; i < p.tokens.size(); ++i) {
            std::cout << (i ? " " : "") << p.tokens[i] << "/" << p.tags[i];
          }
          std::cout << (p.unknown_tokens > 0
                            ? "\t(" + std::to_string(p.unknown_tokens) + " unknown words)"
                            : std::string())
                    << "\n";
        }
      }
      if (f.common.json_output) std::cout << rows.dump(2) << "\n";
    });
  });
}

void add_evaluate(CLI::App& parent, RunFlags& f) {
  CLI::App* cmd = parent.add_subcommand("evaluate", "score a trained run on a tagged file");
  cmd->footer("Example:\n  recur tag evaluate --model runs/pos --data data/brown_news_pos.tsv");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", f.data, "tagged sentences with the run's token and tag columns")
      ->required()
      ->check(CLI::ExistingFile);
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("tag evaluate", [&] {
      f.common.apply_threads();
      const auto r = tag::evaluate_tagger(f.model, f.data);
      if (f.common.json_output) {
        std::cout
            << json{{"scores", scores_json(r.scores)}, {"unknown_tokens", r.unknown_tokens}}.dump(2)
            << "\n";
      } else if (!f.common.quiet) {
        std::cout << tag::format_tag_scores(r.scores);
      }
    });
  });
}

}  // namespace tag_command

void add_tag_command(CLI::App& app) {
  CLI::App* cmd =
      app.add_subcommand("tag", "sequence tagging (many-to-many): train, predict, evaluate");
  cmd->require_subcommand(1);
  static tag_command::TrainFlags train_flags;
  static tag_command::RunFlags predict_flags, evaluate_flags;
  tag_command::add_train(*cmd, train_flags);
  tag_command::add_predict(*cmd, predict_flags);
  tag_command::add_evaluate(*cmd, evaluate_flags);
}
