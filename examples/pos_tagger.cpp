// The tutorial's many-to-many tagger (seed 001, "Recurrent Neural Networks and LSTMs for Sequence
// Data", section "Sequence-to-Sequence Architectures" / "Many-to-Many (Sequence Labeling)", class
// NERTagger) written with recur and trained as a part-of-speech tagger on Brown news sentences:
// every word gets a tag from the bidirectional LSTM's output at its own step. The model is
// written out here from its building blocks (nn::Embedding, nn::LSTM, nn::Linear) with the
// tutorial's members embedding, lstm and fc, and it runs the LSTM over packed batches as the
// tutorial's "Packing and Padding Sequences" section advises (pack_padded_sequence before the
// LSTM, pad_packed_sequence after it), so padding never reaches the recurrence; the loss skips
// the padded steps through cross_entropy's ignore_index (-100). See examples/README.md.
//
//   example_pos_tagger                           2000 sentences of data/brown_news_pos.tsv
//   example_pos_tagger --epochs 2 --threads 1 --check-decreasing      (the ctest)
//   example_pos_tagger --no-bidirectional        the left-to-right LSTM tagger, to compare
//
// --check-decreasing makes the exit status say whether the mean epoch loss went down.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/apps/tag/most_frequent_tag.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/tagged_sentences.h"
#include "recur/data/vocabulary.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/embedding.h"
#include "recur/nn/linear.h"
#include "recur/nn/lstm.h"
#include "recur/nn/module.h"
#include "recur/ops/indexing.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/seq/packing.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"
#include "recur/train/sequence_loader.h"

using namespace recur;

// The tutorial's NERTagger(vocab_size, embedding_dim, hidden_dim, num_tags), with the sentence
// lengths as a second argument of forward so that the LSTM can run on the packed batch.
class POSTagger : public nn::Module {
 public:
  POSTagger(int64_t vocab_size, int64_t embedding_dim, int64_t hidden_dim, int64_t num_tags,
            bool bidirectional, Generator& gen) {
    // padding_idx 0: the <pad> row stays zero (it is never read through packing anyway).
    embedding = register_module("embedding",
                                std::make_shared<nn::Embedding>(vocab_size, embedding_dim, 0, gen));
    lstm = register_module(
        "lstm", std::make_shared<nn::LSTM>(nn::RecurrentOptions{.input_size = embedding_dim,
                                                                .hidden_size = hidden_dim,
                                                                .batch_first = true,
                                                                .bidirectional = bidirectional},
                                           gen));
    const int64_t directions = bidirectional ? 2 : 1;
    fc = register_module(
        "fc", std::make_shared<nn::Linear>(hidden_dim * directions, num_tags, true, gen));
  }

  Tensor forward(const IndexTensor& input_ids, const std::vector<int64_t>& lengths) {
    // input_ids: [batch, seq_len]
    Tensor embedded = embedding->forward(input_ids.to_vector(), input_ids.shape());
    // embedded: [batch, seq_len, embedding_dim]
    PackedSequence packed = pack_padded_sequence(embedded, lengths, /*batch_first=*/true,
                                                 /*enforce_sorted=*/false);
    PackedSequence packed_out = lstm->forward(packed).output;
    // total_length = seq_len, so the tag scores line up with the [batch, seq_len] labels even
    // when no sentence of the batch fills it.
    Tensor lstm_out = pad_packed_sequence(packed_out, /*batch_first=*/true, 0.0f,
                                          input_ids.size(1))
                          .padded;              // [batch, seq_len, hidden_dim * directions]
    Tensor tag_scores = fc->forward(lstm_out);  // [batch, seq_len, num_tags]
    return tag_scores;
  }

  std::shared_ptr<nn::Embedding> embedding;
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> fc;
};

struct Options {
  std::string data = "data/brown_news_pos.tsv";  // from the repository root
  int64_t tag_column = 3;                        // the simplified Brown tags
  int64_t sentences = 2000;                      // 0: all of them
  int64_t epochs = 10;
  int64_t batch_size = 32;
  double lr = 5e-3;
  bool bidirectional = true;
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  bool check_decreasing = false;
};

// `count` sentences drawn with the seed (all when count is 0 or more than the file has), cut
// 90 % / 10 % into training and test sentences. Whole sentences, never cut.
struct TaggedSplit {
  std::vector<data::TaggedSentence> train, test;
};

TaggedSplit split_sentences(std::vector<data::TaggedSentence> all, int64_t count, uint64_t seed) {
  std::shuffle(all.begin(), all.end(), std::mt19937_64(seed));
  if (count > 0 && count < static_cast<int64_t>(all.size())) all.resize(count);
  const auto n_train = static_cast<std::ptrdiff_t>(all.size() * 9 / 10);
  return {{all.begin(), all.begin() + n_train}, {all.begin() + n_train, all.end()}};
}

// Word ids and tag ids of each sentence, ready for train::SequenceLoader (one tag per step).
struct EncodedSentences {
  std::vector<std::vector<int64_t>> words, tags;
};

EncodedSentences encode(const std::vector<data::TaggedSentence>& sentences,
                        const data::Vocabulary& vocab, const std::vector<std::string>& tag_set) {
  EncodedSentences e;
  for (const data::TaggedSentence& s : sentences) {
    e.words.push_back(vocab.encode_tokens(s.tokens).ids);
    std::vector<int64_t>& ids = e.tags.emplace_back();
    for (const std::string& tag : s.tags) {
      ids.push_back(std::lower_bound(tag_set.begin(), tag_set.end(), tag) - tag_set.begin());
    }
  }
  return e;
}

int64_t token_count(const std::vector<data::TaggedSentence>& sentences) {
  int64_t n = 0;
  for (const data::TaggedSentence& s : sentences) n += static_cast<int64_t>(s.tokens.size());
  return n;
}

// The share of real (not padded) tokens whose highest-scoring tag is the right one.
double token_accuracy(POSTagger& model, const train::SequenceLoader& loader) {
  NoGradGuard no_grad;
  int64_t correct = 0, total = 0;
  for (const train::Batch& batch : loader.epoch(0)) {
    const IndexTensor predicted = argmax(model.forward(batch.tokens, batch.lengths), 2);
    for (int64_t i = 0; i < batch.labels.numel(); ++i) {
      if (batch.labels.data()[i] == -100) continue;  // padding
      ++total;
      correct += predicted.data()[i] == batch.labels.data()[i] ? 1 : 0;
    }
  }
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

// The same score for the baseline a tagger has to beat: each word's most frequent training tag.
double baseline_accuracy(const tag::MostFrequentTag& baseline,
                         const std::vector<data::TaggedSentence>& sentences,
                         const std::vector<std::string>& tag_set) {
  int64_t correct = 0;
  for (const data::TaggedSentence& s : sentences) {
    const std::vector<int64_t> predicted = baseline.predict(s.tokens);
    for (size_t i = 0; i < s.tags.size(); ++i)
      correct += tag_set[predicted[i]] == s.tags[i] ? 1 : 0;
  }
  const int64_t total = token_count(sentences);
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

// The first test sentence with the network's tags, word/tag as in the Brown corpus.
void print_tagged(POSTagger& model, const data::TaggedSentence& sentence,
                  const data::Vocabulary& vocab, const std::vector<std::string>& tag_set) {
  NoGradGuard no_grad;
  const std::vector<int64_t> ids = vocab.encode_tokens(sentence.tokens).ids;
  const auto length = static_cast<int64_t>(ids.size());
  const IndexTensor predicted =
      argmax(model.forward(IndexTensor::from_vector({1, length}, ids), {length}), 2);
  std::printf("Tagged test sentence (line %lld):\n ", static_cast<long long>(sentence.line));
  for (int64_t t = 0; t < length; ++t) {
    std::printf(" %s/%s", sentence.tokens[t].c_str(), tag_set[predicted.data()[t]].c_str());
  }
  std::printf("\n");
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  Generator gen(opt.seed);
  const data::TaggedSentences file =
      data::read_tagged_sentences(opt.data, {.tag_column = opt.tag_column});
  const std::vector<std::string> tag_set = file.tags();  // sorted: encode looks tags up in it
  const TaggedSplit split = split_sentences(file.sentences, opt.sentences, opt.seed);
  std::vector<std::vector<std::string>> train_words;
  for (const data::TaggedSentence& s : split.train) train_words.push_back(s.tokens);
  // Words seen once stay out, so that <unk> is trained and unseen test words have a row.
  const data::Vocabulary vocab = data::Vocabulary::build_from_tokens(
      train_words, {.level = data::TokenLevel::kWord, .min_frequency = 2});

  EncodedSentences train = encode(split.train, vocab, tag_set);
  EncodedSentences test = encode(split.test, vocab, tag_set);
  tag::MostFrequentTag baseline(/*lowercase=*/false);
  baseline.fit(train_words, train.tags, static_cast<int64_t>(tag_set.size()));
  // kPerStep: labels [batch, seq_len], -100 past each sentence's end.
  const train::SequenceLoader train_loader(std::move(train.words), std::move(train.tags),
                                           {.batch_size = opt.batch_size,
                                            .shuffle = true,
                                            .seed = opt.seed,
                                            .targets = train::SequenceTargets::kPerStep});
  const train::SequenceLoader test_loader(
      std::move(test.words), std::move(test.tags),
      {.batch_size = 256, .targets = train::SequenceTargets::kPerStep});
  std::printf("%zu training and %zu test sentences, %lld words in the vocabulary, %zu tags\n",
              split.train.size(), split.test.size(), static_cast<long long>(vocab.size()),
              tag_set.size());

  POSTagger model(vocab.size(), 64, 64, static_cast<int64_t>(tag_set.size()), opt.bidirectional,
                  gen);
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});

  const auto train_tokens = static_cast<double>(token_count(split.train));
  std::vector<double> epoch_losses;  // mean loss per training token of each epoch
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const train::Batch& batch : train_loader.epoch(epoch)) {
      optimizer.zero_grad();
      Tensor tag_scores = model.forward(batch.tokens, batch.lengths);  // [batch, seq_len, tags]
      Tensor loss = cross_entropy(tag_scores, batch.labels, {.ignore_index = -100});
      loss.backward();
      optimizer.step();
      const int64_t tokens =
          std::accumulate(batch.lengths.begin(), batch.lengths.end(), int64_t{0});
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(tokens);
    }
    epoch_losses.push_back(loss_sum / train_tokens);
    std::printf("Epoch %lld, Loss: %.4f\n", static_cast<long long>(epoch + 1), epoch_losses.back());
  }

  std::printf("Test token accuracy: %.3f (%lld tokens; most frequent tag per word: %.3f)\n",
              token_accuracy(model, test_loader), static_cast<long long>(token_count(split.test)),
              baseline_accuracy(baseline, split.test, tag_set));
  if (!split.test.empty()) print_tagged(model, split.test.front(), vocab, tag_set);

  if (opt.check_decreasing && !example::loss_went_down(epoch_losses)) return 1;
  return 0;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"The tutorial's many-to-many tagger: a BiLSTM that tags Brown news words"};
  app.add_option("--data", opt.data, "Tagged sentences: token and tag columns, tab-separated")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--tag-column", opt.tag_column, "The tag column, from 1")->capture_default_str();
  app.add_option("--sentences", opt.sentences, "Sentences to use, drawn with the seed (0: all)")
      ->capture_default_str();
  app.add_option("--epochs", opt.epochs, "Training epochs")->capture_default_str();
  app.add_flag("--bidirectional,!--no-bidirectional", opt.bidirectional,
               "Read each sentence in both directions (default: on)");
  app.add_option("--seed", opt.seed, "Seed of the sample, the split, the weights and the shuffling")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless the mean epoch loss went down");
  CLI11_PARSE(app, argc, argv);
  if (opt.epochs < 1 || opt.sentences < 0) {
    std::fprintf(stderr, "--epochs must be at least 1 and --sentences at least 0\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
