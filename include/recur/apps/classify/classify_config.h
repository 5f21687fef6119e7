// ClassifyConfig: everything that defines a `recur classify` model, saved as config.json in the
// run folder beside model.safetensors and vocabulary.json; predict and evaluate rebuild the model
// from these three files alone. Schema (docs/CLASSIFY.md documents every field):
//
//   {
//     "format": "recur.classify.v1",
//     "data":     {"text_column": "Name", "label_column": "Gender"},
//     "tokens":   {"level": "char", "lowercase": false, "min_frequency": 1, "max_vocab": 0},
//     "model":    {"cell": "lstm", "embedding_dim": 32, "hidden_size": 64, "num_layers": 1,
//                  "bidirectional": false, "dropout": 0.0},
//     "classes":  ["female", "male"],                      (written by training)
//     "training": {"epochs": 10, "batch_size": 32, "lr": 0.002, "patience": 3,
//                  "clip_grad_norm": 1.0, "seed": 0, "val_fraction": 0.1, "test_fraction": 0.1}
//   }
//
// Every field is checked for kind and range when read (io/json_fields.h), with the limits the
// command-line flags use (kClassifyLimits).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "recur/apps/classify/classifier_net.h"
#include "recur/data/vocabulary.h"

namespace recur::classify {

struct ClassifyTraining {
  int64_t epochs = 10;
  int64_t batch_size = 32;
  double lr = 2e-3;
  int64_t patience = 3;
  double clip_grad_norm = 1.0;
  uint64_t seed = 0;
  double val_fraction = 0.1;
  double test_fraction = 0.1;
};

struct ClassifyConfig {
  std::string text_column = "text";
  std::string label_column = "label";
  data::VocabularyOptions tokens;
  ClassifierShape model;  // vocab_size and num_classes are filled in by training
  std::vector<std::string> classes;
  ClassifyTraining training;

  // ValueError naming the field for anything out of range or inconsistent.
  void validate() const;
};

// The accepted ranges, shared by config.json and the command-line flags.
struct WholeRange {
  int64_t min = 0, max = 0;
};
struct ClassifyLimits {
  WholeRange embedding_dim{1, 4096}, hidden_size{1, 65536}, num_layers{1, 64};
  WholeRange epochs{0, 1000000}, batch_size{1, 1000000}, min_frequency{1, 1000000000};
  WholeRange max_vocab{0, 100000000};
  double max_lr = 1e6;
  // Dropout probabilities, between layers and on the recurrent state, are in [0, max_dropout):
  // PyTorch takes any p below 1, and p = 1 would drop everything (the 1/(1-p) rescale divides by
  // zero).
  double max_dropout = 1.0;
};
inline constexpr ClassifyLimits kClassifyLimits{};

// The checks of the "tokens" and "model" blocks, shared with `recur tag` and `recur textgen`:
// ValueError naming the field when out of range.
void validate_tokens(const data::VocabularyOptions& tokens);
void validate_model(const std::string& cell, int64_t embedding_dim, int64_t hidden_size,
                    int64_t num_layers, float dropout);
// The same for a token job's shape, its recurrent_dropout included.
void validate_model(const apps::TokenNetShape& model);

// The "training" block, shared with `recur tag` and `recur textgen`: ValueError naming the field
// when out of range; JSON out, and in from the config document's "training" object (defaults where
// absent).
void validate_training(const ClassifyTraining& training);
nlohmann::json training_to_json(const ClassifyTraining& training);
ClassifyTraining training_from_json(const nlohmann::json& config, ClassifyTraining defaults);

nlohmann::json to_json(const ClassifyConfig& config);
ClassifyConfig classify_config_from_json(const nlohmann::json& j);
ClassifyConfig load_classify_config(const std::string& path);  // errors name the file
void save_classify_config(const std::string& path, const ClassifyConfig& config);

}  // namespace recur::classify
