#include "recur/apps/tag/tag_config.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::tag {
namespace {

using json = nlohmann::json;
using classify::WholeRange;

constexpr const char* kFormat = "recur.tag.v1";

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

void TagConfig::validate() const {
  check_range("data.token_column", token_column, kColumnRange);
  check_range("data.tag_column", tag_column, kColumnRange);
  if (token_column == tag_column) {
    throw ValueError("config: data.token_column and data.tag_column must differ");
  }
  if (tokens.level != data::TokenLevel::kWord) {
    throw ValueError("config: a tagger's tokens are whole words");
  }
  classify::validate_model(model.cell, model.embedding_dim, model.hidden_size, model.num_layers,
                           model.dropout);
  classify::validate_tokens(tokens);
  classify::validate_training(training);
}

json to_json(const TagConfig& c) {
  return {{"format", kFormat},
          {"data", {{"token_column", c.token_column}, {"tag_column", c.tag_column}}},
          {"tokens",
           {{"lowercase", c.tokens.lowercase},
            {"min_frequency", c.tokens.min_frequency},
            {"max_vocab", c.tokens.max_size}}},
          {"model",
           {{"cell", c.model.cell},
            {"embedding_dim", c.model.embedding_dim},
            {"hidden_size", c.model.hidden_size},
            {"num_layers", c.model.num_layers},
            {"bidirectional", c.model.bidirectional},
            {"dropout", c.model.dropout}}},
          {"tags", c.tags},
          {"training", classify::training_to_json(c.training)}};
}

TagConfig tag_config_from_json(const json& j) {
  if (!j.is_object()) throw ValueError("config: expected a JSON object");
  if (j.value("format", std::string()) != kFormat) {
    throw ValueError(std::string("config: field 'format' must be \"") + kFormat + "\"");
  }
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  TagConfig c;
  const json& d = io::json_object(j, "data", "config");
  c.token_column = whole(d, "token_column", c.token_column, kColumnRange, "config: data");
  c.tag_column = whole(d, "tag_column", c.tag_column, kColumnRange, "config: data");
  const json& t = io::json_object(j, "tokens", "config");
  const std::string wt = "config: tokens";
  c.tokens.lowercase = io::json_bool(t, "lowercase", false, wt);
  c.tokens.min_frequency = whole(t, "min_frequency", c.tokens.min_frequency, L.min_frequency, wt);
  c.tokens.max_size = whole(t, "max_vocab", 0, L.max_vocab, wt);
  const json& m = io::json_object(j, "model", "config");
  const std::string wm = "config: model";
  c.model.cell = io::json_string(m, "cell", c.model.cell, wm);
  c.model.embedding_dim = whole(m, "embedding_dim", c.model.embedding_dim, L.embedding_dim, wm);
  c.model.hidden_size = whole(m, "hidden_size", c.model.hidden_size, L.hidden_size, wm);
  c.model.num_layers = whole(m, "num_layers", c.model.num_layers, L.num_layers, wm);
  c.model.bidirectional = io::json_bool(m, "bidirectional", true, wm);
  c.model.dropout = static_cast<float>(io::json_real(m, "dropout", 0.0, 0.0, 1.0, wm));
  c.tags = io::json_strings(j, "tags", {}, "config");
  c.model.num_tags = static_cast<int64_t>(c.tags.size());
  c.training = classify::training_from_json(j, c.training);
  c.validate();
  return c;
}

TagConfig load_tag_config(const std::string& path) {
  const json j = io::read_json_file(path);
  try {
    return tag_config_from_json(j);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  }
}

void save_tag_config(const std::string& path, const TagConfig& config) {
  io::write_file_atomically(path, to_json(config).dump(2) + "\n");
}

}  // namespace recur::tag
