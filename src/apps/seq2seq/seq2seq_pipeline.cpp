#include "recur/apps/seq2seq/seq2seq_pipeline.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "../token_job.h"
#include "recur/apps/heat_map.h"
#include "recur/apps/seq2seq/batch.h"
#include "recur/apps/seq2seq/decoding.h"
#include "recur/apps/seq2seq/metrics.h"
#include "recur/apps/seq2seq/seq2seq_net.h"
#include "recur/apps/text_format.h"
#include "recur/data/length_buckets.h"
#include "recur/data/text_pairs.h"
#include "recur/io/atomic_file.h"
#include "recur/io/run_folder.h"
#include "recur/io/safetensors.h"
#include "recur/nn/module.h"
#include "recur/optim/adam.h"
#include "recur/train/progress.h"
#include "recur/train/run_identity.h"
#include "recur/train/trainer.h"

namespace recur::seq2seq {
namespace {

namespace fs = std::filesystem;
using apps::fixed;
using apps::in_dir;
using data::Vocabulary;
using json = nlohmann::json;

// Reference tokens missing from the target vocabulary, and copied source tokens missing from it,
// get ids no output can equal: such a token is never counted as matched.
constexpr int64_t kUnknownReference = -1;
constexpr int64_t kUnknownCopy = -2;
constexpr size_t kDecodeBatch = 256;
constexpr size_t kAttentionPlots = 3;

std::vector<std::string> side_texts(const data::TextPairs& file, const std::vector<size_t>& rows,
                                    std::string data::TextPair::*side) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (size_t r : rows) out.push_back(file.pairs[r].*side);
  return out;
}

std::vector<size_t> all_pairs(const data::TextPairs& file) {
  std::vector<size_t> rows(file.pairs.size());
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

// Some pairs of a file, as the model reads them and as they are scored.
struct PairSet {
  std::string split;
  std::vector<std::string> source_texts, target_texts;
  std::vector<std::vector<std::string>> source_tokens;  // for the copy baseline and the plots
  std::vector<TokenIds> sources, targets;               // model ids (<unk> for unknown tokens)
  std::vector<Sentence> references;                     // unknown target tokens unmatched
  int64_t unknown = 0;                                  // tokens of either side not known
};

// ValueError naming the file and line of the first target the decoder could not write within
// max_length steps (<eos> included): it would be scored as wrong whatever the model learnt.
void check_target_lengths(const data::TextPairs& file, const Vocabulary& target,
                          int64_t max_length) {
  for (const data::TextPair& pair : file.pairs) {
    const auto tokens = static_cast<int64_t>(target.tokenize(pair.target).size());
    if (tokens + 1 > max_length) {
      throw ValueError(file.source + ":" + std::to_string(pair.line) + ": the target has " +
                       std::to_string(tokens) + " tokens, more than the " +
                       std::to_string(max_length - 1) +
                       " a translation may have (decoding.max_length " +
                       std::to_string(max_length) + " counts <eos>); raise --max-length");
    }
  }
}

PairSet pair_set(const std::string& split, const data::TextPairs& file,
                 const std::vector<size_t>& rows, const Vocabulary& source,
                 const Vocabulary& target) {
  PairSet s{.split = split,
            .source_texts = side_texts(file, rows, &data::TextPair::source),
            .target_texts = side_texts(file, rows, &data::TextPair::target)};
  for (size_t k = 0; k < rows.size(); ++k) {
    const data::Encoded src = source.encode(s.source_texts[k]);
    const data::Encoded tgt = target.encode(s.target_texts[k]);
    s.unknown += src.unknown + tgt.unknown;
    s.source_tokens.push_back(source.tokenize(s.source_texts[k]));
    Sentence reference = tgt.ids;
    for (int64_t& id : reference) id = id == Vocabulary::kUnk ? kUnknownReference : id;
    s.references.push_back(std::move(reference));
    s.sources.push_back(src.ids);
    s.targets.push_back(tgt.ids);
  }
  return s;
}

// The copy-the-source baseline: the source's tokens as the output, in the target vocabulary.
std::vector<Sentence> copy_baseline(const PairSet& s, const Vocabulary& target) {
  std::vector<Sentence> out;
  for (const auto& tokens : s.source_tokens) {
    Sentence ids;
    for (const std::string& t : tokens) {
      const int64_t id = target.id(t);
      ids.push_back(id == Vocabulary::kUnk ? kUnknownCopy : id);
    }
    out.push_back(std::move(ids));
  }
  return out;
}

// Mini-batches of pairs for train::Trainer, grouped by source length (data/length_buckets.h):
// tokens/lengths the source, decoder_tokens <bos> y..., labels y... <eos> (batch.h).
class PairBatches : public train::BatchSource {
 public:
  PairBatches(std::vector<TokenIds> sources, std::vector<TokenIds> targets,
              data::BucketOptions options)
      : sources_(std::move(sources)), targets_(std::move(targets)), options_(options) {
    for (const TokenIds& s : sources_) lengths_.push_back(static_cast<int64_t>(s.size()));
  }

  std::vector<train::Batch> epoch(int64_t epoch_index) const override {
    std::vector<train::Batch> out;
    for (const std::vector<int64_t>& items :
         data::bucket_by_length(lengths_, options_, epoch_index)) {
      std::vector<TokenIds> src, tgt;
      std::vector<int64_t> row_terms;
      int64_t terms = 0;
      for (int64_t i : items) {
        src.push_back(sources_[static_cast<size_t>(i)]);
        tgt.push_back(targets_[static_cast<size_t>(i)]);
        row_terms.push_back(static_cast<int64_t>(tgt.back().size()) + 1);  // <eos> too
        terms += row_terms.back();
      }
      Seq2SeqBatch b = make_batch(src, tgt);
      train::Batch batch;
      batch.tokens = std::move(b.src);
      batch.lengths = std::move(b.src_lengths);
      batch.decoder_tokens = std::move(b.tgt_in);
      batch.labels = std::move(b.tgt_out);
      batch.loss_terms = terms;  // sequence_loss averages over the target tokens
      batch.row_terms = std::move(row_terms);
      out.push_back(std::move(batch));
    }
    return out;
  }

  int64_t num_batches() const override {
    const auto n = static_cast<int64_t>(sources_.size());
    return (n + options_.batch_size - 1) / options_.batch_size;
  }

 private:
  std::vector<TokenIds> sources_, targets_;
  std::vector<int64_t> lengths_;
  data::BucketOptions options_;
};

// Translations of every source, in order: greedy for beam width 1, else beam search.
std::vector<Translation> decode_all(Seq2SeqNet& net, const std::vector<TokenIds>& sources,
                                    const BeamOptions& options) {
  net.eval();
  std::vector<Translation> out;
  for (size_t begin = 0; begin < sources.size(); begin += kDecodeBatch) {
    const size_t end = std::min(sources.size(), begin + kDecodeBatch);
    const Seq2SeqBatch b = make_source_batch({sources.begin() + static_cast<std::ptrdiff_t>(begin),
                                              sources.begin() + static_cast<std::ptrdiff_t>(end)});
    std::vector<Translation> part =
        options.beam_width == 1 ? greedy_decode(net, b.src, b.src_lengths, options.max_length)
                                : beam_search(net, b.src, b.src_lengths, options);
    std::move(part.begin(), part.end(), std::back_inserter(out));
  }
  return out;
}

std::vector<Sentence> ids_of(const std::vector<Translation>& translations) {
  std::vector<Sentence> out;
  for (const Translation& t : translations) out.push_back(t.ids);
  return out;
}

Seq2SeqScores score_of(const std::string& split, const std::string& method,
                       const std::vector<Sentence>& outputs, const std::vector<Sentence>& refs) {
  return {.split = split,
          .method = method,
          .pairs = static_cast<int64_t>(refs.size()),
          .exact_match = exact_match(outputs, refs),
          .token_accuracy = token_accuracy(outputs, refs),
          .bleu = corpus_bleu(outputs, refs).bleu};
}

std::string greedy_name(const Seq2SeqConfig& c) { return c.model.cell + " greedy"; }
std::string beam_name(const Seq2SeqConfig& c, int64_t width) {
  return c.model.cell + " beam " + std::to_string(width);
}
constexpr const char* kCopyName = "copy source";

// Scores of the network (greedy, and beam search unless its width is 1) and of the copy
// baseline on one set; the greedy translations are returned for examples and plots.
std::vector<Translation> score_set(Seq2SeqNet& net, const Seq2SeqConfig& c, int64_t beam_width,
                                   const PairSet& s, const Vocabulary& target,
                                   std::vector<Seq2SeqScores>& scores) {
  BeamOptions greedy = c.decoding;
  greedy.beam_width = 1;
  std::vector<Translation> g = decode_all(net, s.sources, greedy);
  scores.push_back(score_of(s.split, greedy_name(c), ids_of(g), s.references));
  if (beam_width > 1) {
    BeamOptions beam = c.decoding;
    beam.beam_width = beam_width;
    scores.push_back(score_of(s.split, beam_name(c, beam_width),
                              ids_of(decode_all(net, s.sources, beam)), s.references));
  }
  scores.push_back(score_of(s.split, kCopyName, copy_baseline(s, target), s.references));
  return g;
}

const Seq2SeqScores& find_score(const std::vector<Seq2SeqScores>& scores, const std::string& split,
                                const std::string& method) {
  for (const Seq2SeqScores& s : scores) {
    if (s.split == split && s.method == method) return s;
  }
  throw ValueError("seq2seq: no " + method + " score on the " + split + " split");
}

std::string verdict_of(const Seq2SeqScores& net, const Seq2SeqScores& base) {
  const bool beats = net.exact_match > base.exact_match;
  return "On the " + net.split + " split the network (" + net.method + ")" +
         (beats ? " beats" : " does NOT beat") +
         " the copy-the-source baseline on exact match: " + fixed(net.exact_match) + " vs " +
         fixed(base.exact_match) + " (token accuracy " + fixed(net.token_accuracy) + " vs " +
         fixed(base.token_accuracy) + ", BLEU " + fixed(net.bleu) + " vs " + fixed(base.bleu) +
         ").";
}

json scores_json(const std::vector<Seq2SeqScores>& scores) {
  json j = json::object();
  for (const Seq2SeqScores& s : scores) {
    j[s.split][s.method] = {{"pairs", s.pairs},
                            {"exact_match", s.exact_match},
                            {"token_accuracy", s.token_accuracy},
                            {"bleu", s.bleu}};
  }
  return j;
}

std::string label_of(const std::string& token) { return token == " " ? "_" : token; }

// The greedy translation's attention as a heat map: one output token per row, one source token
// per column, each row summing to 1.
void plot_attention(const std::string& path, const std::string& source_text,
                    const std::vector<std::string>& source_tokens, const Translation& t,
                    const Vocabulary& target) {
  apps::HeatMap map{.title = "Attention: " + source_text + " -> " + target.decode(t.ids),
                    .x_label = "source",
                    .y_label = "output",
                    .scale_caption = "attention weight"};
  for (const std::string& s : source_tokens) map.column_labels.push_back(label_of(s));
  const int64_t S = t.attention.size(1);
  for (size_t i = 0; i < t.ids.size(); ++i) {
    map.row_labels.push_back(label_of(target.token(t.ids[i])));
    const float* row = t.attention.data() + static_cast<int64_t>(i) * S;
    map.values.emplace_back(row, row + S);
    for (double& v : map.values.back()) v = std::clamp(v, 0.0, 1.0);  // rounding past 1
  }
  const auto pixels = [](size_t n) {
    return static_cast<int>(std::min<size_t>(220 + 36 * n, 2400));
  };
  apps::plot_heat_map(path, map,
                      {.width = pixels(map.column_labels.size()) + 60,
                       .height = pixels(map.row_labels.size()) + 40});
}

// The pairs' text: what a resumed run must be trained on.
std::map<std::string, std::string> run_identity(const data::TextPairs& file,
                                                const Seq2SeqConfig& config) {
  train::Fingerprint f;
  for (const data::TextPair& p : file.pairs) {
    f.add(p.source);
    f.add(p.target);
  }
  json settings = to_json(config);
  settings["training"].erase("epochs");
  return train::make_run_identity(std::to_string(file.pairs.size()) + " pairs, hash " + f.hex(),
                                  settings);
}

struct ReportInputs {
  const Seq2SeqRunResult& result;
  const Seq2SeqConfig& config;
  const std::string& data_path;
  const train::History& history;
  size_t train_pairs;
};

std::string render_report(const ReportInputs& in) {
  const Seq2SeqRunResult& r = in.result;
  const Seq2SeqConfig& c = in.config;
  std::ostringstream out;
  out << "# Sequence-to-sequence report: " << fs::path(in.data_path).filename().string() << "\n\n"
      << r.verdict << "\n\n## Scores\n\n"
      << "Exact match is the share of outputs equal to their target; token accuracy the share of "
         "target tokens matched at their position; BLEU the corpus BLEU of 4-grams with the "
         "brevity penalty, as a fraction (include/recur/apps/seq2seq/metrics.h). The copy "
         "baseline outputs the source's own tokens.\n\n"
      << "| split | method | pairs | exact match | token accuracy | BLEU |\n"
      << "|---|---|---:|---:|---:|---:|\n";
  for (const Seq2SeqScores& s : r.scores) {
    out << "| " << s.split << " | " << s.method << " | " << s.pairs << " | " << fixed(s.exact_match)
        << " | " << fixed(s.token_accuracy) << " | " << fixed(s.bleu) << " |\n";
  }
  out << "\n## Training\n\nTeacher forcing: " << c.teacher_forcing.describe()
      << "; the validation loss is teacher-forced (ratio 1) so that epochs compare.\n\n"
      << "| epoch | teacher forcing | train loss | validation loss |\n|---:|---:|---:|---:|\n";
  for (size_t e = 0; e < in.history.epochs.size(); ++e) {
    const train::EpochRecord& rec = in.history.epochs[e];
    out << "| " << rec.epoch << " | " << fixed(r.teacher_forcing[e]) << " | "
        << fixed(rec.train_loss, 4) << " | " << fixed(rec.val_loss, 4) << " |\n";
  }
  out << "\n" << in.history.stop_reason << "; best epoch " << in.history.best_epoch << ".\n";
  out << "\n## Test examples (greedy)\n\n| source | target | output |\n|---|---|---|\n";
  for (const Seq2SeqExample& x : r.examples) {
    out << "| " << x.source << " | " << x.target << " | " << x.output
        << (x.output == x.target ? "" : " (wrong)") << " |\n";
  }
  for (const std::string& f : r.files) {
    if (f.rfind("attention_", 0) == 0) out << "\n![" << f << "](" << f << ")\n";
  }
  out << "\n## Configuration\n\n"
      << "- data: " << in.data_path << " (" << in.train_pairs << " training pairs)\n"
      << "- tokens: " << data::token_level_name(c.tokens.level)
      << (c.tokens.lowercase ? ", lowercased" : "") << ", min frequency " << c.tokens.min_frequency
      << "; vocabularies: " << r.source_vocabulary_size << " source, " << r.target_vocabulary_size
      << " target (specials included)\n"
      << "- model: embedding " << c.model.embedding_dim << " -> " << c.model.cell << " "
      << c.model.num_layers << "x" << c.model.hidden_size
      << (c.model.bidirectional ? " bidirectional" : "") << " encoder, " << c.model.bridge
      << " bridge, " << c.model.cell << " decoder with " << c.model.attention << " attention"
      << (c.model.input_feeding ? " and input feeding" : "") << "\n"
      << "- training: Adam lr " << c.training.lr << ", batch " << c.training.batch_size
      << " pairs, up to " << c.training.epochs << " epochs, patience " << c.training.patience
      << ", seed " << c.training.seed << " (" << r.epochs_run << " epochs run)\n"
      << "- decoding: max length " << c.decoding.max_length << ", beam width "
      << c.decoding.beam_width << ", length penalty " << c.decoding.length_penalty << "\n";
  if (r.unknown_tokens > 0) {
    out << "- " << r.unknown_tokens
        << " scored tokens were not in the training vocabularies (mapped to <unk>)\n";
  }
  return out.str();
}

// A trained run read back: config.json, both vocabularies (each checked against the weights it
// must fit) and model.safetensors.
struct LoadedSeq2Seq {
  Seq2SeqConfig config;
  Vocabulary source, target;
  std::unique_ptr<Seq2SeqNet> net;
};

// ValueError naming the vocabulary file when its size is not the row count of the embedding
// the weights hold for it.
void check_vocabulary_fits(const std::string& vocab_path, const Vocabulary& vocab,
                           const TensorMap& weights, const std::string& weights_path,
                           const std::string& tensor) {
  const auto it = weights.find(tensor);
  if (it == weights.end()) return;  // nn::load names the missing tensor
  if (it->second.dim() != 2 || it->second.size(0) != vocab.size()) {
    throw ValueError(vocab_path + ": " + std::to_string(vocab.size()) +
                     " tokens, but the model's " + tensor + " in " + weights_path + " has " +
                     std::to_string(it->second.dim() == 2 ? it->second.size(0) : 0) +
                     " rows: this vocabulary does not belong to this model");
  }
}

LoadedSeq2Seq load_seq2seq_run(const std::string& run_dir) {
  const std::string src_path = in_dir(run_dir, kSourceVocabularyFile);
  const std::string tgt_path = in_dir(run_dir, kTargetVocabularyFile);
  LoadedSeq2Seq r{load_seq2seq_config(in_dir(run_dir, "config.json")), Vocabulary::load(src_path),
                  Vocabulary::load(tgt_path), nullptr};
  const std::string weights_path = in_dir(run_dir, "model.safetensors");
  const TensorMap weights = io::load_safetensors(weights_path);
  check_vocabulary_fits(src_path, r.source, weights, weights_path, "encoder.embedding.weight");
  check_vocabulary_fits(tgt_path, r.target, weights, weights_path, "decoder.embedding.weight");
  r.config.model.src_vocab_size = r.source.size();
  r.config.model.tgt_vocab_size = r.target.size();
  r.net = apps::load_network<Seq2SeqNet>(run_dir, r.config.model);
  return r;
}

int64_t beam_or_default(int64_t beam_width, const Seq2SeqConfig& c) {
  if (beam_width < 0) {
    throw ValueError("--beam-width must be >= 1 (0: the run's), got " + std::to_string(beam_width));
  }
  return beam_width == 0 ? c.decoding.beam_width : beam_width;
}

}  // namespace

std::string format_seq2seq_scores(const std::vector<Seq2SeqScores>& scores) {
  std::ostringstream out;
  std::string split;
  char line[200];
  for (const Seq2SeqScores& s : scores) {
    if (s.split != split) {
      split = s.split;
      out << "\n" << split << " (" << s.pairs << " pairs)\n";
      std::snprintf(line, sizeof(line), "  %-20s %12s %15s %8s\n", "method", "exact match",
                    "token accuracy", "BLEU");
      out << line;
    }
    std::snprintf(line, sizeof(line), "  %-20s %12.3f %15.3f %8.3f\n", s.method.c_str(),
                  s.exact_match, s.token_accuracy, s.bleu);
    out << line;
  }
  return out.str();
}

Seq2SeqRunResult train_seq2seq(const Seq2SeqRunOptions& options) {
  Seq2SeqConfig config = options.config;
  config.validate();
  const data::TextPairs file = data::read_text_pairs(options.data_path);
  const apps::ItemSplit split =
      apps::shuffled_split(file.pairs.size(), config.training, options.data_path, "pairs");
  const Vocabulary source =
      Vocabulary::build(side_texts(file, split.train, &data::TextPair::source), config.tokens);
  const Vocabulary target =
      Vocabulary::build(side_texts(file, split.train, &data::TextPair::target), config.tokens);
  config.model.src_vocab_size = source.size();
  config.model.tgt_vocab_size = target.size();
  check_target_lengths(file, target, config.decoding.max_length);
  PairSet train_set = pair_set("train", file, split.train, source, target);
  const PairSet val_set = pair_set("validation", file, split.validation, source, target);
  const PairSet test_set = pair_set("test", file, split.test, source, target);

  const classify::ClassifyTraining& t = config.training;
  const PairBatches train_batches(std::move(train_set.sources), std::move(train_set.targets),
                                  {.batch_size = t.batch_size, .shuffle = true, .seed = t.seed});
  const PairBatches val_batches(val_set.sources, val_set.targets,
                                {.batch_size = 256, .shuffle = false});

  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  Generator gen(t.seed);
  Seq2SeqNet net(config.model, gen);
  optim::Adam optimizer(net.parameters(), {.lr = t.lr});
  float ratio = 1.0f;
  train::TrainerOptions trainer_opts = apps::trainer_options(
      t, run, options.resume, options.progress, gen, run_identity(file, config));
  // The ratio goes on the progress stream before each epoch's line, as well as into the report.
  train::Progress notes(*trainer_opts.progress_stream, options.progress);
  trainer_opts.on_epoch_begin = [&](int64_t epoch) {
    ratio = config.teacher_forcing_ratio(epoch);
    notes.message("epoch " + std::to_string(epoch) + ": teacher forcing ratio " + fixed(ratio));
  };
  train::Trainer trainer(
      net, optimizer,
      [&](const train::Batch& b) {
        // Validation runs in eval mode and is teacher-forced: a loss comparable across epochs
        // whose ratios differ.
        const float r = net.is_training() ? ratio : 1.0f;
        const Seq2SeqOutput out = net.forward(b.tokens, b.lengths, b.decoder_tokens, r, gen);
        return sequence_loss(out.logits, b.labels);
      },
      std::move(trainer_opts));
  const train::History history = trainer.fit(train_batches, &val_batches);

  Seq2SeqRunResult result;
  result.epochs_run = static_cast<int64_t>(history.epochs.size());
  for (const train::EpochRecord& e : history.epochs) {
    result.teacher_forcing.push_back(config.teacher_forcing_ratio(e.epoch));
  }
  result.source_vocabulary_size = source.size();
  result.target_vocabulary_size = target.size();
  result.unknown_tokens = val_set.unknown + test_set.unknown;
  const int64_t beam = config.decoding.beam_width;
  score_set(net, config, beam, val_set, target, result.scores);
  const std::vector<Translation> test_greedy =
      score_set(net, config, beam, test_set, target, result.scores);
  result.verdict = verdict_of(find_score(result.scores, "test", greedy_name(config)),
                              find_score(result.scores, "test", kCopyName));
  for (size_t k = 0; k < std::min<size_t>(5, test_greedy.size()); ++k) {
    result.examples.push_back(
        {test_set.source_texts[k], test_set.target_texts[k], target.decode(test_greedy[k].ids)});
  }

  result.files = {"model.safetensors",
                  "config.json",
                  kSourceVocabularyFile,
                  kTargetVocabularyFile,
                  "metrics.json",
                  "training.csv",
                  "report.md"};
  if (attention_kind_from_name(config.model.attention) != AttentionKind::None) {
    for (size_t k = 0; k < std::min(kAttentionPlots, test_greedy.size()); ++k) {
      if (test_greedy[k].ids.empty()) continue;  // <eos> first: no row to draw
      const std::string name = "attention_" + std::to_string(k + 1) + ".png";
      plot_attention(run.file(name), test_set.source_texts[k], test_set.source_tokens[k],
                     test_greedy[k], target);
      result.files.push_back(name);
    }
  }
  result.files.push_back("checkpoint.safetensors");

  nn::save(net, run.file("model.safetensors"));
  save_seq2seq_config(run.file("config.json"), config);
  source.save(run.file(kSourceVocabularyFile));
  target.save(run.file(kTargetVocabularyFile));
  json metrics = scores_json(result.scores);
  metrics["teacher_forcing"] = json::array();
  for (size_t e = 0; e < history.epochs.size(); ++e) {
    metrics["teacher_forcing"].push_back(
        {{"epoch", history.epochs[e].epoch}, {"ratio", result.teacher_forcing[e]}});
  }
  metrics["epochs_run"] = result.epochs_run;
  io::write_file_atomically(run.file("metrics.json"), metrics.dump(2) + "\n");
  io::write_file_atomically(run.file("report.md"),
                            render_report({.result = result,
                                           .config = config,
                                           .data_path = options.data_path,
                                           .history = history,
                                           .train_pairs = split.train.size()}));
  run.commit();
  return result;
}

Seq2SeqRunResult evaluate_seq2seq(const std::string& run_dir, const std::string& data_path,
                                  int64_t beam_width) {
  LoadedSeq2Seq run = load_seq2seq_run(run_dir);
  const int64_t beam = beam_or_default(beam_width, run.config);
  const data::TextPairs file = data::read_text_pairs(data_path);
  check_target_lengths(file, run.target, run.config.decoding.max_length);
  const PairSet all = pair_set("all", file, all_pairs(file), run.source, run.target);
  Seq2SeqRunResult result;
  result.source_vocabulary_size = run.source.size();
  result.target_vocabulary_size = run.target.size();
  result.unknown_tokens = all.unknown;
  score_set(*run.net, run.config, beam, all, run.target, result.scores);
  result.verdict = verdict_of(find_score(result.scores, "all", greedy_name(run.config)),
                              find_score(result.scores, "all", kCopyName));
  return result;
}

std::vector<Translated> translate_texts(const std::string& run_dir,
                                        const std::vector<std::string>& texts, int64_t beam_width) {
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].find_first_not_of(" \t\r\n") == std::string::npos) {
      throw ValueError("seq2seq translate: text " + std::to_string(i + 1) + " is empty");
    }
  }
  LoadedSeq2Seq run = load_seq2seq_run(run_dir);
  BeamOptions options = run.config.decoding;
  options.beam_width = beam_or_default(beam_width, run.config);
  std::vector<TokenIds> sources;
  std::vector<Translated> out;
  for (const std::string& text : texts) {
    const data::Encoded e = run.source.encode(text);
    sources.push_back(e.ids);
    out.push_back({.source = text, .output = "", .unknown_tokens = e.unknown});
  }
  const std::vector<Translation> translations = decode_all(*run.net, sources, options);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].output = run.target.decode(translations[i].ids);
    out[i].finished = translations[i].finished;
  }
  return out;
}

}  // namespace recur::seq2seq
