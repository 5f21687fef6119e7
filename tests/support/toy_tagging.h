// A small seeded tagging task for the data-parallel tests (tests/train/data_parallel_test.cpp
// and tests/mpi/): sentences of varying length, so that a batch's shards hold different
// numbers of tokens and a mean over tokens weighs them unequally.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/apps/tag/tagger_net.h"
#include "recur/tensor/random.h"

namespace recur::testing {

struct ToyTagging {
  static constexpr int64_t kVocab = 12, kTags = 4;
  std::vector<std::vector<int64_t>> tokens, tags;
};

// `count` sentences of 1 to 7 tokens; each word's tag is a function of the word and its
// predecessor, so there is something to learn.
inline ToyTagging toy_tagging(int64_t count, uint64_t seed) {
  Generator gen(seed);
  ToyTagging data;
  for (int64_t s = 0; s < count; ++s) {
    const int64_t length = 1 + static_cast<int64_t>(gen.below(7));
    std::vector<int64_t> words, tags;
    for (int64_t i = 0; i < length; ++i) {
      words.push_back(1 + static_cast<int64_t>(gen.below(ToyTagging::kVocab - 1)));
      const int64_t before = i > 0 ? words[static_cast<size_t>(i - 1)] : 0;
      tags.push_back((words.back() + before) % ToyTagging::kTags);
    }
    data.tokens.push_back(std::move(words));
    data.tags.push_back(std::move(tags));
  }
  return data;
}

// A small bidirectional LSTM tagger (packed sequences, a Linear per step).
inline tag::TaggerNet toy_tagger(uint64_t seed) {
  Generator gen(seed);
  return tag::TaggerNet(tag::TaggerShape{{.cell = "lstm",
                                          .vocab_size = ToyTagging::kVocab,
                                          .embedding_dim = 6,
                                          .hidden_size = 8,
                                          .num_layers = 1,
                                          .bidirectional = true},
                                         /*num_tags=*/ToyTagging::kTags},
                        gen);
}

}  // namespace recur::testing
