// Connectionist temporal classification (seed 002, "Applications" / "Speech Recognition": deep
// speech recognition "converting audio features to text", where "CTC enabled training without
// frame-level alignments") on a synthetic signal small enough to train in seconds: a spoken
// digit string becomes a sequence of noisy feature frames in which each digit lasts a random
// number of frames, with a short pause between digits. The network is told only which digits
// were said, never when: a bidirectional LSTM and a Linear layer emit log_softmax scores over
// blank + 10 digits per frame, ctc_loss sums over every alignment of the label string to the
// frames, and greedy CTC decoding (per-frame argmax, repeats collapsed, blanks dropped) reads
// the digits back. See examples/README.md.
//
//   example_ctc_alignment                                   10 epochs, 2000 training strings
//   example_ctc_alignment --epochs 2 --threads 1 --check-decreasing       (the ctest)
//
// --check-decreasing makes the exit status say whether the mean epoch loss went down.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/autograd/grad_mode.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/linear.h"
#include "recur/nn/lstm.h"
#include "recur/nn/module.h"
#include "recur/ops/ctc.h"
#include "recur/ops/softmax.h"
#include "recur/optim/adam.h"
#include "recur/seq/packing.h"
#include "recur/tensor/random.h"

using namespace recur;

constexpr int64_t kDigits = 10;
constexpr int64_t kBlank = 0;  // class 0; digit d is class d + 1
constexpr int64_t kFeatures = 8;

// One utterance: frames [T, kFeatures] row-major and the digits said, as CTC labels (d + 1).
struct Utterance {
  std::vector<float> frames;
  std::vector<int64_t> labels;
  int64_t length() const { return static_cast<int64_t>(frames.size()) / kFeatures; }
};

// Each digit has a fixed "sound", a random feature vector; silence is the zero vector. Every
// frame is its sound plus Gaussian noise, so a frame alone is ambiguous and the model has to
// pool evidence over the frames of a digit.
class DigitSpeaker {
 public:
  DigitSpeaker(Generator& gen, float noise) : noise_(noise) {
    for (int64_t d = 0; d < kDigits; ++d) {
      std::vector<float>& s = sounds_.emplace_back();
      for (int64_t f = 0; f < kFeatures; ++f) s.push_back(gen.normal());
    }
  }

  // 1 to 5 digits (repeats allowed: "3 3" is only told apart from "3" by the pause), each lasting
  // 2 to 5 frames, a 1 or 2 frame pause between digits and 0 to 2 frames of silence at each end.
  Utterance say(Generator& gen) const {
    Utterance u;
    const int64_t count = 1 + static_cast<int64_t>(gen.below(5));
    add_frames(u, nullptr, static_cast<int64_t>(gen.below(3)), gen);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t digit = static_cast<int64_t>(gen.below(kDigits));
      if (i > 0) add_frames(u, nullptr, 1 + static_cast<int64_t>(gen.below(2)), gen);
      add_frames(u, &sounds_[static_cast<size_t>(digit)], 2 + static_cast<int64_t>(gen.below(4)),
                 gen);
      u.labels.push_back(digit + 1);
    }
    add_frames(u, nullptr, static_cast<int64_t>(gen.below(3)), gen);
    return u;
  }

 private:
  void add_frames(Utterance& u, const std::vector<float>* sound, int64_t n, Generator& gen) const {
    for (int64_t t = 0; t < n; ++t)
      for (int64_t f = 0; f < kFeatures; ++f) {
        const float clean = sound != nullptr ? (*sound)[static_cast<size_t>(f)] : 0.0f;
        u.frames.push_back(clean + noise_ * gen.normal());
      }
  }
  float noise_;
  std::vector<std::vector<float>> sounds_;
};

// A batch as CTC wants it: frames time-major [T, N, kFeatures] (zero past each length), the
// labels padded [N, S] and both lengths.
struct Batch {
  Tensor frames;
  IndexTensor targets;
  std::vector<int64_t> input_lengths, target_lengths;
};

Batch collate(const std::vector<Utterance>& data, size_t begin, size_t end) {
  Batch b;
  int64_t T = 0, S = 0;
  for (size_t i = begin; i < end; ++i) {
    b.input_lengths.push_back(data[i].length());
    b.target_lengths.push_back(static_cast<int64_t>(data[i].labels.size()));
    T = std::max(T, b.input_lengths.back());
    S = std::max(S, b.target_lengths.back());
  }
  const auto N = static_cast<int64_t>(end - begin);
  b.frames = Tensor::zeros({T, N, kFeatures});
  b.targets = IndexTensor::zeros({N, S});
  for (int64_t n = 0; n < N; ++n) {
    const Utterance& u = data[begin + static_cast<size_t>(n)];
    for (int64_t t = 0; t < u.length(); ++t)
      std::copy_n(u.frames.data() + t * kFeatures, kFeatures,
                  b.frames.data() + (t * N + n) * kFeatures);
    std::copy(u.labels.begin(), u.labels.end(), b.targets.data() + n * S);
  }
  return b;
}

// BiLSTM -> Linear -> log_softmax: per frame, log probabilities of blank and the ten digits.
class DigitReader : public nn::Module {
 public:
  DigitReader(int64_t hidden_dim, Generator& gen) {
    lstm = register_module(
        "lstm", std::make_shared<nn::LSTM>(
                    nn::RecurrentOptions{
                        .input_size = kFeatures, .hidden_size = hidden_dim, .bidirectional = true},
                    gen));
    fc =
        register_module("fc", std::make_shared<nn::Linear>(2 * hidden_dim, kDigits + 1, true, gen));
  }

  Tensor forward(const Tensor& frames, const std::vector<int64_t>& lengths) {
    // Packed, so that the backward direction starts at each utterance's own last frame.
    PackedSequence packed = pack_padded_sequence(frames, lengths, /*batch_first=*/false,
                                                 /*enforce_sorted=*/false);
    Tensor out = pad_packed_sequence(lstm->forward(packed).output, /*batch_first=*/false, 0.0f,
                                     frames.size(0))
                     .padded;                  // [T, N, 2 * hidden_dim]
    return log_softmax(fc->forward(out), -1);  // [T, N, 1 + kDigits]
  }

  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> fc;
};

struct Options {
  int64_t train_size = 2000;
  int64_t test_size = 500;
  int64_t epochs = 10;
  int64_t batch_size = 32;
  int64_t hidden = 32;
  double lr = 1e-2;
  float noise = 0.6f;
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  bool check_decreasing = false;
};

std::string spell(const std::vector<int64_t>& labels) {
  std::string s;
  for (int64_t l : labels) s += static_cast<char>('0' + l - 1);
  return s.empty() ? "(nothing)" : s;
}

// The share of test utterances whose greedy decoding is exactly the digits said.
double exact_match(DigitReader& model, const std::vector<Utterance>& test) {
  NoGradGuard no_grad;
  int64_t correct = 0;
  for (size_t begin = 0; begin < test.size(); begin += 256) {
    const size_t end = std::min(test.size(), begin + 256);
    const Batch b = collate(test, begin, end);
    const auto read =
        ctc_greedy_decode(model.forward(b.frames, b.input_lengths), b.input_lengths, kBlank);
    for (size_t i = begin; i < end; ++i) correct += read[i - begin] == test[i].labels ? 1 : 0;
  }
  return static_cast<double>(correct) / static_cast<double>(test.size());
}

// One utterance frame by frame: the frame's best class (_ for blank, . for a pause in the
// truth), which is the alignment CTC found without ever being shown one.
void print_alignment(DigitReader& model, const Utterance& u) {
  NoGradGuard no_grad;
  const Batch b = collate({u}, 0, 1);
  const Tensor lp = model.forward(b.frames, b.input_lengths);
  std::string path;
  for (int64_t t = 0; t < u.length(); ++t) {
    const float* p = lp.data() + t * (kDigits + 1);
    const int64_t best = std::max_element(p, p + kDigits + 1) - p;
    path += best == kBlank ? '_' : static_cast<char>('0' + best - 1);
  }
  std::printf("Said %s, read %s, frame by frame: %s\n", spell(u.labels).c_str(),
              spell(ctc_greedy_decode(lp, b.input_lengths, kBlank)[0]).c_str(), path.c_str());
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  Generator gen(opt.seed);
  const DigitSpeaker speaker(gen, opt.noise);
  std::vector<Utterance> train, test;
  for (int64_t i = 0; i < opt.train_size; ++i) train.push_back(speaker.say(gen));
  for (int64_t i = 0; i < opt.test_size; ++i) test.push_back(speaker.say(gen));

  DigitReader model(opt.hidden, gen);
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});
  std::printf("%lld training and %lld test utterances; exact match before training: %.3f\n",
              static_cast<long long>(train.size()), static_cast<long long>(test.size()),
              exact_match(model, test));

  std::vector<double> epoch_losses;  // mean CTC loss per label (reduction mean) of each epoch
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    // Shuffle the utterances (Fisher-Yates with the seeded generator).
    for (size_t i = train.size(); i > 1; --i) std::swap(train[i - 1], train[gen.below(i)]);
    double loss_sum = 0.0;
    int64_t batches = 0;
    for (size_t begin = 0; begin < train.size(); begin += static_cast<size_t>(opt.batch_size)) {
      const Batch b = collate(train, begin,
                              std::min(train.size(), begin + static_cast<size_t>(opt.batch_size)));
      optimizer.zero_grad();
      Tensor log_probs = model.forward(b.frames, b.input_lengths);
      Tensor loss =
          ctc_loss(log_probs, b.targets, b.input_lengths, b.target_lengths, {.blank = kBlank});
      loss.backward();
      optimizer.step();
      loss_sum += loss.item();
      ++batches;
    }
    epoch_losses.push_back(loss_sum / static_cast<double>(batches));
    std::printf("Epoch %lld, Loss: %.4f, test exact match: %.3f\n",
                static_cast<long long>(epoch + 1), epoch_losses.back(), exact_match(model, test));
  }
  for (size_t i = 0; i < std::min<size_t>(3, test.size()); ++i) print_alignment(model, test[i]);

  if (opt.check_decreasing && !example::loss_went_down(epoch_losses)) return 1;
  return 0;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"CTC: a BiLSTM learns to read digit strings from noisy frames without alignments"};
  app.add_option("--train", opt.train_size, "Training utterances")->capture_default_str();
  app.add_option("--test", opt.test_size, "Test utterances")->capture_default_str();
  app.add_option("--epochs", opt.epochs, "Training epochs")->capture_default_str();
  app.add_option("--noise", opt.noise, "Standard deviation of the frame noise")
      ->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the sounds, the utterances, the weights, the shuffle")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless the mean epoch loss went down");
  CLI11_PARSE(app, argc, argv);
  if (opt.epochs < 1 || opt.train_size < 1 || opt.test_size < 1) {
    std::fprintf(stderr, "--epochs, --train and --test must be at least 1\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
