// The token jobs of issue 11 timed on recur's own pieces, one job per process, for bench/token_jobs
// to interleave with the same jobs in PyTorch. Not a Google Benchmark program: the script needs
// one fresh process per (job, threads) so that it can alternate recur and PyTorch runs and read
// each process's first-step memory, which a benchmark harness repeating one body cannot give.
//
//   lm_train   char-LM training step (recur textgen train): Embedding 64 -> LSTM 256 x 2 ->
//              Linear over moby_dick's characters; 32 streams x 100 steps (train::StreamLoader),
//              state carried and detached (train::CarriedState), cross_entropy over [B, T, V],
//              backward, clip_grad_norm_ 1, Adam. Unit: tokens (32 * 100 per step).
//   cls_train  classifier training step (recur classify train): Embedding 32 -> LSTM 64 ->
//              Linear over a packed batch of 32 first names (train::SequenceLoader::collate),
//              same loss, clipping and optimizer. Unit: steps.
//   sample     textgen::TextGenerator drawing tokens at batch 1, temperature 0.8, from the
//              char-LM of lm_train after a one-character prompt. Unit: tokens.
//   lm_memory  what the FIRST lm_train step adds to the peak resident set (VmHWM, reset through
//              /proc/self/clear_refs, minus VmRSS before it), as bench/memory measures layers.
//
//   bench_token_jobs --job lm_train --threads 1 --steps 10 --warmup 2 --data data
//
// Prints one JSON line: job, threads, vocab, the per-repetition wall seconds, their median,
// units_per_s, and the same by CPU time (cpu_seconds, cpu_units_per_s); or peak_bytes for
// lm_memory.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "job_timing.h"
#include "recur/apps/classify/classifier_net.h"
#include "recur/apps/textgen/language_model_net.h"
#include "recur/apps/textgen/text_generator.h"
#include "recur/data/labeled_texts.h"
#include "recur/data/text_corpus.h"
#include "recur/data/vocabulary.h"
#include "recur/kernels/parallel.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"
#include "recur/train/carried_state.h"
#include "recur/train/sequence_loader.h"
#include "recur/train/stream_loader.h"

namespace {

using namespace recur;

using Args = bench::JobArgs;

// The shapes (and the defaults of recur textgen / recur classify).
constexpr int64_t kStreams = 32, kChunk = 100;
constexpr int64_t kNamesBatch = 32;
constexpr double kLr = 2e-3, kClip = 1.0;
constexpr float kTemperature = 0.8f;

using bench::Clock;
using bench::Timings;

// "VmRSS" / "VmHWM" of /proc/self/status in bytes, -1 where unavailable.
int64_t proc_status_bytes(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1)) * 1024;
  }
  return -1;
}

// One training step as train::Trainer takes it: zero_grad, loss, item, backward, clip, step.
void train_step(optim::Optimizer& optimizer, const std::vector<Tensor>& params,
                const std::function<Tensor()>& loss) {
  optimizer.zero_grad();
  Tensor l = loss();
  volatile double value = l.item();  // the Trainer reads every loss
  (void)value;
  l.backward();
  optim::clip_grad_norm_(params, kClip);
  optimizer.step();
}

data::Vocabulary char_vocabulary(const data::TextCorpus& corpus) {
  return data::Vocabulary::build({corpus.text}, {.level = data::TokenLevel::kChar});
}

// moby_dick.txt, its character vocabulary, its streams and the language model over them.
struct CharModel {
  explicit CharModel(const Args& a)
      : corpus(data::read_text_corpus(a.data + "/moby_dick.txt")),
        vocab(char_vocabulary(corpus)),
        loader(vocab.encode(corpus.text).ids, {.streams = kStreams, .chunk_length = kChunk}),
        net({.vocab_size = vocab.size(), .embedding_dim = 64, .hidden_size = 256, .num_layers = 2},
            gen) {}  // E 64, LSTM 256 x 2, as bench/token_jobs builds it in PyTorch

  data::TextCorpus corpus;
  data::Vocabulary vocab;
  train::StreamLoader loader;
  Generator gen{0};
  textgen::LanguageModelNet net;
};

nlohmann::json run_lm(const Args& a, bool memory_only) {
  CharModel m(a);
  const std::vector<Tensor> params = m.net.parameters();
  optim::Adam adam(params, {.lr = kLr});
  train::CarriedState state;
  int64_t next = 0;
  const auto loss = [&] {
    const train::Batch b = m.loader.chunk(next++ % m.loader.num_batches());
    const train::RecurrentState start = state.start(b);
    textgen::LanguageModelOutput out = m.net.forward(b.tokens, start);
    state.carry(out.h_n, out.c_n);
    return cross_entropy(out.logits, b.labels);
  };
  nlohmann::json r{{"vocab", m.vocab.size()}};
  if (memory_only) {
    const int64_t before = proc_status_bytes("VmRSS");
    std::ofstream("/proc/self/clear_refs") << "5";
    train_step(adam, params, loss);
    const int64_t peak = proc_status_bytes("VmHWM");
    r["peak_bytes"] = peak < 0 || before < 0 ? -1 : std::max<int64_t>(0, peak - before);
    return r;
  }
  Timings times;
  for (int64_t i = 0; i < a.warmup + a.steps; ++i) {
    const Clock clock;
    train_step(adam, params, loss);
    if (i >= a.warmup) times.add(clock);
  }
  r.update(times.json(static_cast<double>(kStreams * kChunk)));
  return r;
}

nlohmann::json run_sample(const Args& a) {
  CharModel m(a);
  textgen::TextGenerator generator(m.net, a.threads);
  const std::vector<int64_t> prompt = m.vocab.encode("\n").ids;
  Timings times;
  for (int64_t i = 0; i < a.warmup + a.steps; ++i) {
    Generator gen(static_cast<uint64_t>(i));
    const Clock clock;
    const auto ids = generator.generate(prompt, a.tokens, {.temperature = kTemperature}, gen);
    if (i >= a.warmup) times.add(clock);
    if (static_cast<int64_t>(ids.size()) != a.tokens) throw ValueError("sample: short output");
  }
  nlohmann::json r = times.json(static_cast<double>(a.tokens));
  r["vocab"] = m.vocab.size();
  return r;
}

// Batch j holds the names (32j + i) * 7919 mod N, i < 32: a fixed spread over the file that the
// PyTorch side reproduces without sharing a random generator.
std::vector<int64_t> names_batch(int64_t j, int64_t n) {
  std::vector<int64_t> items;
  for (int64_t i = 0; i < kNamesBatch; ++i) items.push_back(((j * kNamesBatch + i) * 7919) % n);
  return items;
}

nlohmann::json run_classifier(const Args& a) {
  const data::LabeledTexts file = data::read_labeled_texts(
      a.data + "/first_names_gender.csv", {.text_column = "Name", .label_column = "Gender"});
  const std::vector<std::string> texts = file.texts(), classes = file.labels();
  const data::Vocabulary vocab = data::Vocabulary::build(texts, {});
  std::vector<std::vector<int64_t>> ids, labels;
  for (const data::LabeledText& x : file.items) {
    ids.push_back(vocab.encode(x.text).ids);
    labels.push_back({std::find(classes.begin(), classes.end(), x.label) - classes.begin()});
  }
  const int64_t n = static_cast<int64_t>(ids.size());
  const train::SequenceLoader loader(std::move(ids), std::move(labels), {});
  Generator gen(0);
  classify::ClassifierNet net(
      classify::ClassifierShape{{.vocab_size = vocab.size()},
                                /*num_classes=*/static_cast<int64_t>(classes.size())},
      gen);  // E 32, LSTM 64
  const std::vector<Tensor> params = net.parameters();
  optim::Adam adam(params, {.lr = kLr});
  int64_t next = 0;
  const auto loss = [&] {
    const train::Batch b = loader.collate(names_batch(next++, n));
    return cross_entropy(net.forward(b.tokens, b.lengths), b.labels.to_vector());
  };
  Timings times;
  // One repetition is 20 steps: a single step is too short for the clock to be the only noise.
  constexpr int kStepsPerRep = 20;
  for (int64_t i = 0; i < a.warmup + a.steps; ++i) {
    const Clock clock;
    for (int s = 0; s < kStepsPerRep; ++s) train_step(adam, params, loss);
    if (i >= a.warmup) times.add(clock, kStepsPerRep);
  }
  nlohmann::json r = times.json(1.0);
  r["vocab"] = vocab.size();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  return bench::job_main("bench_token_jobs", argc, argv, {},
                         {{"lm_train", [](const Args& a) { return run_lm(a, false); }},
                          {"lm_memory", [](const Args& a) { return run_lm(a, true); }},
                          {"cls_train", run_classifier},
                          {"sample", run_sample}});
}
