#include "recur/apps/classify/classify_pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "../token_job.h"
#include "recur/apps/classify/confusion_plot.h"
#include "recur/apps/classify/text_classifier.h"
#include "recur/apps/text_format.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/labeled_texts.h"
#include "recur/io/atomic_file.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/ops/ops.h"
#include "recur/optim/adam.h"
#include "recur/train/run_identity.h"
#include "recur/train/sequence_loader.h"
#include "recur/train/trainer.h"

namespace recur::classify {
namespace {

namespace fs = std::filesystem;
using apps::fixed;
using apps::in_dir;
using json = nlohmann::json;

// Texts with their class ids, and where each came from.
struct Examples {
  std::vector<std::string> texts;
  std::vector<int64_t> labels;
  std::vector<int64_t> lines;
};

Examples examples_of(const data::LabeledTexts& file, const std::vector<std::string>& classes,
                     const std::vector<size_t>& rows) {
  Examples out;
  for (size_t r : rows) {
    const data::LabeledText& item = file.items[r];
    const auto it = std::find(classes.begin(), classes.end(), item.label);
    if (it == classes.end()) {
      throw ValueError(file.source + ":" + std::to_string(item.line) + ": label '" + item.label +
                       "' is not one of the model's classes (it was not in the training data)");
    }
    out.texts.push_back(item.text);
    out.labels.push_back(it - classes.begin());
    out.lines.push_back(item.line);
  }
  return out;
}

// Token ids of each text; a text with no token (only spaces at word level) is an error naming it.
std::vector<std::vector<int64_t>> encode_all(const data::Vocabulary& vocab, const Examples& ex,
                                             const std::string& source, int64_t* unknown) {
  std::vector<std::vector<int64_t>> ids;
  for (size_t i = 0; i < ex.texts.size(); ++i) {
    data::Encoded e = vocab.encode(ex.texts[i]);
    if (e.ids.empty()) {
      throw ValueError(source + ":" + std::to_string(ex.lines[i]) + ": the text has no tokens");
    }
    if (unknown != nullptr) *unknown += e.unknown;
    ids.push_back(std::move(e.ids));
  }
  return ids;
}

std::vector<std::vector<int64_t>> as_targets(const std::vector<int64_t>& labels) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t l : labels) out.push_back({l});
  return out;
}

// The network as a TextClassifier, so it is scored by the same code as the baselines.
class NetworkClassifier : public TextClassifier {
 public:
  NetworkClassifier(ClassifierNet& net, const data::Vocabulary& vocab, std::string name)
      : net_(net), vocab_(vocab), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void fit(const std::vector<std::string>&, std::span<const int64_t>, int64_t) override {}
  std::vector<int64_t> predict(const std::vector<std::string>& texts) const override {
    std::vector<int64_t> out;
    for (const auto& p : probabilities(texts)) {
      out.push_back(std::max_element(p.begin(), p.end()) - p.begin());
    }
    return out;
  }
  // Softmax of the logits, per text.
  std::vector<std::vector<double>> probabilities(const std::vector<std::string>& texts) const {
    NoGradGuard no_grad;
    net_.eval();
    std::vector<std::vector<int64_t>> ids;
    for (const std::string& text : texts) {
      data::Encoded e = vocab_.encode(text);
      if (e.ids.empty()) e.ids.push_back(data::Vocabulary::kUnk);
      ids.push_back(std::move(e.ids));
    }
    std::vector<std::vector<double>> out;
    apps::for_each_prediction_batch(ids, [&](const train::Batch& b) {
      const Tensor p = softmax(net_.forward(b.tokens, b.lengths), 1);  // [B, C]
      const int64_t C = p.size(1);
      for (int64_t r = 0; r < p.size(0); ++r) {
        out.emplace_back(p.data() + r * C, p.data() + (r + 1) * C);
      }
    });
    return out;
  }

 private:
  ClassifierNet& net_;
  const data::Vocabulary& vocab_;
  std::string name_;
};

json metrics_json(const ClassificationMetrics& m, const std::vector<std::string>& classes) {
  json per_class = json::object();
  for (size_t c = 0; c < classes.size(); ++c) {
    const ClassScores& s = m.per_class[c];
    per_class[classes[c]] = {
        {"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"support", s.support}};
  }
  return {{"count", m.count},
          {"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1},
          {"per_class", per_class},
          {"confusion", m.confusion}};
}

std::string scores_json(const std::vector<ScoredMethod>& scores,
                        const std::vector<std::string>& classes) {
  json j = json::object();
  for (const ScoredMethod& s : scores) j[s.split][s.method] = metrics_json(s.metrics, classes);
  return j.dump(2) + "\n";
}

const ScoredMethod* find_score(const std::vector<ScoredMethod>& scores, const std::string& split,
                               const std::string& method) {
  for (const ScoredMethod& s : scores) {
    if (s.split == split && s.method == method) return &s;
  }
  return nullptr;
}

std::string verdict_of(const std::vector<ScoredMethod>& scores, const std::string& split,
                       const std::string& model) {
  const ScoredMethod* net = find_score(scores, split, model);
  if (net == nullptr) return "";
  std::string beaten, not_beaten;
  for (const ScoredMethod& s : scores) {
    if (s.split != split || s.method == model) continue;
    const bool beats =
        net->metrics.accuracy > s.metrics.accuracy && net->metrics.macro_f1 > s.metrics.macro_f1;
    std::string& list = beats ? beaten : not_beaten;
    list += (list.empty() ? "" : " and ") + s.method + " (accuracy " + fixed(s.metrics.accuracy) +
            ", macro-F1 " + fixed(s.metrics.macro_f1) + ")";
  }
  std::string out = "On the " + split + " split the " + model + " has accuracy " +
                    fixed(net->metrics.accuracy) + " and macro-F1 " + fixed(net->metrics.macro_f1) +
                    ". ";
  if (!beaten.empty()) out += "It beats " + beaten + " on both. ";
  if (!not_beaten.empty()) out += "It does not beat " + not_beaten + " on both.";
  return out;
}

std::string render_report(const ClassifyRunResult& r, const ClassifyConfig& c,
                          const std::string& data_path) {
  std::ostringstream out;
  out << "# Classification report: " << fs::path(data_path).filename().string() << "\n\n"
      << r.verdict << "\n\n## Scores\n\n"
      << "Accuracy is the share of texts whose predicted class is the true one; macro-F1 the mean "
         "over the classes of the harmonic mean of precision and recall (recur's "
         "include/recur/apps/classify/classification_metrics.h gives the exact definitions). "
         "Every method is fitted on the same training texts and scored on the same texts.\n\n"
      << "| split | method | accuracy | macro-F1 |\n|---|---|---:|---:|\n";
  for (const ScoredMethod& s : r.scores) {
    out << "| " << s.split << " | " << s.method << " | " << fixed(s.metrics.accuracy) << " | "
        << fixed(s.metrics.macro_f1) << " |\n";
  }
  if (const ScoredMethod* net = find_score(r.scores, "test", c.model.cell)) {
    out << "\n## Per class (" << c.model.cell << ", test split)\n\n"
        << "| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n";
    for (size_t k = 0; k < r.classes.size(); ++k) {
      const ClassScores& s = net->metrics.per_class[k];
      out << "| " << r.classes[k] << " | " << fixed(s.precision) << " | " << fixed(s.recall)
          << " | " << fixed(s.f1) << " | " << s.support << " |\n";
    }
    out << "\nConfusion matrix (rows: true class, columns: predicted):\n\n|  |";
    for (const std::string& k : r.classes) out << " " << k << " |";
    out << "\n|---|";
    for (size_t k = 0; k < r.classes.size(); ++k) out << "---:|";
    out << "\n";
    for (size_t i = 0; i < r.classes.size(); ++i) {
      out << "| " << r.classes[i] << " |";
      for (int64_t v : net->metrics.confusion[i]) out << " " << v << " |";
      out << "\n";
    }
    out << "\n![Confusion matrix of the " << c.model.cell << " on the test split](confusion.png)\n";
  }
  out << "\n## Configuration\n\n"
      << "- data: " << data_path << " (text column " << c.text_column << ", label column "
      << c.label_column << ")\n"
      << "- tokens: " << data::token_level_name(c.tokens.level)
      << (c.tokens.lowercase ? ", lowercased" : "") << ", min frequency " << c.tokens.min_frequency
      << "\n"
      << "- model: embedding " << c.model.embedding_dim << " -> " << c.model.cell << " "
      << c.model.num_layers << "x" << c.model.hidden_size
      << (c.model.bidirectional ? " bidirectional" : "") << " -> linear\n"
      << "- training: Adam lr " << c.training.lr << ", batch " << c.training.batch_size
      << ", up to " << c.training.epochs << " epochs, patience " << c.training.patience << ", seed "
      << c.training.seed << " (" << r.epochs_run << " epochs run)\n";
  if (r.unknown_tokens > 0) {
    out << "- " << r.unknown_tokens
        << " tokens of the scored texts were not in the training vocabulary (mapped to <unk>)\n";
  }
  return out.str();
}

// The file's texts and labels: what a resumed run must be trained on.
std::string fingerprint(const data::LabeledTexts& file) {
  train::Fingerprint f;
  for (const data::LabeledText& item : file.items) {
    f.add(item.text);
    f.add(item.label);
  }
  return std::to_string(file.items.size()) + " rows, hash " + f.hex();
}

std::map<std::string, std::string> run_identity(const data::LabeledTexts& file,
                                                const ClassifyConfig& config) {
  json settings = to_json(config);
  settings["training"].erase("epochs");
  return train::make_run_identity(fingerprint(file), settings);
}

data::LabeledTexts read_file(const std::string& path, const ClassifyConfig& c) {
  return data::read_labeled_texts(path,
                                  {.text_column = c.text_column, .label_column = c.label_column});
}

}  // namespace

std::string format_scores(const std::vector<ScoredMethod>& scores) {
  std::ostringstream out;
  std::string split;
  char line[160];
  for (const ScoredMethod& s : scores) {
    if (s.split != split) {
      split = s.split;
      out << "\n" << split << " (" << s.metrics.count << " texts)\n";
      std::snprintf(line, sizeof(line), "  %-32s %9s %9s\n", "method", "accuracy", "macro-F1");
      out << line;
    }
    std::snprintf(line, sizeof(line), "  %-32s %9.3f %9.3f\n", s.method.c_str(), s.metrics.accuracy,
                  s.metrics.macro_f1);
    out << line;
  }
  return out.str();
}

ClassifyRunResult train_classifier(const ClassifyRunOptions& options) {
  ClassifyConfig config = options.config;
  config.validate();
  const data::LabeledTexts file = read_file(options.data_path, config);
  config.classes = file.labels();
  if (config.classes.size() < 2) {
    throw ValueError(options.data_path + ": column '" + file.label_column +
                     "' has fewer than two distinct labels; there is nothing to classify");
  }
  const apps::ItemSplit split =
      apps::shuffled_split(file.items.size(), config.training, options.data_path, "rows");
  const Examples train_ex = examples_of(file, config.classes, split.train);
  const Examples val_ex = examples_of(file, config.classes, split.validation);
  const Examples test_ex = examples_of(file, config.classes, split.test);
  const data::Vocabulary vocab = data::Vocabulary::build(train_ex.texts, config.tokens);
  config.model.vocab_size = vocab.size();
  config.model.num_classes = static_cast<int64_t>(config.classes.size());

  // The baselines first: they are cheap, and their failures cost no training time.
  std::vector<std::unique_ptr<TextClassifier>> baselines;
  baselines.push_back(std::make_unique<MajorityClassifier>());
  baselines.push_back(std::make_unique<CharNgramNaiveBayes>());
  const int64_t C = config.model.num_classes;
  for (auto& b : baselines) b->fit(train_ex.texts, train_ex.labels, C);

  const ClassifyTraining& t = config.training;
  const train::SequenceLoader train_loader(
      encode_all(vocab, train_ex, options.data_path, nullptr), as_targets(train_ex.labels),
      {.batch_size = t.batch_size, .shuffle = true, .seed = t.seed});
  const train::SequenceLoader val_loader(encode_all(vocab, val_ex, options.data_path, nullptr),
                                         as_targets(val_ex.labels), {.batch_size = 256});

  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  Generator gen(t.seed);
  ClassifierNet net(config.model, gen);
  optim::Adam optimizer(net.parameters(), {.lr = t.lr});
  train::Trainer trainer(
      net, optimizer,
      [&net](const train::Batch& b) {
        return cross_entropy(net.forward(b.tokens, b.lengths), b.labels.to_vector());
      },
      apps::trainer_options(t, run, options.resume, options.progress, gen,
                            run_identity(file, config)));
  const train::History history = trainer.fit(train_loader, &val_loader);

  ClassifyRunResult result;
  result.classes = config.classes;
  result.epochs_run = static_cast<int64_t>(history.epochs.size());
  NetworkClassifier network(net, vocab, config.model.cell);
  for (const auto& [name, ex] : {std::pair{"validation", &val_ex}, {"test", &test_ex}}) {
    encode_all(vocab, *ex, options.data_path, &result.unknown_tokens);
    result.scores.push_back(
        {name, network.name(), classification_metrics(ex->labels, network.predict(ex->texts), C)});
    for (const auto& b : baselines) {
      result.scores.push_back(
          {name, b->name(), classification_metrics(ex->labels, b->predict(ex->texts), C)});
    }
  }
  result.verdict = verdict_of(result.scores, "test", network.name());

  nn::save(net, run.file("model.safetensors"));
  save_classify_config(run.file("config.json"), config);
  vocab.save(run.file(data::kVocabularyFile));
  io::write_file_atomically(run.file("metrics.json"), scores_json(result.scores, config.classes));
  io::write_file_atomically(run.file("report.md"),
                            render_report(result, config, options.data_path));
  if (const ScoredMethod* test = find_score(result.scores, "test", network.name())) {
    plot_confusion(run.file("confusion.png"),
                   {.title = "Confusion matrix (" + network.name() + ", test split)",
                    .classes = config.classes,
                    .matrix = test->metrics.confusion});
  }
  result.files = {"model.safetensors", "config.json",           data::kVocabularyFile,
                  "metrics.json",      "training.csv",          "report.md",
                  "confusion.png",     "checkpoint.safetensors"};
  run.commit();
  return result;
}

namespace {

apps::LoadedRun<ClassifyConfig, ClassifierNet> load_run(const std::string& run_dir) {
  auto r = apps::load_run<ClassifierNet>(run_dir, &load_classify_config);
  if (r.config.classes.size() < 2) {
    throw ValueError(in_dir(run_dir, "config.json") + ": field 'classes' needs two or more");
  }
  return r;
}

}  // namespace

ClassifyRunResult evaluate_classifier(const std::string& run_dir, const std::string& data_path) {
  auto run = load_run(run_dir);
  const data::LabeledTexts file = read_file(data_path, run.config);
  std::vector<size_t> rows(file.items.size());
  std::iota(rows.begin(), rows.end(), 0);
  const Examples ex = examples_of(file, run.config.classes, rows);
  ClassifyRunResult result;
  result.classes = run.config.classes;
  encode_all(run.vocab, ex, data_path, &result.unknown_tokens);
  NetworkClassifier network(*run.net, run.vocab, run.config.model.cell);
  result.scores.push_back(
      {"all", network.name(),
       classification_metrics(ex.labels, network.predict(ex.texts), run.config.model.num_classes)});
  return result;
}

std::vector<ClassPrediction> predict_classes(const std::string& run_dir,
                                             const std::vector<std::string>& texts) {
  auto run = load_run(run_dir);
  NetworkClassifier network(*run.net, run.vocab, run.config.model.cell);
  const auto probabilities = network.probabilities(texts);
  std::vector<ClassPrediction> out;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& p = probabilities[i];
    const size_t best = static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    out.push_back(
        {texts[i], run.config.classes[best], p[best], run.vocab.encode(texts[i]).unknown});
  }
  return out;
}

}  // namespace recur::classify
