// `recur textgen train|sample`: a character language model (one-to-many) trained by truncated
// BPTT over a text file, scored in bits per character beside unigram and n-gram baselines, and
// text sampled from it as it is generated. Exit codes: 0 success, 1 bad data / model / files,
// 2 bad usage.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "number_flags.h"
#include "recur/apps/textgen/textgen_pipeline.h"
#include "training_flags.h"

// Named, not anonymous: the unity build compiles every command file as one unit, where the
// commands' like-named flag structs would collide.
namespace textgen_command {

using namespace recur;
using json = nlohmann::json;

json scores_json(const std::vector<textgen::TextgenScores>& scores) {
  json j = json::object();
  for (const auto& s : scores) {
    j[s.split][s.method] = {{"bits_per_character", s.bits_per_character()},
                            {"perplexity", s.perplexity()},
                            {"characters", s.characters}};
  }
  return j;
}

struct TrainFlags {
  std::string data, out = "runs/textgen";
  textgen::TextgenConfig config;
  bool resume = false;
  cli::CommonFlags common;
};

void add_train(CLI::App& parent, TrainFlags& f) {
  CLI::App* cmd = parent.add_subcommand(
      "train", "train a character language model, score it against n-gram baselines");
  cmd->footer(
      "Example:\n  recur textgen train --data data/moby_dick.txt --out runs/moby\n\n"
      "The run folder gets model.safetensors, config.json, vocabulary.json, metrics.json, "
      "training.csv, report.md and checkpoint.safetensors.");
  textgen::TextgenConfig& c = f.config;
  cmd->add_option("--data", f.data, "a UTF-8 text file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", f.out, "run folder to write")->capture_default_str();
  cli::add_vocabulary_flags(*cmd, c.tokens, "characters");
  cli::add_model_flags(*cmd, c.model);
  cli::add_training_flags(*cmd, c.training, "text");
  // add_training_flags says what --batch-size counts in general; here it is streams.
  cmd->get_option("--batch-size")->description("parallel streams of the text per batch");
  cmd->add_option("--chunk-length", c.chunk_length,
                  "steps per batch: backpropagation stops at chunk boundaries (truncated BPTT)")
      ->check(cli::within(textgen::kChunkLengthRange))
      ->capture_default_str();
  cmd->add_option("--ngram-order", c.ngram_order, "order of the character n-gram baseline")
      ->check(cli::within(textgen::kNgramOrderRange))
      ->capture_default_str();
  cmd->add_flag("--resume", f.resume,
                "continue an interrupted run (its checkpoint in <out>.partial/)");
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("textgen train", [&] {
      f.common.apply_threads();
      const textgen::TextgenRunResult r = textgen::train_textgen({.data_path = f.data,
                                                                  .out_dir = f.out,
                                                                  .config = f.config,
                                                                  .resume = f.resume,
                                                                  .progress = f.common.progress()});
      cli::print_trained_run(f.common, {.out = f.out,
                                        .scores = scores_json(r.scores),
                                        .table = textgen::format_textgen_scores(r.scores),
                                        .verdict = r.verdict,
                                        .epochs = r.epochs_run,
                                        .files = r.files,
                                        .extra = {{"sample", r.sample}},
                                        .details = "Sample:\n" + r.sample});
    });
  });
}

struct SampleFlags {
  std::string model;
  textgen::SampleOptions options;
  int64_t top_k = 0;
  cli::CommonFlags common;
};

void add_sample(CLI::App& parent, SampleFlags& f) {
  CLI::App* cmd = parent.add_subcommand("sample", "generate text, printed as it is drawn");
  cmd->footer(
      "Example:\n  recur textgen sample --model runs/moby --prompt \"Call me \" --length 300 "
      "--temperature 0.8 --top-k 20 --seed 1");
  textgen::SampleOptions& o = f.options;
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--prompt", o.prompt, "text to start from (default: a line break)");
  cmd->add_option("--length", o.length, "characters to generate")
      ->check(cli::whole_number(0, 100000000))
      ->capture_default_str();
  cmd->add_option("--temperature", o.sampling.temperature,
                  "divides the logits: < 1 sharper, > 1 flatter, 0 greedy")
      ->check(cli::real_number(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_option("--top-k", f.top_k, "draw from the k most likely characters only (0: all)")
      ->check(cli::whole_number(0, 100000000))
      ->capture_default_str();
  cmd->add_option("--top-p", o.sampling.top_p,
                  "draw from the smallest set of characters with this much probability")
      ->check(cli::real_number(0.0, 1.0, cli::Bounds::kOpenMin))
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "random seed: same seed, same text")
      ->check(cli::whole_number(0))
      ->capture_default_str();
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("textgen sample", [&] {
      f.common.apply_threads();
      textgen::SampleOptions o = f.options;
      if (f.top_k > 0) o.sampling.top_k = f.top_k;
      o.threads = f.common.threads > 0 ? f.common.threads : 1;
      const bool stream = !f.common.quiet && !f.common.json_output;
      if (stream) std::cout << o.prompt << std::flush;
      const std::string text = textgen::sample_text(f.model, o, [&](const std::string& c) {
        if (stream) std::cout << c << std::flush;
      });
      if (stream) std::cout << "\n";
      if (f.common.json_output) {
        std::cout << json{{"prompt", o.prompt}, {"text", text}}.dump(2) << "\n";
      }
    });
  });
}

}  // namespace textgen_command

void add_textgen_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "textgen", "character language model (one-to-many generation): train, sample");
  cmd->require_subcommand(1);
  static textgen_command::TrainFlags train_flags;
  static textgen_command::SampleFlags sample_flags;
  textgen_command::add_train(*cmd, train_flags);
  textgen_command::add_sample(*cmd, sample_flags);
}
