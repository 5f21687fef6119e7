// The tutorial's many-to-one classifier (seed 001, "Recurrent Neural Networks and LSTMs for
// Sequence Data", section "Sequence-to-Sequence Architectures" / "Many-to-One (Classification)",
// class SentimentClassifier) written with recur and trained on first names: each name is read
// one character at a time, and the LSTM's final hidden state h_n is fed to a linear layer that
// says "female" or "male". The pieces keep the tutorial's names (the model's embedding, lstm and
// fc; the training loop written out: zero_grad / forward / loss / backward / step), so the two
// can be read side by side; see examples/README.md.
//
//   example_name_classifier                      10 epochs on data/first_names_gender.csv
//   example_name_classifier --data FILE --epochs 2 --threads 1 --check-decreasing   (the ctest)
//
// --check-decreasing makes the exit status say whether the mean epoch loss went down.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/apps/classify/classification_metrics.h"
#include "recur/apps/classify/classifier_net.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/labeled_texts.h"
#include "recur/data/vocabulary.h"
#include "recur/kernels/parallel.h"
#include "recur/ops/indexing.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"
#include "recur/train/sequence_loader.h"

using namespace recur;

struct Options {
  std::string data = "data/first_names_gender.csv";  // from the repository root
  int64_t epochs = 10;
  int64_t batch_size = 32;
  double lr = 1e-3;
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  bool check_decreasing = false;
};

// The names and their class ids (in order of first appearance), shuffled with the seed and cut
// 90 % / 10 % into training and test names.
struct NamesDataset {
  std::vector<std::string> classes;
  std::vector<std::string> train_names, test_names;
  std::vector<int64_t> train_labels, test_labels;
};

NamesDataset load_names(const std::string& path, uint64_t seed) {
  const data::LabeledTexts file =
      data::read_labeled_texts(path, {.text_column = "Name", .label_column = "Gender"});
  NamesDataset d;
  std::vector<size_t> order(file.items.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  const size_t n_train = order.size() * 9 / 10;
  for (size_t k = 0; k < order.size(); ++k) {
    const data::LabeledText& item = file.items[order[k]];
    auto known = std::find(d.classes.begin(), d.classes.end(), item.label);
    if (known == d.classes.end()) known = d.classes.insert(d.classes.end(), item.label);
    const int64_t label = known - d.classes.begin();
    (k < n_train ? d.train_names : d.test_names).push_back(item.text);
    (k < n_train ? d.train_labels : d.test_labels).push_back(label);
  }
  return d;
}

std::vector<std::vector<int64_t>> encode(const data::Vocabulary& vocab,
                                         const std::vector<std::string>& names) {
  std::vector<std::vector<int64_t>> ids;
  for (const std::string& name : names) ids.push_back(vocab.encode(name).ids);
  return ids;
}

std::vector<std::vector<int64_t>> one_per_name(const std::vector<int64_t>& labels) {
  std::vector<std::vector<int64_t>> targets;
  for (int64_t label : labels) targets.push_back({label});
  return targets;
}

// The predicted class of each test name: argmax of the logits, without recording gradients.
std::vector<int64_t> predict(classify::ClassifierNet& model, const train::SequenceLoader& loader,
                             std::vector<int64_t>& truth) {
  NoGradGuard no_grad;
  std::vector<int64_t> predicted;
  for (const train::Batch& batch : loader.epoch(0)) {
    const IndexTensor classes = argmax(model.forward(batch.tokens, batch.lengths), 1);
    predicted.insert(predicted.end(), classes.to_vector().begin(), classes.to_vector().end());
    truth.insert(truth.end(), batch.labels.to_vector().begin(), batch.labels.to_vector().end());
  }
  return predicted;
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  Generator gen(opt.seed);
  const NamesDataset names = load_names(opt.data, opt.seed);
  // One token per character (a code point: "Zoë" is three), built from the training names only.
  const data::Vocabulary vocab = data::Vocabulary::build(names.train_names, {});
  const train::SequenceLoader train_loader(
      encode(vocab, names.train_names), one_per_name(names.train_labels),
      {.batch_size = opt.batch_size, .shuffle = true, .seed = opt.seed});
  const train::SequenceLoader test_loader(encode(vocab, names.test_names),
                                          one_per_name(names.test_labels), {.batch_size = 256});

  // SentimentClassifier(vocab_size, embedding_dim, hidden_dim, num_classes): embedding -> lstm
  // -> fc(h_n). The tutorial pads and feeds the whole batch; ClassifierNet packs it by length
  // first (the tutorial's own advice, pack_padded_sequence), so padding never reaches h_n.
  classify::ClassifierNet model(
      classify::ClassifierShape{
          {.cell = "lstm", .vocab_size = vocab.size(), .embedding_dim = 32, .hidden_size = 64},
          /*num_classes=*/static_cast<int64_t>(names.classes.size())},
      gen);
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});

  std::vector<double> epoch_losses;  // mean loss over each epoch's names, for the check
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const train::Batch& batch : train_loader.epoch(epoch)) {
      optimizer.zero_grad();
      Tensor logits = model.forward(batch.tokens, batch.lengths);  // [batch, num_classes]
      Tensor loss = cross_entropy(logits, batch.labels);
      loss.backward();
      optimizer.step();
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());
    }
    epoch_losses.push_back(loss_sum / static_cast<double>(names.train_names.size()));
    std::printf("Epoch %lld, Loss: %.4f\n", static_cast<long long>(epoch + 1), epoch_losses.back());
  }

  std::vector<int64_t> truth;
  const std::vector<int64_t> predicted = predict(model, test_loader, truth);
  const classify::ClassificationMetrics m = classify::classification_metrics(
      truth, predicted, static_cast<int64_t>(names.classes.size()));
  std::printf("Test names: %lld, accuracy %.3f, macro-F1 %.3f\n", static_cast<long long>(m.count),
              m.accuracy, m.macro_f1);
  std::printf("Confusion matrix (rows: true class, columns: predicted):\n");
  for (size_t i = 0; i < names.classes.size(); ++i) {
    std::printf("  %-8s", names.classes[i].c_str());
    for (int64_t v : m.confusion[i]) std::printf(" %6lld", static_cast<long long>(v));
    std::printf("\n");
  }

  if (opt.check_decreasing && !example::loss_went_down(epoch_losses)) return 1;
  return 0;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"The tutorial's many-to-one classifier: an LSTM that tells female from male names"};
  app.add_option("--data", opt.data, "CSV file with Name and Gender columns")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--epochs", opt.epochs, "Training epochs")->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the split, the weights and the shuffling")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless the mean epoch loss went down");
  CLI11_PARSE(app, argc, argv);
  if (opt.epochs < 1) {
    std::fprintf(stderr, "--epochs must be at least 1\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
