// The skeleton the token jobs' pipelines share (classify, tag, textgen): the seeded split of
// items into training, validation and test, the Trainer's options bound to a run folder, loading
// a trained run back (config, vocabulary, network with finite weights), and prediction batches
// collated as in training. Private to src/apps.
#pragma once

#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "recur/apps/classify/classify_config.h"
#include "recur/apps/text_format.h"
#include "recur/data/vocabulary.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/tensor/random.h"
#include "recur/train/sequence_loader.h"
#include "recur/train/trainer.h"

namespace recur::apps {

struct ItemSplit {
  std::vector<size_t> train, validation, test;
};

// A seeded shuffle of n items cut by the training block's fractions; ValueError naming `source`
// and what the items are ("rows", "sentences") when a part would be empty.
ItemSplit shuffled_split(size_t n, const classify::ClassifyTraining& t, const std::string& source,
                         const std::string& items);

// What every token job asks of the Trainer: the training block's epochs, patience and clipping,
// checkpoint and training.csv in the run folder, the run's identity for --resume.
train::TrainerOptions trainer_options(const classify::ClassifyTraining& t,
                                      const io::StagedRunFolder& run, bool resume,
                                      train::ProgressStyle progress, Generator& gen,
                                      std::map<std::string, std::string> run_identity);

// A trained run read back from its folder: config.json (by load_config), vocabulary.json and
// model.safetensors, whose weights must all be finite.
template <class Config, class Net>
struct LoadedRun {
  Config config;
  data::Vocabulary vocab;
  std::unique_ptr<Net> net;
};

// The network of shape `shape` with the weights of the run's model.safetensors, all finite.
template <class Net, class Shape>
std::unique_ptr<Net> load_network(const std::string& run_dir, const Shape& shape) {
  Generator gen(0);
  auto net = std::make_unique<Net>(shape, gen);
  const std::string weights = in_dir(run_dir, "model.safetensors");
  nn::load(*net, weights);
  nn::check_finite_parameters(*net, weights);
  return net;
}

template <class Net, class Config>
LoadedRun<Config, Net> load_run(const std::string& run_dir,
                                Config (*load_config)(const std::string&)) {
  LoadedRun<Config, Net> r{load_config(in_dir(run_dir, "config.json")),
                           data::Vocabulary::load(in_dir(run_dir, data::kVocabularyFile)), nullptr};
  r.config.model.vocab_size = r.vocab.size();
  r.net = load_network<Net>(run_dir, r.config.model);
  return r;
}

// Calls on_batch(batch) for the sequences in order, in batches of 256 collated as in training
// (padded ids, lengths; the labels are zeros).
template <class OnBatch>
void for_each_prediction_batch(const std::vector<std::vector<int64_t>>& ids, OnBatch&& on_batch) {
  constexpr size_t kBatch = 256;
  for (size_t begin = 0; begin < ids.size(); begin += kBatch) {
    const size_t end = std::min(ids.size(), begin + kBatch);
    std::vector<std::vector<int64_t>> part(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                                           ids.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::vector<int64_t>> targets;
    for (const auto& p : part) targets.emplace_back(p.size(), 0);
    std::vector<int64_t> items(part.size());
    std::iota(items.begin(), items.end(), 0);
    const train::SequenceLoader loader(std::move(part), std::move(targets),
                                       {.targets = train::SequenceTargets::kPerStep});
    on_batch(loader.collate(items));
  }
}

}  // namespace recur::apps
