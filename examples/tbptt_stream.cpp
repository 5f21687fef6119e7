// Stateful training by truncated backpropagation through time over one long stream: the
// tutorials' "Truncated BPTT: limit the number of time steps backpropagated (e.g., 20-50 steps).
// Common in training language models." (seed 004, "Backprop Through Time"; seed 002, "Truncated
// BPTT limits how far back gradients propagate ... This works well for very long sequences.") and
// seed 001's first "Common RNN Mistake": "When you're training on a very long time series by
// breaking it into chunks, you sometimes want to carry the hidden state from one chunk into the
// next ... Always detach: h = h.detach() between batches in stateful setups." Its pitfalls list
// adds "If you're continuing a sequence (e.g., next batch in a time series), reuse previous hidden
// states. Otherwise, zero-initialize." and "use gradient clipping".
//
// A character language model (textgen::LanguageModelNet: embedding -> lstm -> fc at every step;
// examples/char_generation.cpp writes the same module out) reads the first --chars characters of
// Moby Dick as --streams parallel streams cut into chunks of --chunk-length characters
// (train::StreamLoader). The training loop is written out: the state is reset at the start of every
// epoch, carried from chunk to chunk and detached, the gradient clipped. Each epoch prints the
// training loss and the bits per character on a held-out tail of the text. Then the program shows
// why the state is carried (the validation loss with it carried and with it reset at every chunk)
// and what the detach does (the gradient of chunked training with and without it, beside full
// BPTT, which is chunk_length = the whole stream). See examples/README.md.
//
//   example_tbptt_stream                          5 epochs on the first 200k characters
//   example_tbptt_stream --chars 30000 --epochs 2 --threads 1 --check-decreasing --check-carried
//                                                 (the ctest)
//
// The exit status is 1 when the gradient checks fail; --check-decreasing and --check-carried add
// "the mean epoch loss went down" and "the carried state gives the lower validation loss".
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/apps/textgen/language_model_net.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/text_corpus.h"
#include "recur/data/utf8.h"
#include "recur/data/vocabulary.h"
#include "recur/kernels/parallel.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"
#include "recur/train/carried_state.h"
#include "recur/train/stream_loader.h"

using namespace recur;
using textgen::LanguageModelNet;
using textgen::LanguageModelOutput;

struct Options {
  std::string data = "data/moby_dick.txt";  // from the repository root
  int64_t chars = 200000;                   // the first N characters of the book
  double val_fraction = 0.1;                // the tail held out for validation
  int64_t streams = 32;                     // B: rows of every batch
  int64_t chunk_length = 50;                // k: steps backpropagated through
  int64_t epochs = 5;
  double lr = 5e-3;
  double clip = 1.0;
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  bool check_decreasing = false;
  bool check_carried = false;
};

// The first `chars` characters (code points) of the book, cut by position into the training text
// and the held-out tail.
struct TextSplit {
  std::string train, validation;
};

TextSplit read_split(const Options& opt) {
  const data::TextCorpus corpus = data::read_text_corpus(opt.data);
  const std::u32string code_points = data::decode_utf8(corpus.text);
  const std::u32string_view slice =
      std::u32string_view(code_points).substr(0, static_cast<size_t>(opt.chars));
  const auto n_val = static_cast<size_t>(opt.val_fraction * static_cast<double>(slice.size()));
  return {data::encode_utf8(slice.substr(0, slice.size() - n_val)),
          data::encode_utf8(slice.substr(slice.size() - n_val))};
}

double bits(double nats) { return nats / std::numbers::ln2; }

// Mean loss per character (nats) over a loader's stream, without gradients. With carry_state the
// hidden state flows from each chunk into the next, as in training; without it every chunk starts
// from zeros and its first characters are predicted with no context.
double evaluate(LanguageModelNet& model, const train::StreamLoader& loader, bool carry_state) {
  NoGradGuard no_grad;
  train::RecurrentState hidden;
  double loss_sum = 0.0, characters = 0.0;
  for (const train::Batch& batch : loader.epoch(0)) {
    if (!carry_state || !batch.continues_streams) hidden = {};
    LanguageModelOutput out = model.forward(batch.tokens, hidden);
    hidden = {out.h_n, out.c_n};  // no graph to cut: gradients are off
    loss_sum += static_cast<double>(cross_entropy(out.logits, batch.labels).item()) *
                static_cast<double>(batch.loss_terms);
    characters += static_cast<double>(batch.loss_terms);
  }
  return loss_sum / characters;
}

// The gradient of the mean loss over the whole stream of `loader`, computed chunk by chunk with
// the state carried. Detached, each chunk's backward stops at its first step (truncated BPTT);
// not detached, one backward runs through every chunk (full BPTT, the memory of all of them).
std::vector<Tensor> stream_gradient(LanguageModelNet& model, const train::StreamLoader& loader,
                                    bool detach) {
  model.zero_grad();
  const auto total = static_cast<float>(loader.options().streams * loader.steps_per_stream());
  train::RecurrentState hidden;
  Tensor loss_sum;
  for (const train::Batch& batch : loader.epoch(0)) {
    LanguageModelOutput out = model.forward(batch.tokens, hidden);
    Tensor loss = cross_entropy(out.logits, batch.labels) *
                  (static_cast<float>(batch.loss_terms) / total);  // this chunk's share
    if (detach) {
      loss.backward();
      hidden = {out.h_n.detach(), out.c_n.detach()};
    } else {
      loss_sum = loss_sum.defined() ? loss_sum + loss : loss;
      hidden = {out.h_n, out.c_n};
    }
  }
  if (!detach) loss_sum.backward();
  std::vector<Tensor> gradient;
  for (const Tensor& p : model.parameters()) gradient.push_back(p.grad().clone());
  model.zero_grad();
  return gradient;
}

// The largest |a - b| over all parameters, relative to the largest |a|.
double relative_difference(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  double diff = 0.0, scale = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, static_cast<double>(max_abs_diff(a[i], b[i])));
    for (float v : a[i].to_vector()) scale = std::max(scale, static_cast<double>(std::abs(v)));
  }
  return diff / scale;
}

// The first n ids (all of them when there are fewer).
std::vector<int64_t> first(const std::vector<int64_t>& ids, int64_t n) {
  return {ids.begin(), ids.begin() + std::min<int64_t>(n, static_cast<int64_t>(ids.size()))};
}

// Full BPTT is truncated BPTT with chunk_length = the whole stream: one batch, one backward
// through every step. Chunked with the state carried but not detached, the gradient is the same;
// detached, it is not (what reaches a chunk from the chunks after it is cut). Checked on 4 streams
// of 8 chunks (of the training chunk length, at most 100 steps) of the training text, with the
// trained weights. Returns whether both hold; true, with a note, when the text is too short to
// give two chunks (nothing to compare).
bool show_full_bptt(LanguageModelNet& model, const std::vector<int64_t>& ids,
                    int64_t chunk_length) {
  const int64_t streams = 4, chunk = std::min<int64_t>(chunk_length, 100), steps = 8 * chunk;
  const std::vector<int64_t> head = first(ids, streams * steps + 1);
  const train::StreamLoader whole(head, {.streams = streams, .chunk_length = steps});
  const train::StreamLoader chunked(head, {.streams = streams, .chunk_length = chunk});
  if (chunked.num_batches() < 2) {
    std::printf("\n(the text is too short for two chunks of %lld steps: no BPTT comparison)\n",
                static_cast<long long>(chunk));
    return true;
  }
  // One chunk: nothing is carried, so nothing to detach.
  const std::vector<Tensor> full = stream_gradient(model, whole, /*detach=*/true);
  const double carried = relative_difference(full, stream_gradient(model, chunked, false));
  const double detached = relative_difference(full, stream_gradient(model, chunked, true));
  std::printf("\nFull BPTT is chunk_length = the whole stream (%lld streams of %lld steps):\n",
              static_cast<long long>(streams), static_cast<long long>(whole.steps_per_stream()));
  std::printf("  chunk_length %-4lld %2lld batch,  one backward through all steps: full BPTT\n",
              static_cast<long long>(whole.options().chunk_length),
              static_cast<long long>(whole.num_batches()));
  std::printf(
      "  chunk_length %-4lld %2lld batches, carried, not detached: gradient differs by %.1e "
      "(relative)\n",
      static_cast<long long>(chunk), static_cast<long long>(chunked.num_batches()), carried);
  std::printf(
      "  chunk_length %-4lld %2lld batches, carried and detached:  gradient differs by %.1e "
      "(truncated)\n",
      static_cast<long long>(chunk), static_cast<long long>(chunked.num_batches()), detached);
  // Not detached, only the order of float additions differs from full BPTT; detached, whole
  // terms are missing, orders of magnitude more.
  const bool ok = carried < 1e-4 && detached > 100.0 * carried;
  std::fprintf(ok ? stdout : stderr,
               "check %s: not detached = full BPTT (< 1e-4), detached differs (> 100 times "
               "more)\n",
               ok ? "passed" : "failed");
  return ok;
}

// Milliseconds of forward + backward of each chunk, one backward per chunk as in training, with
// the state carried detached or not.
std::vector<double> chunk_milliseconds(LanguageModelNet& model, const train::StreamLoader& loader,
                                       bool detach) {
  train::RecurrentState hidden;
  std::vector<double> ms;
  for (const train::Batch& batch : loader.epoch(0)) {
    const auto start = std::chrono::steady_clock::now();
    LanguageModelOutput out = model.forward(batch.tokens, hidden);
    cross_entropy(out.logits, batch.labels).backward();
    hidden = detach ? train::RecurrentState{out.h_n.detach(), out.c_n.detach()}
                    : train::RecurrentState{out.h_n, out.c_n};
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  model.zero_grad();
  return ms;
}

// Seed 001's most common mistake, measured: without the detach each chunk's backward runs back
// through every chunk before it, so a chunk costs more the later it comes (and the graphs of all
// of them stay in memory). recur keeps a graph until its tensors are dropped, so the mistake
// raises no error (PyTorch's "Trying to backward through the graph a second time"): it only
// grows. 4 streams of 24 chunks; printed, not checked (timings vary from machine to machine).
void show_forgotten_detach(LanguageModelNet& model, const std::vector<int64_t>& ids,
                           int64_t chunk_length) {
  const int64_t streams = 4, chunks = 24, chunk = std::min<int64_t>(chunk_length, 100);
  const train::StreamLoader loader(first(ids, streams * chunks * chunk + 1),
                                   {.streams = streams, .chunk_length = chunk});
  if (loader.num_batches() < 2) return;
  const std::vector<double> detached = chunk_milliseconds(model, loader, true);
  const std::vector<double> forgotten = chunk_milliseconds(model, loader, false);
  char title[80];
  std::snprintf(title, sizeof(title), "Forward + backward per chunk (%lld streams of %lld steps)",
                static_cast<long long>(streams), static_cast<long long>(chunk));
  std::printf("\n%-56s %10s %10s\n", title, "chunk 1",
              ("chunk " + std::to_string(loader.num_batches())).c_str());
  std::printf("  %-54s %7.2f ms %7.2f ms\n", "state detached", detached.front(), detached.back());
  std::printf("  %-54s %7.2f ms %7.2f ms\n", "detach forgotten: backward through all chunks before",
              forgotten.front(), forgotten.back());
}

std::vector<int64_t> encode(const data::Vocabulary& vocab, const std::string& text,
                            const char* split, int64_t streams) {
  std::vector<int64_t> ids = vocab.encode(text).ids;
  if (static_cast<int64_t>(ids.size()) < streams + 1) {
    throw ValueError(std::string("--chars: the ") + split + " text has " +
                     std::to_string(ids.size()) + " characters, too few for --streams " +
                     std::to_string(streams));
  }
  return ids;
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  Generator gen(opt.seed);
  const TextSplit text = read_split(opt);
  const data::Vocabulary vocab =
      data::Vocabulary::build({text.train}, {.level = data::TokenLevel::kChar});
  const std::vector<int64_t> train_ids = encode(vocab, text.train, "training", opt.streams);
  // B parallel streams cut into chunks of k steps; row s of each batch continues row s of the
  // batch before (batchify + get_batch in PyTorch's word_language_model).
  const train::StreamLoaderOptions layout{.streams = opt.streams, .chunk_length = opt.chunk_length};
  const train::StreamLoader train_loader(train_ids, layout);
  const train::StreamLoader val_loader(encode(vocab, text.validation, "validation", opt.streams),
                                       layout);
  std::printf(
      "%lld training characters as %lld streams of %lld steps, %lld chunks of %lld per "
      "epoch; %zu validation characters; %lld in the vocabulary\n",
      static_cast<long long>(train_ids.size()), static_cast<long long>(opt.streams),
      static_cast<long long>(train_loader.steps_per_stream()),
      static_cast<long long>(train_loader.num_batches()), static_cast<long long>(opt.chunk_length),
      vocab.encode(text.validation).ids.size(), static_cast<long long>(vocab.size()));

  LanguageModelNet model({.cell = "lstm",
                          .vocab_size = vocab.size(),
                          .embedding_dim = 32,
                          .hidden_size = 128,
                          .num_layers = 1},
                         gen);
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});

  std::vector<double> epoch_losses;  // mean loss per training character of each epoch
  train::RecurrentState hidden;      // (h, c); undefined tensors are zeros
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const train::Batch& batch : train_loader.epoch(epoch)) {
      // Only the first chunk of the epoch starts the streams anew: zero-initialize then,
      // reuse the previous chunk's final state otherwise.
      if (!batch.continues_streams) hidden = {};
      optimizer.zero_grad();
      LanguageModelOutput out = model.forward(batch.tokens, hidden);  // logits [B, k, V]
      // h = h.detach(): the next chunk starts from these values but its backward stops here.
      // Without it, every backward would run through all the chunks before, back to the epoch's
      // start. (train::CarriedState packages the reset and this line, as PyTorch's
      // word_language_model's repackage_hidden does: state.start(batch), state.carry(h_n, c_n).)
      hidden = {out.h_n.detach(), out.c_n.detach()};
      Tensor loss = cross_entropy(out.logits, batch.labels);
      loss.backward();
      optim::clip_grad_norm_(model.parameters(), opt.clip);
      optimizer.step();
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.loss_terms);
    }
    epoch_losses.push_back(loss_sum /
                           static_cast<double>(opt.streams * train_loader.steps_per_stream()));
    // Loss in nats per character, as cross_entropy gives it; bits = nats / ln 2.
    std::printf(
        "Epoch %lld, Loss: %.4f (%.3f bits per character), validation: %.3f bits per "
        "character\n",
        static_cast<long long>(epoch + 1), epoch_losses.back(), bits(epoch_losses.back()),
        bits(evaluate(model, val_loader, /*carry_state=*/true)));
  }

  const double carried = evaluate(model, val_loader, /*carry_state=*/true);
  const double reset = evaluate(model, val_loader, /*carry_state=*/false);
  std::printf(
      "\nValidation, bits per character (%lld streams, chunks of %lld characters):\n"
      "  state carried from chunk to chunk  %.3f\n"
      "  state reset at every chunk         %.3f\n",
      static_cast<long long>(opt.streams), static_cast<long long>(opt.chunk_length), bits(carried),
      bits(reset));

  int status = show_full_bptt(model, train_ids, opt.chunk_length) ? 0 : 1;
  show_forgotten_detach(model, train_ids, opt.chunk_length);
  if (opt.check_decreasing && !example::loss_went_down(epoch_losses)) status = 1;
  if (opt.check_carried) {
    const bool lower = carried < reset;
    std::fprintf(lower ? stdout : stderr, "check %s: validation %.4f bits carried, %.4f reset\n",
                 lower ? "passed" : "failed (--check-carried: carried must be lower)",
                 bits(carried), bits(reset));
    if (!lower) status = 1;
  }
  return status;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"Stateful truncated BPTT: a character LSTM trained over one long stream"};
  app.add_option("--data", opt.data, "A UTF-8 text file")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--chars", opt.chars, "Use the first N characters of the text")
      ->capture_default_str();
  app.add_option("--val-fraction", opt.val_fraction, "The tail held out for validation")
      ->check(CLI::Range(0.01, 0.5))
      ->capture_default_str();
  app.add_option("--streams", opt.streams, "Parallel streams (rows of every batch)")
      ->capture_default_str();
  app.add_option("--chunk-length", opt.chunk_length, "Steps per chunk: the BPTT truncation")
      ->capture_default_str();
  app.add_option("--epochs", opt.epochs, "Training epochs")->capture_default_str();
  app.add_option("--clip", opt.clip, "Max gradient norm (clip_grad_norm_)")->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the weights")->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless the mean epoch loss went down");
  app.add_flag("--check-carried", opt.check_carried,
               "Exit with status 1 unless the validation loss is lower with the state carried");
  CLI11_PARSE(app, argc, argv);
  if (opt.epochs < 1 || opt.streams < 1 || opt.chunk_length < 1 || opt.chars < 1 ||
      opt.clip <= 0.0) {
    std::fprintf(stderr,
                 "--epochs, --streams, --chunk-length and --chars must be at least 1, --clip "
                 "positive\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
