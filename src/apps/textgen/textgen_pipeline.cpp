#include "recur/apps/textgen/textgen_pipeline.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "../token_job.h"
#include "recur/apps/text_format.h"
#include "recur/apps/textgen/char_ngram.h"
#include "recur/apps/textgen/text_generator.h"
#include "recur/data/text_corpus.h"
#include "recur/data/utf8.h"
#include "recur/io/atomic_file.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/ops/ops.h"
#include "recur/optim/adam.h"
#include "recur/train/carried_state.h"
#include "recur/train/run_identity.h"
#include "recur/train/stream_loader.h"
#include "recur/train/trainer.h"

namespace recur::textgen {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using apps::fixed;
using apps::in_dir;

// The text cut by position (in characters) into training, validation and test text.
struct TextSplits {
  std::string train, validation, test;
};

TextSplits split_text(const data::TextCorpus& corpus, const classify::ClassifyTraining& t) {
  const std::u32string chars = data::decode_utf8(corpus.text);
  const double n = static_cast<double>(chars.size());
  const size_t n_val = static_cast<size_t>(std::lround(t.val_fraction * n));
  const size_t n_test = static_cast<size_t>(std::lround(t.test_fraction * n));
  const size_t n_train = chars.size() - n_val - n_test;
  const std::u32string_view all(chars);
  return {.train = data::encode_utf8(all.substr(0, n_train)),
          .validation = data::encode_utf8(all.substr(n_train, n_val)),
          .test = data::encode_utf8(all.substr(n_train + n_val))};
}

// The ids of one split's text, checked to be long enough to give `streams` streams a step each.
std::vector<int64_t> split_ids(const data::Vocabulary& vocab, const std::string& text,
                               const std::string& split, int64_t streams, const std::string& source,
                               int64_t* unknown) {
  data::Encoded e = vocab.encode(text);
  if (static_cast<int64_t>(e.ids.size()) < streams + 1) {
    throw ValueError(source + ": the " + split + " text has " + std::to_string(e.ids.size()) +
                     " characters, too few for " + std::to_string(streams) +
                     " streams (batch_size); give a longer text, a larger " + split +
                     " fraction or a smaller --batch-size");
  }
  if (unknown != nullptr) *unknown += e.unknown;
  return std::move(e.ids);
}

// A split ready to score: its ids and the loader that serves them. Evaluation uses the
// training batch size as its stream count, so the network sees the same kind of context.
struct ScoredSplit {
  std::string name;
  std::vector<int64_t> ids;
  train::StreamLoader loader;
  // The loader predicts ids[1 .. streams * steps]: the baselines score exactly these.
  int64_t last() const { return loader.options().streams * loader.steps_per_stream(); }
};

TextgenScores score_of(const std::string& split, const std::string& method, int64_t characters,
                       double nats) {
  return {.split = split, .method = method, .characters = characters, .nats = nats};
}

const TextgenScores* find_textgen_score(const std::vector<TextgenScores>& scores,
                                        const std::string& split, const std::string& method) {
  for (const TextgenScores& s : scores) {
    if (s.split == split && s.method == method) return &s;
  }
  return nullptr;
}

std::string verdict_of(const std::vector<TextgenScores>& scores, const std::string& model) {
  const TextgenScores* net = find_textgen_score(scores, "test", model);
  std::string beaten, not_beaten;
  for (const TextgenScores& s : scores) {
    if (s.split != "test" || s.method == model) continue;
    std::string& list = net->nats < s.nats ? beaten : not_beaten;
    list += (list.empty() ? "" : " and ") + s.method + " (" + fixed(s.bits_per_character()) +
            " bits per character)";
  }
  std::string out = "On the test text the " + model + " needs " + fixed(net->bits_per_character()) +
                    " bits per character (perplexity " + fixed(net->perplexity(), 2) + ").";
  if (!beaten.empty()) out += " It beats the " + beaten + ".";
  if (!not_beaten.empty()) out += " It does NOT beat the " + not_beaten + ".";
  return out;
}

std::string scores_json(const std::vector<TextgenScores>& scores) {
  json j = json::object();
  for (const TextgenScores& s : scores) {
    j[s.split][s.method] = {{"characters", s.characters},
                            {"nats_per_character", s.nats},
                            {"bits_per_character", s.bits_per_character()},
                            {"perplexity", s.perplexity()}};
  }
  return j.dump(2) + "\n";
}

// The sample as a Markdown block that shows every character as written.
std::string quoted_block(const std::string& text) {
  std::string out = "```text\n" + text;
  if (out.back() != '\n') out += '\n';
  return out + "```\n";
}

std::string render_report(const TextgenRunResult& r, const TextgenConfig& c,
                          const std::string& data_path) {
  std::ostringstream out;
  out << "# Character language model report: " << fs::path(data_path).filename().string() << "\n\n"
      << r.verdict << "\n\n## Scores\n\n"
      << "Cross-entropy of the next character, as bits per character (lower is better) and "
         "perplexity (2^bits: the number of equally likely characters the model is as unsure "
         "as). Every method is fitted on the same training text and scores exactly the same "
         "validation and test characters. The baselines: the unigram model (character "
         "frequencies, add-one smoothing) and a "
      << c.ngram_order
      << "-gram model over characters with interpolated absolute discounting "
         "(include/recur/apps/textgen/char_ngram.h).\n\n"
      << "| split | method | characters | bits per character | perplexity |\n"
      << "|---|---|---:|---:|---:|\n";
  for (const TextgenScores& s : r.scores) {
    out << "| " << s.split << " | " << s.method << " | " << s.characters << " | "
        << fixed(s.bits_per_character()) << " | " << fixed(s.perplexity(), 2) << " |\n";
  }
  out << "\n## A sample\n\nWritten by the trained model from the prompt \"\\n\" (temperature 0.8, "
         "seed "
      << c.training.seed << "; `recur textgen sample` writes more):\n\n"
      << quoted_block(r.sample) << "\n## Configuration\n\n"
      << "- data: " << data_path << " (" << r.vocabulary_size
      << " tokens in the vocabulary, the 4 specials included)\n"
      << "- tokens: characters" << (c.tokens.lowercase ? ", lowercased" : "") << ", min frequency "
      << c.tokens.min_frequency << "\n"
      << "- model: embedding " << c.model.embedding_dim << " -> " << c.model.cell << " "
      << c.model.num_layers << "x" << c.model.hidden_size << " -> linear per character\n"
      << "- training: truncated BPTT over " << c.training.batch_size << " streams, chunks of "
      << c.chunk_length << " characters, Adam lr " << c.training.lr << ", up to "
      << c.training.epochs << " epochs, patience " << c.training.patience << ", seed "
      << c.training.seed << " (" << r.epochs_run << " epochs run)\n";
  if (r.unknown_characters > 0) {
    out << "- " << r.unknown_characters
        << " validation and test characters were not in the training text (<unk> for every "
           "method)\n";
  }
  return out.str();
}

std::map<std::string, std::string> run_identity(const data::TextCorpus& corpus,
                                                const TextgenConfig& config) {
  train::Fingerprint f;
  f.add(corpus.text);
  json settings = to_json(config);
  settings["training"].erase("epochs");
  return train::make_run_identity(
      std::to_string(corpus.characters) + " characters, hash " + f.hex(), settings);
}

// The prompt's ids; a character the vocabulary does not know is an error naming it.
std::vector<int64_t> prompt_ids(const data::Vocabulary& vocab, const std::string& prompt) {
  data::check_utf8(prompt);
  if (prompt.empty()) throw ValueError("--prompt is empty: give at least one character");
  const std::vector<std::string> chars = vocab.tokenize(prompt);
  std::vector<int64_t> ids;
  for (size_t i = 0; i < chars.size(); ++i) {
    const int64_t id = vocab.id(chars[i]);
    if (id == data::Vocabulary::kUnk) {
      size_t pos = 0;
      throw ValueError("--prompt: character " + std::to_string(i + 1) + ", " +
                       data::describe_code_point(data::next_code_point(chars[i], pos)) +
                       ", is not in the model's vocabulary (the training text never has it)");
    }
    ids.push_back(id);
  }
  return ids;
}

std::string generate_text(LanguageModelNet& net, const data::Vocabulary& vocab,
                          const SampleOptions& options,
                          const std::function<void(const std::string&)>& on_text) {
  TextGenerator generator(net, options.threads);
  Generator gen(options.seed);
  std::string text;
  generator.generate(prompt_ids(vocab, options.prompt), options.length, options.sampling, gen,
                     [&](int64_t id) {
                       const std::string& c = vocab.token(id);
                       text += c;
                       if (on_text) on_text(c);
                     });
  return text;
}

}  // namespace

double TextgenScores::bits_per_character() const { return nats / std::numbers::ln2; }
double TextgenScores::perplexity() const { return std::exp(nats); }

std::string format_textgen_scores(const std::vector<TextgenScores>& scores) {
  std::ostringstream out;
  std::string split;
  char line[160];
  for (const TextgenScores& s : scores) {
    if (s.split != split) {
      split = s.split;
      out << "\n" << split << " (" << s.characters << " characters)\n";
      std::snprintf(line, sizeof(line), "  %-20s %18s %11s\n", "method", "bits per character",
                    "perplexity");
      out << line;
    }
    std::snprintf(line, sizeof(line), "  %-20s %18.3f %11.2f\n", s.method.c_str(),
                  s.bits_per_character(), s.perplexity());
    out << line;
  }
  return out.str();
}

TextgenRunResult train_textgen(const TextgenRunOptions& options) {
  TextgenConfig config = options.config;
  config.validate();
  const data::TextCorpus corpus = data::read_text_corpus(options.data_path);
  const TextSplits text = split_text(corpus, config.training);
  const data::Vocabulary vocab = data::Vocabulary::build({text.train}, config.tokens);
  config.model.vocab_size = vocab.size();
  const classify::ClassifyTraining& t = config.training;
  const train::StreamLoaderOptions streams{.streams = t.batch_size,
                                           .chunk_length = config.chunk_length};

  TextgenRunResult result;
  result.vocabulary_size = vocab.size();
  const std::string& source = options.data_path;
  const std::vector<int64_t> train_ids =
      split_ids(vocab, text.train, "training", t.batch_size, source, nullptr);
  const train::StreamLoader train_loader(train_ids, streams);
  std::vector<ScoredSplit> splits;
  for (const auto& [name, part] :
       {std::pair{"validation", &text.validation}, {"test", &text.test}}) {
    std::vector<int64_t> ids =
        split_ids(vocab, *part, name, t.batch_size, source, &result.unknown_characters);
    train::StreamLoader loader(ids, streams);
    splits.push_back({.name = name, .ids = std::move(ids), .loader = std::move(loader)});
  }

  // The baselines first: they are cheap, and their failures cost no training time.
  std::vector<CharNgram> baselines;
  baselines.emplace_back(1, vocab.size());
  if (config.ngram_order > 1) baselines.emplace_back(config.ngram_order, vocab.size());
  for (CharNgram& b : baselines) b.fit(train_ids);

  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  Generator gen(t.seed);
  LanguageModelNet net(config.model, gen);
  optim::Adam optimizer(net.parameters(), {.lr = t.lr});
  train::CarriedState state;
  const auto loss = [&](const train::Batch& b) {
    const train::RecurrentState start = state.start(b);
    LanguageModelOutput out = net.forward(b.tokens, start);
    state.carry(out.h_n, out.c_n);
    return cross_entropy(out.logits, b.labels);
  };
  train::Trainer trainer(net, optimizer, loss,
                         apps::trainer_options(t, run, options.resume, options.progress, gen,
                                               run_identity(corpus, config)));
  const train::History history = trainer.fit(train_loader, &splits[0].loader);
  result.epochs_run = static_cast<int64_t>(history.epochs.size());

  for (const ScoredSplit& s : splits) {
    result.scores.push_back(
        score_of(s.name, config.model.cell, s.last(), trainer.evaluate(s.loader)));
    for (const CharNgram& b : baselines) {
      result.scores.push_back(
          score_of(s.name, b.name(), s.last(), b.cross_entropy(s.ids, 1, s.last())));
    }
  }
  result.verdict = verdict_of(result.scores, config.model.cell);
  const std::string prompt =
      vocab.id("\n") != data::Vocabulary::kUnk ? "\n" : vocab.token(train_ids.front());
  result.sample = generate_text(net, vocab, {.prompt = prompt, .length = 400, .seed = t.seed}, {});

  nn::save(net, run.file("model.safetensors"));
  save_textgen_config(run.file("config.json"), config);
  vocab.save(run.file(data::kVocabularyFile));
  io::write_file_atomically(run.file("metrics.json"), scores_json(result.scores));
  io::write_file_atomically(run.file("report.md"),
                            render_report(result, config, options.data_path));
  result.files = {"model.safetensors", "config.json", data::kVocabularyFile,   "metrics.json",
                  "training.csv",      "report.md",   "checkpoint.safetensors"};
  run.commit();
  return result;
}

std::string sample_text(const std::string& run_dir, const SampleOptions& options,
                        const std::function<void(const std::string&)>& on_text) {
  auto run = apps::load_run<LanguageModelNet>(run_dir, &load_textgen_config);
  return generate_text(*run.net, run.vocab, options, on_text);
}

}  // namespace recur::textgen
