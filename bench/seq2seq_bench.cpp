// Issue 12's encoder-decoder jobs timed on recur, one job per process, for bench/seq2seq to
// interleave with the same jobs in PyTorch (see bench/token_jobs_bench.cpp for why one process
// per job rather than a Google Benchmark harness).
//
// The model: recur seq2seq train's defaults (seq2seq_config.h): Seq2SeqNet with an LSTM,
// embeddings 32, a bidirectional encoder of 64 per direction, luong-general attention, input
// feeding and the linear bridge, over the character ids of data/dates.tsv (ids 4.. for the
// sorted characters of each side, as bench/seq2seq's PyTorch worker numbers them).
//   train   kTrainBatches training steps per repetition over the pairs (64j + i) * 7919 mod N
//           of batch j: zero_grad, sequence_loss(forward(src, lengths, tgt_in, ratio 1)), item,
//           backward, clip_grad_norm_ 5, Adam (lr 3e-3). Unit: tokens (source + target with
//           <eos>, the same batches every repetition).
//   beam    beam_search (width 5, max_length 12, alpha 0.6) over the first 256 sources, in eval
//           mode. The output bias of <eos> is set to -30 on both sides so that an untrained
//           model runs every sentence to max_length: the same number of steps on both sides.
//           Unit: sentences.
//
//   bench_seq2seq --job train --threads 1 --steps 5 --warmup 1 --data data
//
// Prints one JSON line: job, threads, the per-repetition wall seconds, their median,
// units_per_s, and the same by CPU time (cpu_seconds, cpu_units_per_s).
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "job_timing.h"
#include "recur/apps/seq2seq/batch.h"
#include "recur/apps/seq2seq/decoding.h"
#include "recur/apps/seq2seq/seq2seq_net.h"
#include "recur/autograd/grad_mode.h"
#include "recur/kernels/parallel.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"

namespace {

using namespace recur;
using bench::Clock;
using bench::Timings;

constexpr int64_t kBatch = 64, kTrainBatches = 8, kBeamSources = 256, kEos = 3;
constexpr double kLr = 3e-3, kClip = 5.0;

using Args = bench::JobArgs;

// One side of the pairs as ids 4.. of its sorted characters (0-3 are the specials).
struct CharSide {
  std::vector<std::string> texts;
  std::map<char, int64_t> ids;
  int64_t vocab_size() const { return static_cast<int64_t>(ids.size()) + 4; }
  seq2seq::TokenIds encode(size_t k) const {
    seq2seq::TokenIds out;
    for (char c : texts[k]) out.push_back(ids.at(c));
    return out;
  }
};

struct Pairs {
  CharSide src, tgt;
};

Pairs read_pairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open");
  Pairs p;
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    p.src.texts.push_back(line.substr(0, tab));
    p.tgt.texts.push_back(line.substr(tab + 1));
  }
  for (CharSide* side : {&p.src, &p.tgt}) {
    std::set<char> chars;
    for (const std::string& t : side->texts) chars.insert(t.begin(), t.end());
    for (char c : chars) side->ids.emplace(c, static_cast<int64_t>(side->ids.size()) + 4);
  }
  return p;
}

seq2seq::Seq2SeqBatch train_batch(const Pairs& p, int64_t j) {
  const size_t n = p.src.texts.size();
  std::vector<seq2seq::TokenIds> sources, targets;
  for (int64_t i = 0; i < kBatch; ++i) {
    const size_t k = static_cast<size_t>((j * kBatch + i) * 7919) % n;
    sources.push_back(p.src.encode(k));
    targets.push_back(p.tgt.encode(k));
  }
  return seq2seq::make_batch(sources, targets);
}

int64_t batch_tokens(const seq2seq::Seq2SeqBatch& b) {
  int64_t n = 0;
  for (int64_t len : b.src_lengths) n += len;
  for (int64_t id : b.tgt_out.to_vector()) n += id != 0;
  return n;
}

nlohmann::json run(const Args& a) {
  const Pairs pairs = read_pairs(a.data + "/dates.tsv");
  Generator gen(0);
  seq2seq::Seq2SeqNet net(
      {.src_vocab_size = pairs.src.vocab_size(), .tgt_vocab_size = pairs.tgt.vocab_size()}, gen);
  Timings times;
  nlohmann::json r{{"src_vocab", pairs.src.vocab_size()}, {"tgt_vocab", pairs.tgt.vocab_size()}};
  if (a.job == "train") {
    std::vector<seq2seq::Seq2SeqBatch> batches;
    int64_t tokens = 0;
    for (int64_t j = 0; j < kTrainBatches; ++j) {
      batches.push_back(train_batch(pairs, j));
      tokens += batch_tokens(batches.back());
    }
    const std::vector<Tensor> params = net.parameters();
    optim::Adam adam(params, {.lr = kLr});
    for (int64_t i = 0; i < a.warmup + a.steps; ++i) {
      const Clock clock;
      for (const seq2seq::Seq2SeqBatch& b : batches) {
        adam.zero_grad();
        Tensor loss = seq2seq::sequence_loss(
            net.forward(b.src, b.src_lengths, b.tgt_in, 1.0f, gen).logits, b.tgt_out);
        volatile double value = loss.item();  // as the Trainer reads every loss
        (void)value;
        loss.backward();
        optim::clip_grad_norm_(params, kClip);
        adam.step();
      }
      if (i >= a.warmup) times.add(clock);
    }
    r.update(times.json(static_cast<double>(tokens)));
    return r;
  }
  net.eval();
  net.decoder->out->bias.data()[kEos] = -30.0f;
  std::vector<seq2seq::TokenIds> sources;
  for (int64_t k = 0; k < kBeamSources; ++k) sources.push_back(pairs.src.encode(k));
  const seq2seq::Seq2SeqBatch b = seq2seq::make_source_batch(sources);
  const seq2seq::BeamOptions options{.beam_width = 5, .max_length = 12, .length_penalty = 0.6f};
  int64_t emitted = 0;
  for (int64_t i = 0; i < a.warmup + a.steps; ++i) {
    const Clock clock;
    const std::vector<seq2seq::Translation> out =
        seq2seq::beam_search(net, b.src, b.src_lengths, options);
    if (i >= a.warmup) times.add(clock);
    emitted = static_cast<int64_t>(out[0].ids.size());
  }
  r["first_length"] = emitted;
  r.update(times.json(static_cast<double>(kBeamSources)));
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  return bench::job_main("bench_seq2seq", argc, argv, {.steps = 5, .warmup = 1},
                         {{"train", run}, {"beam", run}});
}
