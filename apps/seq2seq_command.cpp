// `recur seq2seq train|translate|evaluate`: an encoder-decoder with attention (many-to-many of
// unequal lengths) trained with teacher forcing on source<TAB>target pairs, scored in exact
// match, token accuracy and BLEU beside the copy-the-source baseline, with greedy decoding and
// beam search. Exit codes: 0 success, 1 bad data / model / files, 2 bad usage.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "number_flags.h"
#include "recur/apps/seq2seq/seq2seq_pipeline.h"
#include "recur/data/text_pairs.h"
#include "training_flags.h"

// Named, not anonymous: the unity build compiles every command file as one unit, where the
// commands' like-named flag structs would collide.
namespace seq2seq_command {

using namespace recur;
using json = nlohmann::json;

json scores_json(const std::vector<seq2seq::Seq2SeqScores>& scores) {
  json j = json::object();
  for (const auto& s : scores) {
    j[s.split][s.method] = {{"pairs", s.pairs},
                            {"exact_match", s.exact_match},
                            {"token_accuracy", s.token_accuracy},
                            {"bleu", s.bleu}};
  }
  return j;
}

// --beam-width for translate and evaluate: 0 keeps the run's.
void add_beam_width_flag(CLI::App& cmd, int64_t& beam_width) {
  cmd.add_option("--beam-width", beam_width,
                 "beam search width, 1 = greedy (default: the run's decoding.beam_width)")
      ->check(cli::within(seq2seq::kBeamWidthRange));
}

struct TrainFlags {
  std::string data, out = "runs/seq2seq", level = "char", teacher_forcing = "inverse-sigmoid";
  seq2seq::Seq2SeqConfig config;
  bool unidirectional = false, no_input_feeding = false, resume = false;
  cli::CommonFlags common;
};

void add_model_choices(CLI::App& cmd, TrainFlags& f) {
  seq2seq::Seq2SeqShape& m = f.config.model;
  cmd.add_flag("--unidirectional", f.unidirectional,
               "encoder reads left to right only (default: both directions)");
  cmd.add_option("--attention", m.attention,
                 "none | bahdanau | luong-dot | luong-general | luong-concat")
      ->check(CLI::IsMember({"none", "bahdanau", "luong-dot", "luong-general", "luong-concat"}))
      ->capture_default_str();
  cmd.add_option("--bridge", m.bridge,
                 "decoder's first state: linear (tanh layer) | concat (the encoder's own)")
      ->check(CLI::IsMember({"linear", "concat"}))
      ->capture_default_str();
  cmd.add_flag("--no-input-feeding", f.no_input_feeding,
               "do not feed the previous attentional vector to the decoder");
}

void add_teacher_forcing_flags(CLI::App& cmd, TrainFlags& f) {
  seq2seq::TeacherForcingSchedule& s = f.config.teacher_forcing;
  cmd.add_option("--teacher-forcing", f.teacher_forcing,
                 "ratio schedule over epochs: constant | linear | exponential | inverse-sigmoid")
      ->check(CLI::IsMember({"constant", "linear", "exponential", "inverse-sigmoid"}))
      ->capture_default_str();
  cmd.add_option("--tf-start", s.start, "ratio at the first epoch (constant, linear, exponential)")
      ->check(cli::real_number(0.0, 1.0))
      ->capture_default_str();
  cmd.add_option("--tf-floor", s.floor, "the least ratio")
      ->check(cli::real_number(0.0, 1.0))
      ->capture_default_str();
  cmd.add_option("--tf-slope", s.slope, "linear: decrease per epoch")
      ->check(cli::real_number(0.0, 1.0))
      ->capture_default_str();
  cmd.add_option("--tf-rate", s.rate, "exponential: factor per epoch")
      ->check(cli::real_number(0.0, 1.0, cli::Bounds::kOpenMin))
      ->capture_default_str();
  cmd.add_option("--tf-k", s.k, "inverse-sigmoid: k >= 1, larger decays later")
      ->check(cli::real_number(1.0, 1e6))
      ->capture_default_str();
}

void add_decoding_flags(CLI::App& cmd, seq2seq::BeamOptions& d) {
  cmd.add_option("--beam-width", d.beam_width, "beam search width scored beside greedy")
      ->check(cli::within(seq2seq::kBeamWidthRange))
      ->capture_default_str();
  cmd.add_option("--max-length", d.max_length, "most tokens a translation may have, <eos> counted")
      ->check(cli::within(seq2seq::kMaxLengthRange))
      ->capture_default_str();
  cmd.add_option("--length-penalty", d.length_penalty,
                 "GNMT alpha: 0 ranks by log probability, larger favours longer outputs")
      ->check(cli::real_number(0.0, 100.0))
      ->capture_default_str();
}

void add_train(CLI::App& parent, TrainFlags& f) {
  CLI::App* cmd = parent.add_subcommand(
      "train", "train an encoder-decoder with attention, score it against copying the source");
  cmd->footer(
      "Example:\n  recur seq2seq train --data data/dates.tsv --out runs/dates\n\n"
      "The run folder gets model.safetensors, config.json, source_vocabulary.json, "
      "target_vocabulary.json, metrics.json, training.csv, report.md, attention_*.png and "
      "checkpoint.safetensors.");
  seq2seq::Seq2SeqConfig& c = f.config;
  cmd->add_option("--data", f.data, "source<TAB>target pairs, one a line")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", f.out, "run folder to write")->capture_default_str();
  cmd->add_option("--level", f.level, "char | word tokens, both sides")
      ->check(CLI::IsMember({"char", "word"}))
      ->capture_default_str();
  cli::add_vocabulary_flags(*cmd, c.tokens, "tokens");
  // The decoder is an LSTM or GRU cell: no plain RNN.
  cli::add_model_flags(*cmd, c.model, {"lstm", "gru"});
  add_model_choices(*cmd, f);
  cli::add_training_flags(*cmd, c.training, "pairs");
  add_teacher_forcing_flags(*cmd, f);
  add_decoding_flags(*cmd, c.decoding);
  cmd->add_flag("--resume", f.resume,
                "continue an interrupted run (its checkpoint in <out>.partial/)");
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("seq2seq train", [&] {
      f.common.apply_threads();
      f.config.tokens.level = data::parse_token_level(f.level);
      f.config.model.bidirectional = !f.unidirectional;
      f.config.model.input_feeding = !f.no_input_feeding;
      f.config.teacher_forcing.kind = seq2seq::decay_kind_from_name(f.teacher_forcing);
      const seq2seq::Seq2SeqRunResult r = seq2seq::train_seq2seq({.data_path = f.data,
                                                                  .out_dir = f.out,
                                                                  .config = f.config,
                                                                  .resume = f.resume,
                                                                  .progress = f.common.progress()});
      cli::print_trained_run(f.common, {.out = f.out,
                                        .scores = scores_json(r.scores),
                                        .table = seq2seq::format_seq2seq_scores(r.scores),
                                        .verdict = r.verdict,
                                        .epochs = r.epochs_run,
                                        .files = r.files,
                                        .extra = {{"teacher_forcing", r.teacher_forcing}}});
    });
  });
}

struct TranslateFlags {
  std::string model, data;
  std::vector<std::string> texts;
  int64_t beam_width = 0;
  cli::CommonFlags common;
};

void add_translate(CLI::App& parent, TranslateFlags& f) {
  CLI::App* cmd = parent.add_subcommand("translate", "translate texts with a trained run");
  cmd->footer(
      "Examples:\n  recur seq2seq translate --model runs/dates --text \"march 3rd, 1999\" "
      "--text \"3/4/21\"\n"
      "  recur seq2seq translate --model runs/dates --data data/dates.tsv --beam-width 1");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  auto* text = cmd->add_option("--text", f.texts, "a source text (repeat for more)");
  cmd->add_option("--data", f.data, "translate the sources of a pair file (the targets unused)")
      ->check(CLI::ExistingFile)
      ->excludes(text);
  add_beam_width_flag(*cmd, f.beam_width);
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("seq2seq translate", [&] {
      f.common.apply_threads();
      std::vector<std::string> texts = f.texts;
      if (!f.data.empty()) {
        for (const data::TextPair& p : data::read_text_pairs(f.data).pairs) {
          texts.push_back(p.source);
        }
      }
      if (texts.empty()) throw ValueError("give --text (one or more) or --data");
      const auto out = seq2seq::translate_texts(f.model, texts, f.beam_width);
      int64_t unknown = 0;
      json items = json::array();
      for (const seq2seq::Translated& t : out) {
        unknown += t.unknown_tokens;
        items.push_back({{"source", t.source},
                         {"output", t.output},
                         {"unknown_tokens", t.unknown_tokens},
                         {"finished", t.finished}});
        if (!f.common.json_output && !f.common.quiet) {
          std::cout << t.source << " -> " << t.output << (t.finished ? "" : "  (cut at max length)")
                    << "\n";
        }
      }
      if (f.common.json_output) {
        std::cout << json{{"translations", items}, {"unknown_tokens", unknown}}.dump(2) << "\n";
      } else if (!f.common.quiet && unknown > 0) {
        std::cout << unknown
                  << " source tokens were not in the model's vocabulary (read as <unk>)\n";
      }
    });
  });
}

struct EvaluateFlags {
  std::string model, data;
  int64_t beam_width = 0;
  cli::CommonFlags common;
};

void add_evaluate(CLI::App& parent, EvaluateFlags& f) {
  CLI::App* cmd = parent.add_subcommand("evaluate", "score a trained run on a pair file");
  cmd->footer("Example:\n  recur seq2seq evaluate --model runs/dates --data data/dates.tsv");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", f.data, "source<TAB>target pairs, one a line")
      ->required()
      ->check(CLI::ExistingFile);
  add_beam_width_flag(*cmd, f.beam_width);
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("seq2seq evaluate", [&] {
      f.common.apply_threads();
      const auto r = seq2seq::evaluate_seq2seq(f.model, f.data, f.beam_width);
      if (f.common.json_output) {
        std::cout << json{{"scores", scores_json(r.scores)},
                          {"verdict", r.verdict},
                          {"unknown_tokens", r.unknown_tokens}}
                         .dump(2)
                  << "\n";
      } else if (!f.common.quiet) {
        std::cout << seq2seq::format_seq2seq_scores(r.scores) << "\n" << r.verdict << "\n";
        if (r.unknown_tokens > 0) {
          std::cout << r.unknown_tokens
                    << " tokens were not in the model's vocabularies (mapped to <unk>)\n";
        }
      }
    });
  });
}

}  // namespace seq2seq_command

void add_seq2seq_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "seq2seq",
      "encoder-decoder with attention (many-to-many, e.g. dates to ISO): train, translate, "
      "evaluate");
  cmd->require_subcommand(1);
  static seq2seq_command::TrainFlags train_flags;
  static seq2seq_command::TranslateFlags translate_flags;
  static seq2seq_command::EvaluateFlags evaluate_flags;
  seq2seq_command::add_train(*cmd, train_flags);
  seq2seq_command::add_translate(*cmd, translate_flags);
  seq2seq_command::add_evaluate(*cmd, evaluate_flags);
}
