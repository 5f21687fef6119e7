// TextgenConfig: everything that defines a `recur textgen` model, saved as config.json in the run
// folder beside model.safetensors and vocabulary.json; sample rebuilds the model from these three
// files alone. Schema (docs/TEXTGEN.md documents every field):
//
//   {
//     "format": "recur.textgen.v1",
//     "tokens":   {"lowercase": false, "min_frequency": 1, "max_vocab": 0},
//     "model":    {"cell": "lstm", "embedding_dim": 64, "hidden_size": 256, "num_layers": 2,
//                  "dropout": 0.0},
//     "training": {"epochs": 5, "batch_size": 32, "chunk_length": 100, "lr": 0.005,
//                  "patience": 2, "clip_grad_norm": 5.0, "seed": 0, "val_fraction": 0.05,
//                  "test_fraction": 0.05},
//     "baseline": {"ngram_order": 5}
//   }
//
// Tokens are characters (code points). batch_size counts the parallel streams of truncated BPTT
// and chunk_length its steps per batch (train::StreamLoader). Every field is checked for kind and
// range when read, with the limits of `recur classify` (classify::kClassifyLimits) that the
// command-line flags also use.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "recur/apps/classify/classify_config.h"
#include "recur/apps/textgen/language_model_net.h"
#include "recur/data/vocabulary.h"

namespace recur::textgen {

inline constexpr classify::WholeRange kChunkLengthRange{1, 100000};
inline constexpr classify::WholeRange kNgramOrderRange{1, 16};

struct TextgenConfig {
  data::VocabularyOptions tokens{.level = data::TokenLevel::kChar};
  // vocab_size is filled in by training.
  LanguageModelShape model{.embedding_dim = 64, .hidden_size = 256, .num_layers = 2};
  // lr 5e-3 with clipping at 5 reaches in 3 epochs on Moby Dick what lr 2e-3 with clipping at 1
  // reaches in 5 (docs/TEXTGEN.md): an epoch of a book is only a few hundred steps.
  classify::ClassifyTraining training{.epochs = 5,
                                      .batch_size = 32,
                                      .lr = 5e-3,
                                      .patience = 2,
                                      .clip_grad_norm = 5.0,
                                      .val_fraction = 0.05,
                                      .test_fraction = 0.05};
  int64_t chunk_length = 100;  // in "training"
  int64_t ngram_order = 5;     // the n-gram baseline

  // ValueError naming the field for anything out of range or inconsistent.
  void validate() const;
};

nlohmann::json to_json(const TextgenConfig& config);
TextgenConfig textgen_config_from_json(const nlohmann::json& j);
TextgenConfig load_textgen_config(const std::string& path);  // errors name the file
void save_textgen_config(const std::string& path, const TextgenConfig& config);

}  // namespace recur::textgen
