// The tutorial's one-to-many generator (seed 001, "Recurrent Neural Networks and LSTMs for
// Sequence Data", section "Sequence-to-Sequence Architectures" / "One-to-Many (Generation)", class
// CaptionGenerator; seed 003, "For one-to-many (text generation): pass a single input and generate
// step by step") written with recur as a character-level text generator trained on Moby Dick.
// CharRNN keeps the tutorial's members (embedding, lstm, fc) and is trained with teacher forcing
// ("for training, use ground truth": every step predicts the next character of the text) on
// fixed-length sequences, with the loop written out (zero_grad / forward / loss / backward /
// step). generate() is the tutorial's autoregressive loop: feed the prompt, then repeatedly take
// the logits of the last step, draw the next character from them under a temperature, and feed
// it back, carrying (h, c). See examples/README.md.
//
//   example_char_generation                       10 epochs on the first 100k characters
//   example_char_generation --chars 20000 --epochs 2 --threads 1 --check-decreasing  (the ctest)
//
// --check-decreasing makes the exit status say whether the mean epoch loss went down.
//
// The fast path for the same job is `recur textgen` (textgen::LanguageModelNet trained by
// truncated BPTT, sampled by textgen::TextGenerator, which steps the LSTM without a framework
// call per character); this program shows the pieces those are made of.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/text_corpus.h"
#include "recur/data/utf8.h"
#include "recur/data/vocabulary.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/embedding.h"
#include "recur/nn/linear.h"
#include "recur/nn/lstm.h"
#include "recur/nn/module.h"
#include "recur/ops/loss.h"
#include "recur/ops/sampling.h"
#include "recur/ops/shape.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"
#include "recur/train/sequence_loader.h"

using namespace recur;

// The tutorial's CaptionGenerator(vocab_size, embedding_dim, hidden_dim) as a character model:
// the state it starts from is the prompt's, not an image's, and forward runs a whole sequence
// (training, and the prompt) or one character (generation) from a given (h, c).
class CharRNN : public nn::Module {
 public:
  CharRNN(int64_t vocab_size, int64_t embedding_dim, int64_t hidden_dim, Generator& gen) {
    embedding = register_module(
        "embedding", std::make_shared<nn::Embedding>(vocab_size, embedding_dim, std::nullopt, gen));
    lstm = register_module(
        "lstm", std::make_shared<nn::LSTM>(nn::RecurrentOptions{.input_size = embedding_dim,
                                                                .hidden_size = hidden_dim,
                                                                .batch_first = true},
                                           gen));
    fc = register_module("fc", std::make_shared<nn::Linear>(hidden_dim, vocab_size, true, gen));
  }

  struct Output {
    Tensor logits;  // [batch, seq_len, vocab_size]: scores of the next character at every step
    Tensor h, c;    // [1, batch, hidden_dim]: the state after the last step
  };

  // input_ids [batch, seq_len]; h, c undefined for zeros.
  Output forward(const IndexTensor& input_ids, const Tensor& h = {}, const Tensor& c = {}) {
    Tensor embedded = embedding->forward(input_ids.to_vector(), input_ids.shape());
    // embedded: [batch, seq_len, embedding_dim]
    nn::RecurrentOutput out = lstm->forward(embedded, h, c);  // out.output [batch, seq_len, hidden]
    return {.logits = fc->forward(out.output), .h = out.h_n, .c = out.c_n};
  }

  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> fc;
};

struct Options {
  std::string data = "data/moby_dick.txt";  // from the repository root
  int64_t chars = 100000;                   // the first N characters of the book
  int64_t seq_length = 100;
  int64_t epochs = 10;
  int64_t batch_size = 32;
  double lr = 5e-3;
  std::string prompt = "Call me ";
  int64_t length = 300;  // characters generated per temperature
  std::vector<float> temperatures = {0.5f, 1.0f};
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  bool check_decreasing = false;
};

// The first `chars` characters (code points) of the book.
std::string read_slice(const std::string& path, int64_t chars) {
  const data::TextCorpus corpus = data::read_text_corpus(path);
  const std::u32string code_points = data::decode_utf8(corpus.text);
  return data::encode_utf8(std::u32string_view(code_points).substr(0, static_cast<size_t>(chars)));
}

// The text cut into non-overlapping sequences of seq_length characters, each with its targets:
// the same characters one step ahead (input "Call m", target "all me").
struct CharDataset {
  std::vector<std::vector<int64_t>> inputs, targets;
};

CharDataset make_sequences(const std::vector<int64_t>& ids, int64_t seq_length) {
  CharDataset d;
  const auto n = static_cast<int64_t>(ids.size());
  for (int64_t i = 0; i + seq_length < n; i += seq_length) {
    d.inputs.emplace_back(ids.begin() + i, ids.begin() + i + seq_length);
    d.targets.emplace_back(ids.begin() + i + 1, ids.begin() + i + seq_length + 1);
  }
  return d;
}

// The tutorial's autoregressive loop, one character at a time, carrying (h, c).
std::string generate(CharRNN& model, const data::Vocabulary& vocab, const std::string& prompt,
                     int64_t length, float temperature, Generator& gen) {
  NoGradGuard no_grad;
  const data::Encoded encoded = vocab.encode(prompt);
  if (encoded.unknown > 0) {
    throw ValueError("--prompt: the character '" + encoded.first_unknown +
                     "' is not in the training text");
  }
  const auto prompt_length = static_cast<int64_t>(encoded.ids.size());
  // Feed the prompt: one forward over all its characters leaves its state in (h, c).
  CharRNN::Output out = model.forward(IndexTensor::from_vector({1, prompt_length}, encoded.ids));
  std::vector<int64_t> generated;
  for (int64_t i = 0; i < length; ++i) {
    Tensor logits = select(select(out.logits, 0, 0), 0, -1).clone();  // logits[0, -1, :]: [V]
    // <pad>, <unk>, <bos>, <eos> are not text: never draw them.
    for (int64_t special = 0; special < data::Vocabulary::kSpecials; ++special)
      logits.data()[special] = -std::numeric_limits<float>::infinity();
    // torch.multinomial(softmax(logits / temperature), 1)
    const int64_t next = sample(logits, {.temperature = temperature}, gen).item();
    generated.push_back(next);
    // The drawn character is the next input, from the state the last step left.
    out = model.forward(IndexTensor::from_vector({1, 1}, {next}), out.h, out.c);
  }
  return prompt + vocab.decode(generated);
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  Generator gen(opt.seed);
  const std::string text = read_slice(opt.data, opt.chars);
  // One token per character, from the text the model is trained on.
  const data::Vocabulary vocab =
      data::Vocabulary::build({text}, {.level = data::TokenLevel::kChar});
  CharDataset dataset = make_sequences(vocab.encode(text).ids, opt.seq_length);
  if (dataset.inputs.empty()) {
    throw ValueError("--chars " + std::to_string(opt.chars) + " gives no sequence of " +
                     std::to_string(opt.seq_length + 1) + " characters");
  }
  const auto num_sequences = static_cast<double>(dataset.inputs.size());
  std::printf(
      "%zu sequences of %lld characters from the first %lld characters of %s, %lld in "
      "the vocabulary\n",
      dataset.inputs.size(), static_cast<long long>(opt.seq_length),
      static_cast<long long>(opt.chars), opt.data.c_str(), static_cast<long long>(vocab.size()));
  // kPerStep: labels [batch, seq_len], the next character of every step.
  const train::SequenceLoader loader(std::move(dataset.inputs), std::move(dataset.targets),
                                     {.batch_size = opt.batch_size,
                                      .shuffle = true,
                                      .seed = opt.seed,
                                      .targets = train::SequenceTargets::kPerStep});

  CharRNN model(vocab.size(), 32, 128, gen);
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});

  std::vector<double> epoch_losses;  // mean loss per character of each epoch
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const train::Batch& batch : loader.epoch(epoch)) {
      optimizer.zero_grad();
      // Every sequence starts from zeros: the sequences are independent samples here
      // (examples/tbptt_stream.cpp carries the state from one chunk of the text to the next).
      Tensor logits = model.forward(batch.tokens).logits;  // [batch, seq_len, vocab_size]
      Tensor loss = cross_entropy(logits, batch.labels);
      loss.backward();
      optim::clip_grad_norm_(model.parameters(), 1.0);
      optimizer.step();
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());
    }
    epoch_losses.push_back(loss_sum / num_sequences);
    std::printf("Epoch %lld, Loss: %.4f\n", static_cast<long long>(epoch + 1), epoch_losses.back());
  }

  for (float temperature : opt.temperatures) {
    std::printf("\n--- temperature %.2f ---\n%s\n", static_cast<double>(temperature),
                generate(model, vocab, opt.prompt, opt.length, temperature, gen).c_str());
  }

  if (opt.check_decreasing && !example::loss_went_down(epoch_losses)) return 1;
  return 0;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"The tutorial's one-to-many generator: an LSTM that writes like Moby Dick"};
  app.add_option("--data", opt.data, "A UTF-8 text file")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--chars", opt.chars, "Train on the first N characters of the text")
      ->capture_default_str();
  app.add_option("--seq-length", opt.seq_length, "Characters per training sequence")
      ->capture_default_str();
  app.add_option("--epochs", opt.epochs, "Training epochs")->capture_default_str();
  app.add_option("--prompt", opt.prompt, "The text generation starts from")->capture_default_str();
  app.add_option("--length", opt.length, "Characters to generate per temperature")
      ->capture_default_str();
  app.add_option("--temperatures", opt.temperatures,
                 "Sampling temperatures (0: greedy; below 1 safer, above 1 wilder)")
      ->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the weights, the shuffling and the sampling")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless the mean epoch loss went down");
  CLI11_PARSE(app, argc, argv);
  if (opt.epochs < 1 || opt.chars < 2 || opt.seq_length < 1 || opt.length < 0) {
    std::fprintf(stderr,
                 "--epochs and --seq-length must be at least 1, --chars at least 2 and "
                 "--length at least 0\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
