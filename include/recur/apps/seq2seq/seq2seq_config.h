// Seq2SeqConfig: everything that defines a `recur seq2seq` model, saved as config.json in the run
// folder beside model.safetensors, source_vocabulary.json and target_vocabulary.json; translate
// and evaluate rebuild the model from these four files alone. Schema (docs/SEQ2SEQ.md documents
// every field):
//
//   {
//     "format": "recur.seq2seq.v1",
//     "tokens":   {"level": "char", "lowercase": false, "min_frequency": 1, "max_vocab": 0},
//     "model":    {"cell": "lstm", "embedding_dim": 32, "hidden_size": 64, "num_layers": 1,
//                  "dropout": 0.0, "bidirectional": true, "attention": "luong-general",
//                  "bridge": "linear", "input_feeding": true},
//     "training": {"epochs": 8, "batch_size": 64, "lr": 0.003, "patience": 3,
//                  "clip_grad_norm": 1.0, "seed": 0, "val_fraction": 0.1, "test_fraction": 0.1,
//                  "teacher_forcing": {"kind": "inverse-sigmoid", "start": 1.0, "floor": 0.0,
//                                      "slope": 0.0, "rate": 1.0, "k": 5.0}},
//     "decoding": {"beam_width": 5, "max_length": 50, "length_penalty": 0.6}
//   }
//
// One "tokens" block serves both sides, each with its own vocabulary built from the training
// pairs. The model block is seq2seq::Seq2SeqShape (its vocabulary sizes come from the
// vocabulary files). The teacher-forcing ratio of epoch e (from 1) is schedule.ratio(e - 1)
// (teacher_forcing.h). Every field is checked for kind and range when read, with the limits of
// `recur classify` (classify::kClassifyLimits) that the command-line flags also use.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "recur/apps/classify/classify_config.h"
#include "recur/apps/seq2seq/decoding.h"
#include "recur/apps/seq2seq/seq2seq_shape.h"
#include "recur/apps/seq2seq/teacher_forcing.h"
#include "recur/data/vocabulary.h"

namespace recur::seq2seq {

inline constexpr const char* kSourceVocabularyFile = "source_vocabulary.json";
inline constexpr const char* kTargetVocabularyFile = "target_vocabulary.json";

inline constexpr classify::WholeRange kBeamWidthRange{1, 1000};
inline constexpr classify::WholeRange kMaxLengthRange{1, 100000};

struct Seq2SeqConfig {
  data::VocabularyOptions tokens{.level = data::TokenLevel::kChar};
  Seq2SeqShape model;  // the vocabulary sizes are filled in by training
  // Measured on data/dates.tsv (docs/SEQ2SEQ.md): 8 epochs of 16,000 pairs at lr 3e-3 reach
  // near-perfect exact match in a few minutes on 2 cores.
  classify::ClassifyTraining training{.epochs = 8,
                                      .batch_size = 64,
                                      .lr = 3e-3,
                                      .patience = 3,
                                      .clip_grad_norm = 1.0,
                                      .val_fraction = 0.1,
                                      .test_fraction = 0.1};
  // Bengio et al.'s own decay: ratio(0) = 5/6, down to about 0.5 by the eighth epoch.
  TeacherForcingSchedule teacher_forcing = TeacherForcingSchedule::inverse_sigmoid(5.0f);
  BeamOptions decoding;

  // The ratio for epoch e, counted from 1 as train::Trainer counts.
  float teacher_forcing_ratio(int64_t epoch) const { return teacher_forcing.ratio(epoch - 1); }

  // ValueError naming the field for anything out of range or inconsistent.
  void validate() const;
};

nlohmann::json to_json(const Seq2SeqConfig& config);
Seq2SeqConfig seq2seq_config_from_json(const nlohmann::json& j);
Seq2SeqConfig load_seq2seq_config(const std::string& path);  // errors name the file
void save_seq2seq_config(const std::string& path, const Seq2SeqConfig& config);

}  // namespace recur::seq2seq
