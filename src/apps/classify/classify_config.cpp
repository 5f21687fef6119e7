#include "recur/apps/classify/classify_config.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "../config_blocks.h"
#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

using json = nlohmann::json;
using apps::check_whole;

constexpr const char* kFormat = "recur.classify.v1";

}  // namespace

void validate_training(const ClassifyTraining& training) {
  const ClassifyLimits& L = kClassifyLimits;
  check_whole("training.epochs", training.epochs, L.epochs);
  check_whole("training.patience", training.patience, L.epochs);
  check_whole("training.batch_size", training.batch_size, L.batch_size);
  if (!(training.lr > 0 && training.lr <= L.max_lr)) {
    throw ValueError("config: training.lr must be in (0, 1e6]");
  }
  if (!(training.clip_grad_norm >= 0 && std::isfinite(training.clip_grad_norm))) {
    throw ValueError("config: training.clip_grad_norm must be a finite number >= 0");
  }
  if (!(training.val_fraction > 0 && training.test_fraction > 0 &&
        training.val_fraction + training.test_fraction < 1)) {
    throw ValueError(
        "config: training.val_fraction and training.test_fraction must be > 0 with a sum below 1");
  }
}

json training_to_json(const ClassifyTraining& t) {
  return {{"epochs", t.epochs},
          {"batch_size", t.batch_size},
          {"lr", t.lr},
          {"patience", t.patience},
          {"clip_grad_norm", t.clip_grad_norm},
          {"seed", t.seed},
          {"val_fraction", t.val_fraction},
          {"test_fraction", t.test_fraction}};
}

ClassifyTraining training_from_json(const json& config, ClassifyTraining r) {
  const ClassifyLimits& L = kClassifyLimits;
  const json& tr = io::json_object(config, "training", "config");
  const std::string wr = "config: training";
  r.epochs = apps::whole_in(tr, "epochs", r.epochs, L.epochs, wr);
  r.batch_size = apps::whole_in(tr, "batch_size", r.batch_size, L.batch_size, wr);
  r.lr = io::json_real(tr, "lr", r.lr, 0.0, L.max_lr, wr);
  r.patience = apps::whole_in(tr, "patience", r.patience, L.epochs, wr);
  r.clip_grad_norm = io::json_real(tr, "clip_grad_norm", r.clip_grad_norm, 0.0,
                                   std::numeric_limits<double>::max(), wr);
  r.seed = static_cast<uint64_t>(apps::whole_in(tr, "seed", static_cast<int64_t>(r.seed),
                                                {0, std::numeric_limits<int64_t>::max()}, wr));
  r.val_fraction = io::json_real(tr, "val_fraction", r.val_fraction, 0.0, 1.0, wr);
  r.test_fraction = io::json_real(tr, "test_fraction", r.test_fraction, 0.0, 1.0, wr);
  return r;
}

void validate_tokens(const data::VocabularyOptions& tokens) {
  const ClassifyLimits& L = kClassifyLimits;
  check_whole("tokens.min_frequency", tokens.min_frequency, L.min_frequency);
  check_whole("tokens.max_vocab", tokens.max_size, L.max_vocab);
  if (tokens.max_size != 0 && tokens.max_size < data::Vocabulary::kSpecials + 1) {
    throw ValueError("config: tokens.max_vocab must be 0 (no limit) or at least 5");
  }
}

void validate_model(const std::string& cell, int64_t embedding_dim, int64_t hidden_size,
                    int64_t num_layers, float dropout) {
  const ClassifyLimits& L = kClassifyLimits;
  classifier_cell(cell);
  check_whole("model.embedding_dim", embedding_dim, L.embedding_dim);
  check_whole("model.hidden_size", hidden_size, L.hidden_size);
  check_whole("model.num_layers", num_layers, L.num_layers);
  apps::check_dropout("model.dropout", dropout);
}

void validate_model(const apps::TokenNetShape& model) {
  validate_model(model.cell, model.embedding_dim, model.hidden_size, model.num_layers,
                 model.dropout);
  apps::check_dropout("model.recurrent_dropout", model.recurrent_dropout);
}

void ClassifyConfig::validate() const {
  validate_model(model);
  validate_tokens(tokens);
  validate_training(training);
}

json to_json(const ClassifyConfig& c) {
  json tokens = apps::tokens_to_json(c.tokens);
  tokens["level"] = data::token_level_name(c.tokens.level);
  json model = apps::model_to_json(c.model);
  model["bidirectional"] = c.model.bidirectional;
  return {{"format", kFormat},
          {"data", {{"text_column", c.text_column}, {"label_column", c.label_column}}},
          {"tokens", tokens},
          {"model", model},
          {"classes", c.classes},
          {"training", training_to_json(c.training)}};
}

ClassifyConfig classify_config_from_json(const json& j) {
  apps::check_format(j, kFormat);
  ClassifyConfig c;
  const json& d = io::json_object(j, "data", "config");
  c.text_column = io::json_string(d, "text_column", c.text_column, "config: data");
  c.label_column = io::json_string(d, "label_column", c.label_column, "config: data");
  c.tokens.level = data::parse_token_level(
      io::json_string(io::json_object(j, "tokens", "config"), "level", "char", "config: tokens"));
  apps::read_tokens(j, c.tokens);
  apps::read_model(j, c.model);
  c.model.bidirectional =
      io::json_bool(io::json_object(j, "model", "config"), "bidirectional", false, "config: model");
  c.classes = io::json_strings(j, "classes", {}, "config");
  c.model.num_classes = static_cast<int64_t>(c.classes.size());
  c.training = training_from_json(j, c.training);
  c.validate();
  return c;
}

ClassifyConfig load_classify_config(const std::string& path) {
  return apps::load_config(path, &classify_config_from_json);
}

void save_classify_config(const std::string& path, const ClassifyConfig& config) {
  apps::save_config(path, to_json(config));
}

}  // namespace recur::classify
