// TagConfig: everything that defines a `recur tag` model, saved as config.json in the run folder
// beside model.safetensors and vocabulary.json; predict and evaluate rebuild the tagger from these
// three files alone. Schema (docs/TAG.md documents every field):
//
//   {
//     "format": "recur.tag.v1",
//     "data":     {"token_column": 1, "tag_column": 3},
//     "tokens":   {"lowercase": false, "min_frequency": 2, "max_vocab": 0},
//     "model":    {"cell": "lstm", "embedding_dim": 64, "hidden_size": 64, "num_layers": 1,
//                  "bidirectional": true, "dropout": 0.0},
//     "tags":     ["adj", "adv", ...],                       (written by training)
//     "training": {"epochs": 10, "batch_size": 32, "lr": 0.005, "patience": 2,
//                  "clip_grad_norm": 1.0, "seed": 0, "val_fraction": 0.1, "test_fraction": 0.1}
//   }
//
// Tokens are always whole words (the file is pre-tokenized). Every field is checked for kind and
// range when read, with the limits of `recur classify` (classify::kClassifyLimits) that the
// command-line flags also use.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "recur/apps/classify/classify_config.h"
#include "recur/apps/tag/tagger_net.h"
#include "recur/data/vocabulary.h"

namespace recur::tag {

inline constexpr classify::WholeRange kColumnRange{1, 1000};

struct TagConfig {
  int64_t token_column = 1;  // from 1
  int64_t tag_column = 2;    // from 1
  // min_frequency 2: words seen once in training become <unk> there, so <unk> gets a trained
  // embedding for the unseen words of validation, test and predict.
  data::VocabularyOptions tokens{.level = data::TokenLevel::kWord, .min_frequency = 2};
  // vocab_size and num_tags are filled in by training.
  TaggerShape model{{.embedding_dim = 64, .bidirectional = true}, /*num_tags=*/0};
  std::vector<std::string> tags;
  classify::ClassifyTraining training{.epochs = 10, .batch_size = 32, .lr = 5e-3, .patience = 2};

  // ValueError naming the field for anything out of range or inconsistent.
  void validate() const;
};

nlohmann::json to_json(const TagConfig& config);
TagConfig tag_config_from_json(const nlohmann::json& j);
TagConfig load_tag_config(const std::string& path);  // errors name the file
void save_tag_config(const std::string& path, const TagConfig& config);

}  // namespace recur::tag
