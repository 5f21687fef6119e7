#include "recur/apps/classify/classify_config.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

using json = nlohmann::json;

constexpr const char* kFormat = "recur.classify.v1";

int64_t whole(const json& j, const char* key, int64_t fallback, WholeRange r,
              const std::string& where) {
  return io::json_whole(j, key, fallback, r.min, r.max, where);
}

void check_range(const char* name, int64_t value, WholeRange r) {
  if (value < r.min || value > r.max) {
    throw ValueError(std::string("config: ") + name + " must be in [" + std::to_string(r.min) +
                     ", " + std::to_string(r.max) + "], got " + std::to_string(value));
  }
}

}  // namespace

void validate_training(const ClassifyTraining& training) {
  const ClassifyLimits& L = kClassifyLimits;
  check_range("training.epochs", training.epochs, L.epochs);
  check_range("training.patience", training.patience, L.epochs);
  check_range("training.batch_size", training.batch_size, L.batch_size);
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
  r.epochs = whole(tr, "epochs", r.epochs, L.epochs, wr);
  r.batch_size = whole(tr, "batch_size", r.batch_size, L.batch_size, wr);
  r.lr = io::json_real(tr, "lr", r.lr, 0.0, L.max_lr, wr);
  r.patience = whole(tr, "patience", r.patience, L.epochs, wr);
  r.clip_grad_norm = io::json_real(tr, "clip_grad_norm", r.clip_grad_norm, 0.0,
                                   std::numeric_limits<double>::max(), wr);
  r.seed = static_cast<uint64_t>(whole(tr, "seed", static_cast<int64_t>(r.seed),
                                       {0, std::numeric_limits<int64_t>::max()}, wr));
  r.val_fraction = io::json_real(tr, "val_fraction", r.val_fraction, 0.0, 1.0, wr);
  r.test_fraction = io::json_real(tr, "test_fraction", r.test_fraction, 0.0, 1.0, wr);
  return r;
}

void validate_tokens(const data::VocabularyOptions& tokens) {
  const ClassifyLimits& L = kClassifyLimits;
  check_range("tokens.min_frequency", tokens.min_frequency, L.min_frequency);
  check_range("tokens.max_vocab", tokens.max_size, L.max_vocab);
  if (tokens.max_size != 0 && tokens.max_size < data::Vocabulary::kSpecials + 1) {
    throw ValueError("config: tokens.max_vocab must be 0 (no limit) or at least 5");
  }
}

void validate_model(const std::string& cell, int64_t embedding_dim, int64_t hidden_size,
                    int64_t num_layers, float dropout) {
  const ClassifyLimits& L = kClassifyLimits;
  classifier_cell(cell);
  check_range("model.embedding_dim", embedding_dim, L.embedding_dim);
  check_range("model.hidden_size", hidden_size, L.hidden_size);
  check_range("model.num_layers", num_layers, L.num_layers);
  if (!(dropout >= 0.0f && dropout < 1.0f)) {
    throw ValueError("config: model.dropout must be in [0, 1)");
  }
}

void ClassifyConfig::validate() const {
  validate_model(model.cell, model.embedding_dim, model.hidden_size, model.num_layers,
                 model.dropout);
  validate_tokens(tokens);
  validate_training(training);
}

json to_json(const ClassifyConfig& c) {
  return {{"format", kFormat},
          {"data", {{"text_column", c.text_column}, {"label_column", c.label_column}}},
          {"tokens",
           {{"level", data::token_level_name(c.tokens.level)},
            {"lowercase", c.tokens.lowercase},
            {"min_frequency", c.tokens.min_frequency},
            {"max_vocab", c.tokens.max_size}}},
          {"model",
           {{"cell", c.model.cell},
            {"embedding_dim", c.model.embedding_dim},
            {"hidden_size", c.model.hidden_size},
            {"num_layers", c.model.num_layers},
            {"bidirectional", c.model.bidirectional},
            {"dropout", c.model.dropout}}},
          {"classes", c.classes},
          {"training", training_to_json(c.training)}};
}

ClassifyConfig classify_config_from_json(const json& j) {
  if (!j.is_object()) throw ValueError("config: expected a JSON object");
  if (j.value("format", std::string()) != kFormat) {
    throw ValueError(std::string("config: field 'format' must be \"") + kFormat + "\"");
  }
  const ClassifyLimits& L = kClassifyLimits;
  ClassifyConfig c;
  const json& d = io::json_object(j, "data", "config");
  c.text_column = io::json_string(d, "text_column", c.text_column, "config: data");
  c.label_column = io::json_string(d, "label_column", c.label_column, "config: data");
  const json& t = io::json_object(j, "tokens", "config");
  const std::string wt = "config: tokens";
  c.tokens.level = data::parse_token_level(io::json_string(t, "level", "char", wt));
  c.tokens.lowercase = io::json_bool(t, "lowercase", false, wt);
  c.tokens.min_frequency = whole(t, "min_frequency", 1, L.min_frequency, wt);
  c.tokens.max_size = whole(t, "max_vocab", 0, L.max_vocab, wt);
  const json& m = io::json_object(j, "model", "config");
  const std::string wm = "config: model";
  c.model.cell = io::json_string(m, "cell", c.model.cell, wm);
  c.model.embedding_dim = whole(m, "embedding_dim", c.model.embedding_dim, L.embedding_dim, wm);
  c.model.hidden_size = whole(m, "hidden_size", c.model.hidden_size, L.hidden_size, wm);
  c.model.num_layers = whole(m, "num_layers", c.model.num_layers, L.num_layers, wm);
  c.model.bidirectional = io::json_bool(m, "bidirectional", false, wm);
  c.model.dropout = static_cast<float>(io::json_real(m, "dropout", 0.0, 0.0, 1.0, wm));
  c.classes = io::json_strings(j, "classes", {}, "config");
  c.model.num_classes = static_cast<int64_t>(c.classes.size());
  c.training = training_from_json(j, c.training);
  c.validate();
  return c;
}

ClassifyConfig load_classify_config(const std::string& path) {
  const json j = io::read_json_file(path);
  try {
    return classify_config_from_json(j);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  }
}

void save_classify_config(const std::string& path, const ClassifyConfig& config) {
  io::write_file_atomically(path, to_json(config).dump(2) + "\n");
}

}  // namespace recur::classify
