// `recur classify train|predict|evaluate`: text classification (many-to-one) with an RNN, LSTM or
// GRU over characters or words, scored beside the majority-class and character n-gram naive Bayes
// baselines. Exit codes: 0 success, 1 bad data / model / files, 2 bad usage.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "number_flags.h"
#include "recur/apps/classify/classify_pipeline.h"
#include "training_flags.h"

// Named, not anonymous: the unity build compiles every command file as one unit, where the
// commands' like-named flag structs would collide.
namespace classify_command {

using namespace recur;
using json = nlohmann::json;

json scores_json(const std::vector<classify::ScoredMethod>& scores) {
  json j = json::object();
  for (const auto& s : scores) {
    j[s.split][s.method] = {{"accuracy", s.metrics.accuracy},
                            {"macro_f1", s.metrics.macro_f1},
                            {"count", s.metrics.count}};
  }
  return j;
}

struct TrainFlags {
  std::string data, out = "runs/classify", level = "char";
  classify::ClassifyConfig config;
  bool resume = false;
  cli::CommonFlags common;
};

void add_train(CLI::App& parent, TrainFlags& f) {
  CLI::App* cmd = parent.add_subcommand(
      "train", "train a text classifier, score it against baselines, write a run folder");
  cmd->footer(
      "Example:\n  recur classify train --data data/first_names_gender.csv --text-column Name "
      "--label-column Gender --model lstm --out runs/names\n\n"
      "The run folder gets model.safetensors, config.json, vocabulary.json, metrics.json, "
      "training.csv, report.md, confusion.png and checkpoint.safetensors.");
  classify::ClassifyConfig& c = f.config;
  cmd->add_option("--data", f.data, "CSV or TSV with a text column and a label column")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", f.out, "run folder to write (default runs/classify)");
  cmd->add_option("--text-column", c.text_column, "name of the text column (default text)");
  cmd->add_option("--label-column", c.label_column, "name of the label column (default label)");
  cmd->add_option("--level", f.level, "char | word tokens (default char)")
      ->check(CLI::IsMember({"char", "word"}));
  cli::add_vocabulary_flags(*cmd, c.tokens, "tokens");
  cli::add_model_flags(*cmd, c.model);
  cmd->add_flag("--bidirectional", c.model.bidirectional, "read the text in both directions");
  cli::add_training_flags(*cmd, c.training, "texts");
  cmd->add_flag("--resume", f.resume,
                "continue an interrupted run (its checkpoint in <out>.partial/)");
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("classify train", [&] {
      f.common.apply_threads();
      f.config.tokens.level = data::parse_token_level(f.level);
      const classify::ClassifyRunResult r =
          classify::train_classifier({.data_path = f.data,
                                      .out_dir = f.out,
                                      .config = f.config,
                                      .resume = f.resume,
                                      .progress = f.common.progress()});
      cli::print_trained_run(f.common, {.out = f.out,
                                        .scores = scores_json(r.scores),
                                        .table = classify::format_scores(r.scores),
                                        .verdict = r.verdict,
                                        .epochs = r.epochs_run,
                                        .files = r.files});
    });
  });
}

struct RunFlags {
  std::string model, data;
  std::vector<std::string> texts;
  cli::CommonFlags common;
};

void add_predict(CLI::App& parent, RunFlags& f) {
  CLI::App* cmd = parent.add_subcommand("predict", "the class of each text");
  cmd->footer("Example:\n  recur classify predict --model runs/names --text Maria --text Oliver");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--text", f.texts, "a text to classify (repeat for more)")->required();
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("classify predict", [&] {
      f.common.apply_threads();
      const auto predictions = classify::predict_classes(f.model, f.texts);
      json rows = json::array();
      for (const auto& p : predictions) {
        if (f.common.json_output) {
          rows.push_back({{"text", p.text},
                          {"label", p.label},
                          {"probability", p.probability},
                          {"unknown_tokens", p.unknown_tokens}});
        } else if (!f.common.quiet) {
          std::cout << p.text << "\t" << p.label << "\t" << p.probability
                    << (p.unknown_tokens > 0
                            ? "\t(" + std::to_string(p.unknown_tokens) + " unknown tokens)"
                            : std::string())
                    << "\n";
        }
      }
      if (f.common.json_output) std::cout << rows.dump(2) << "\n";
    });
  });
}

void add_evaluate(CLI::App& parent, RunFlags& f) {
  CLI::App* cmd = parent.add_subcommand("evaluate", "score a trained run on a labeled file");
  cmd->footer(
      "Example:\n  recur classify evaluate --model runs/names --data data/first_names_gender.csv");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", f.data, "CSV or TSV with the run's text and label columns")
      ->required()
      ->check(CLI::ExistingFile);
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("classify evaluate", [&] {
      f.common.apply_threads();
      const auto r = classify::evaluate_classifier(f.model, f.data);
      if (f.common.json_output) {
        std::cout
            << json{{"scores", scores_json(r.scores)}, {"unknown_tokens", r.unknown_tokens}}.dump(2)
            << "\n";
      } else if (!f.common.quiet) {
        std::cout << classify::format_scores(r.scores);
      }
    });
  });
}

}  // namespace classify_command

void add_classify_command(CLI::App& app) {
  using namespace classify_command;
  CLI::App* cmd =
      app.add_subcommand("classify", "text classification (many-to-one): train, predict, evaluate");
  cmd->require_subcommand(1);
  static TrainFlags train_flags;
  static RunFlags predict_flags, evaluate_flags;
  add_train(*cmd, train_flags);
  add_predict(*cmd, predict_flags);
  add_evaluate(*cmd, evaluate_flags);
}
