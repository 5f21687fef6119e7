#include "recur/apps/tag/tag_pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "../token_job.h"
#include "recur/apps/tag/most_frequent_tag.h"
#include "recur/apps/tag/tagger_net.h"
#include "recur/apps/text_format.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/tagged_sentences.h"
#include "recur/io/atomic_file.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/ops/ops.h"
#include "recur/optim/adam.h"
#include "recur/train/run_identity.h"
#include "recur/train/sequence_loader.h"
#include "recur/train/trainer.h"

namespace recur::tag {
namespace {

namespace fs = std::filesystem;
using apps::fixed;
using apps::in_dir;
using json = nlohmann::json;
using classify::ClassificationMetrics;

// Sentences with their tag ids.
struct Examples {
  std::vector<std::vector<std::string>> tokens;
  std::vector<std::vector<int64_t>> tags;
};

// Tag ids of the given sentences; a tag outside `tags` names its file and line.
Examples examples_of(const data::TaggedSentences& file, const std::vector<std::string>& tags,
                     const std::vector<size_t>& rows) {
  std::map<std::string, int64_t> id;
  for (size_t t = 0; t < tags.size(); ++t) id[tags[t]] = static_cast<int64_t>(t);
  Examples out;
  for (size_t r : rows) {
    const data::TaggedSentence& s = file.sentences[r];
    std::vector<int64_t> ids;
    for (size_t i = 0; i < s.tags.size(); ++i) {
      const auto it = id.find(s.tags[i]);
      if (it == id.end()) {
        // One token per line from the sentence's first line: token i is on line + i.
        throw ValueError(file.source + ":" + std::to_string(s.line + static_cast<int64_t>(i)) +
                         ": tag '" + s.tags[i] +
                         "' is not one of the model's tags (it was not in the training data)");
      }
      ids.push_back(it->second);
    }
    out.tokens.push_back(s.tokens);
    out.tags.push_back(std::move(ids));
  }
  return out;
}

std::vector<std::vector<int64_t>> encode_all(const data::Vocabulary& vocab,
                                             const std::vector<std::vector<std::string>>& tokens,
                                             int64_t* unknown) {
  std::vector<std::vector<int64_t>> ids;
  for (const auto& sentence : tokens) {
    data::Encoded e = vocab.encode_tokens(sentence);
    if (unknown != nullptr) *unknown += e.unknown;
    ids.push_back(std::move(e.ids));
  }
  return ids;
}

// The network's best tag per token, sentence by sentence.
class NetworkTagger {
 public:
  NetworkTagger(TaggerNet& net, const data::Vocabulary& vocab) : net_(net), vocab_(vocab) {}

  std::vector<std::vector<int64_t>> predict(
      const std::vector<std::vector<std::string>>& sentences) const {
    NoGradGuard no_grad;
    net_.eval();
    std::vector<std::vector<int64_t>> out;
    apps::for_each_prediction_batch(
        encode_all(vocab_, sentences, nullptr), [&](const train::Batch& b) {
          const Tensor logits = net_.forward(b.tokens, b.lengths);  // [B, T, C]
          const int64_t T = logits.size(1), C = logits.size(2);
          for (int64_t r = 0; r < logits.size(0); ++r) {
            std::vector<int64_t> tags;
            for (int64_t t = 0; t < b.lengths[static_cast<size_t>(r)]; ++t) {
              const float* row = logits.data() + (r * T + t) * C;
              tags.push_back(std::max_element(row, row + C) - row);
            }
            out.push_back(std::move(tags));
          }
        });
    return out;
  }

 private:
  TaggerNet& net_;
  const data::Vocabulary& vocab_;
};

// Scores predictions against the truth over every token; `unseen` says which words were not in
// training.
TagScores score(const std::string& split, const std::string& method, const Examples& truth,
                const std::vector<std::vector<int64_t>>& predicted, int64_t num_tags,
                const std::function<bool(const std::string&)>& unseen) {
  std::vector<int64_t> t, p;
  int64_t unseen_correct = 0;
  TagScores s{.split = split, .method = method};
  for (size_t k = 0; k < truth.tags.size(); ++k) {
    for (size_t i = 0; i < truth.tags[k].size(); ++i) {
      t.push_back(truth.tags[k][i]);
      p.push_back(predicted[k][i]);
      if (unseen(truth.tokens[k][i])) {
        ++s.unseen_tokens;
        unseen_correct += t.back() == p.back() ? 1 : 0;
      }
    }
  }
  s.metrics = classify::classification_metrics(t, p, num_tags);
  s.unseen_accuracy = s.unseen_tokens > 0 ? static_cast<double>(unseen_correct) /
                                                static_cast<double>(s.unseen_tokens)
                                          : 0.0;
  return s;
}

json metrics_json(const TagScores& s, const std::vector<std::string>& tags) {
  json per_tag = json::object();
  for (size_t c = 0; c < tags.size(); ++c) {
    const classify::ClassScores& x = s.metrics.per_class[c];
    per_tag[tags[c]] = {
        {"precision", x.precision}, {"recall", x.recall}, {"f1", x.f1}, {"support", x.support}};
  }
  return {{"tokens", s.metrics.count},
          {"accuracy", s.metrics.accuracy},
          {"unseen_word_tokens", s.unseen_tokens},
          {"unseen_word_accuracy", s.unseen_accuracy},
          {"macro_f1", s.metrics.macro_f1},
          {"per_tag", per_tag}};
}

std::string scores_json(const std::vector<TagScores>& scores,
                        const std::vector<std::string>& tags) {
  json j = json::object();
  for (const TagScores& s : scores) j[s.split][s.method] = metrics_json(s, tags);
  return j.dump(2) + "\n";
}

const TagScores* find_score(const std::vector<TagScores>& scores, const std::string& split,
                            const std::string& method) {
  for (const TagScores& s : scores) {
    if (s.split == split && s.method == method) return &s;
  }
  return nullptr;
}

std::string verdict_of(const TagScores& net, const TagScores& base) {
  auto compare = [&](const char* what, double a, double b) {
    return std::string(what) + " " + fixed(a) + " vs " + fixed(b) +
           (a > b ? " (better)" : " (not better)");
  };
  const bool beats = net.metrics.accuracy > base.metrics.accuracy;
  return "On the " + net.split + " split the " + net.method +
         (beats ? " beats" : " does NOT beat") + " the " + base.method +
         " baseline on token accuracy: " +
         compare("token accuracy", net.metrics.accuracy, base.metrics.accuracy) + "; " +
         compare("unseen-word accuracy", net.unseen_accuracy, base.unseen_accuracy) + "; " +
         compare("macro-F1", net.metrics.macro_f1, base.metrics.macro_f1) + ".";
}

std::string render_report(const TagRunResult& r, const TagConfig& c, const std::string& data_path,
                          const std::string& baseline) {
  std::ostringstream out;
  out << "# Tagging report: " << fs::path(data_path).filename().string() << "\n\n"
      << r.verdict << "\n\n## Scores\n\n"
      << "Token accuracy is the share of tokens whose predicted tag is the true one; unseen-word "
         "accuracy the same over the tokens whose word never occurs in the training sentences; "
         "macro-F1 the mean over the tags of the harmonic mean of precision and recall "
         "(include/recur/apps/classify/classification_metrics.h). Both methods are fitted on the "
         "same training sentences and scored on the same tokens.\n\n"
      << "| split | method | tokens | accuracy | unseen words | unseen-word accuracy | macro-F1 "
         "|\n|---|---|---:|---:|---:|---:|---:|\n";
  for (const TagScores& s : r.scores) {
    out << "| " << s.split << " | " << s.method << " | " << s.metrics.count << " | "
        << fixed(s.metrics.accuracy) << " | " << s.unseen_tokens << " | "
        << fixed(s.unseen_accuracy) << " | " << fixed(s.metrics.macro_f1) << " |\n";
  }
  const TagScores* net = find_score(r.scores, "test", c.model.cell);
  const TagScores* base = find_score(r.scores, "test", baseline);
  if (net != nullptr && base != nullptr) {
    std::vector<size_t> order(r.tags.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return net->metrics.per_class[a].support > net->metrics.per_class[b].support;
    });
    order.resize(std::min<size_t>(order.size(), 20));
    out << "\n## Per tag (test split, the 20 most frequent tags)\n\n"
        << "| tag | support | " << c.model.cell << " precision | " << c.model.cell << " recall | "
        << c.model.cell << " F1 | baseline F1 |\n|---|---:|---:|---:|---:|---:|\n";
    for (size_t k : order) {
      const classify::ClassScores& s = net->metrics.per_class[k];
      out << "| " << r.tags[k] << " | " << s.support << " | " << fixed(s.precision) << " | "
          << fixed(s.recall) << " | " << fixed(s.f1) << " | "
          << fixed(base->metrics.per_class[k].f1) << " |\n";
    }
  }
  out << "\n## Configuration\n\n"
      << "- data: " << data_path << " (token column " << c.token_column << ", tag column "
      << c.tag_column << ", " << r.tags.size() << " tags)\n"
      << "- tokens: words" << (c.tokens.lowercase ? ", lowercased" : "") << ", min frequency "
      << c.tokens.min_frequency << "\n"
      << "- model: embedding " << c.model.embedding_dim << " -> " << c.model.cell << " "
      << c.model.num_layers << "x" << c.model.hidden_size
      << (c.model.bidirectional ? " bidirectional" : "") << " -> linear per token\n"
      << "- training: Adam lr " << c.training.lr << ", batch " << c.training.batch_size
      << " sentences, up to " << c.training.epochs << " epochs, patience " << c.training.patience
      << ", seed " << c.training.seed << " (" << r.epochs_run << " epochs run)\n";
  if (r.unknown_tokens > 0) {
    out << "- " << r.unknown_tokens
        << " scored tokens were not in the training vocabulary (mapped to <unk>)\n";
  }
  if (r.untrained_tag_tokens > 0) {
    out << "- " << r.untrained_tag_tokens
        << " scored tokens carry a tag that never occurs in the training sentences (neither "
           "method can get them right)\n";
  }
  return out.str();
}

// The sentences' tokens and tags: what a resumed run must be trained on.
std::string fingerprint(const data::TaggedSentences& file) {
  train::Fingerprint f;
  for (const data::TaggedSentence& s : file.sentences) {
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      f.add(s.tokens[i]);
      f.add(s.tags[i]);
    }
    f.add(std::string_view());  // the sentence boundary (a token is never empty)
  }
  return std::to_string(file.sentences.size()) + " sentences, hash " + f.hex();
}

std::map<std::string, std::string> run_identity(const data::TaggedSentences& file,
                                                const TagConfig& config) {
  json settings = to_json(config);
  settings["training"].erase("epochs");
  // The tag list follows from the data and its columns, which are already compared; listed tag
  // by tag it would bury a mismatch message under a hundred lines.
  settings.erase("tags");
  return train::make_run_identity(fingerprint(file), settings);
}

data::TaggedSentences read_file(const std::string& path, const TagConfig& c) {
  return data::read_tagged_sentences(path,
                                     {.token_column = c.token_column, .tag_column = c.tag_column});
}

std::vector<size_t> all_rows(const data::TaggedSentences& file) {
  std::vector<size_t> rows(file.sentences.size());
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

int64_t count_untrained(const Examples& ex, const std::vector<bool>& trained) {
  int64_t n = 0;
  for (const auto& tags : ex.tags) {
    for (int64_t t : tags) n += trained[static_cast<size_t>(t)] ? 0 : 1;
  }
  return n;
}

}  // namespace

std::string format_tag_scores(const std::vector<TagScores>& scores) {
  std::ostringstream out;
  std::string split;
  char line[200];
  for (const TagScores& s : scores) {
    if (s.split != split) {
      split = s.split;
      out << "\n"
          << split << " (" << s.metrics.count << " tokens, " << s.unseen_tokens
          << " of unseen words)\n";
      std::snprintf(line, sizeof(line), "  %-30s %9s %13s %9s\n", "method", "accuracy",
                    "unseen-word", "macro-F1");
      out << line;
    }
    std::snprintf(line, sizeof(line), "  %-30s %9.3f %13.3f %9.3f\n", s.method.c_str(),
                  s.metrics.accuracy, s.unseen_accuracy, s.metrics.macro_f1);
    out << line;
  }
  return out.str();
}

TagRunResult train_tagger(const TagRunOptions& options) {
  TagConfig config = options.config;
  config.validate();
  const data::TaggedSentences file = read_file(options.data_path, config);
  config.tags = file.tags();
  if (config.tags.size() < 2) {
    throw ValueError(options.data_path + ": column " + std::to_string(config.tag_column) +
                     " has fewer than two distinct tags; there is nothing to learn");
  }
  const apps::ItemSplit split =
      apps::shuffled_split(file.sentences.size(), config.training, options.data_path, "sentences");
  const Examples train_ex = examples_of(file, config.tags, split.train);
  const Examples val_ex = examples_of(file, config.tags, split.validation);
  const Examples test_ex = examples_of(file, config.tags, split.test);
  const data::Vocabulary vocab =
      data::Vocabulary::build_from_tokens(train_ex.tokens, config.tokens);
  config.model.vocab_size = vocab.size();
  const int64_t C = static_cast<int64_t>(config.tags.size());
  config.model.num_tags = C;

  // The baseline first: it is cheap, and its failures cost no training time.
  MostFrequentTag baseline(config.tokens.lowercase);
  baseline.fit(train_ex.tokens, train_ex.tags, C);

  const classify::ClassifyTraining& t = config.training;
  const train::SequenceLoader train_loader(encode_all(vocab, train_ex.tokens, nullptr),
                                           train_ex.tags,
                                           {.batch_size = t.batch_size,
                                            .shuffle = true,
                                            .seed = t.seed,
                                            .targets = train::SequenceTargets::kPerStep});
  const train::SequenceLoader val_loader(
      encode_all(vocab, val_ex.tokens, nullptr), val_ex.tags,
      {.batch_size = 256, .targets = train::SequenceTargets::kPerStep});

  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  Generator gen(t.seed);
  TaggerNet net(config.model, gen);
  optim::Adam optimizer(net.parameters(), {.lr = t.lr});
  train::Trainer trainer(
      net, optimizer,
      [&net](const train::Batch& b) {
        // labels hold ignore_index (-100) past each sentence's end: padding adds
        // no loss.
        return cross_entropy(net.forward(b.tokens, b.lengths), b.labels);
      },
      apps::trainer_options(t, run, options.resume, options.progress, gen,
                            run_identity(file, config)));
  const train::History history = trainer.fit(train_loader, &val_loader);

  TagRunResult result;
  result.tags = config.tags;
  result.epochs_run = static_cast<int64_t>(history.epochs.size());
  std::vector<bool> trained(config.tags.size(), false);
  for (const auto& tags : train_ex.tags) {
    for (int64_t id : tags) trained[static_cast<size_t>(id)] = true;
  }
  const NetworkTagger network(net, vocab);
  const auto unseen = [&baseline](const std::string& w) { return !baseline.seen(w); };
  for (const auto& [name, ex] : {std::pair{"validation", &val_ex}, {"test", &test_ex}}) {
    encode_all(vocab, ex->tokens, &result.unknown_tokens);
    result.untrained_tag_tokens += count_untrained(*ex, trained);
    result.scores.push_back(
        score(name, config.model.cell, *ex, network.predict(ex->tokens), C, unseen));
    std::vector<std::vector<int64_t>> base;
    for (const auto& sentence : ex->tokens) base.push_back(baseline.predict(sentence));
    result.scores.push_back(score(name, baseline.name(), *ex, base, C, unseen));
  }
  result.verdict = verdict_of(*find_score(result.scores, "test", config.model.cell),
                              *find_score(result.scores, "test", baseline.name()));

  nn::save(net, run.file("model.safetensors"));
  save_tag_config(run.file("config.json"), config);
  vocab.save(run.file(data::kVocabularyFile));
  io::write_file_atomically(run.file("metrics.json"), scores_json(result.scores, config.tags));
  io::write_file_atomically(run.file("report.md"),
                            render_report(result, config, options.data_path, baseline.name()));
  result.files = {"model.safetensors", "config.json", data::kVocabularyFile,   "metrics.json",
                  "training.csv",      "report.md",   "checkpoint.safetensors"};
  run.commit();
  return result;
}

namespace {

apps::LoadedRun<TagConfig, TaggerNet> load_run(const std::string& run_dir) {
  auto r = apps::load_run<TaggerNet>(run_dir, &load_tag_config);
  if (r.config.tags.size() < 2) {
    throw ValueError(in_dir(run_dir, "config.json") + ": field 'tags' needs two or more");
  }
  return r;
}

}  // namespace

TagRunResult evaluate_tagger(const std::string& run_dir, const std::string& data_path) {
  auto run = load_run(run_dir);
  const data::TaggedSentences file = read_file(data_path, run.config);
  const Examples ex = examples_of(file, run.config.tags, all_rows(file));
  TagRunResult result;
  result.tags = run.config.tags;
  encode_all(run.vocab, ex.tokens, &result.unknown_tokens);
  const NetworkTagger network(*run.net, run.vocab);
  const data::Vocabulary& vocab = run.vocab;
  result.scores.push_back(
      score("all", run.config.model.cell, ex, network.predict(ex.tokens), run.config.model.num_tags,
            [&vocab](const std::string& w) { return vocab.encode_tokens({w}).unknown > 0; }));
  return result;
}

std::vector<TaggedPrediction> predict_tags(const std::string& run_dir,
                                           const std::vector<std::vector<std::string>>& sentences) {
  for (size_t i = 0; i < sentences.size(); ++i) {
    if (sentences[i].empty()) {
      throw ValueError("tag predict: sentence " + std::to_string(i + 1) + " has no tokens");
    }
  }
  auto run = load_run(run_dir);
  const NetworkTagger network(*run.net, run.vocab);
  const auto ids = network.predict(sentences);
  std::vector<TaggedPrediction> out;
  for (size_t i = 0; i < sentences.size(); ++i) {
    TaggedPrediction p{.tokens = sentences[i],
                       .unknown_tokens = run.vocab.encode_tokens(sentences[i]).unknown};
    for (int64_t id : ids[i]) p.tags.push_back(run.config.tags[static_cast<size_t>(id)]);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace recur::tag
