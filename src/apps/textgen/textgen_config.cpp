#include "recur/apps/textgen/textgen_config.h"

#include <nlohmann/json.hpp>

#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::textgen {
namespace {

using json = nlohmann::json;
using classify::WholeRange;

constexpr const char* kTextgenFormat = "recur.textgen.v1";

int64_t whole_field(const json& j, const char* key, int64_t fallback, WholeRange r,
                    const std::string& where) {
  return io::json_whole(j, key, fallback, r.min, r.max, where);
}

void check_whole(const char* name, int64_t value, WholeRange r) {
  if (value < r.min || value > r.max) {
    throw ValueError(std::string("config: ") + name + " must be in [" + std::to_string(r.min) +
                     ", " + std::to_string(r.max) + "], got " + std::to_string(value));
  }
}

}  // namespace

void TextgenConfig::validate() const {
  if (tokens.level != data::TokenLevel::kChar) {
    throw ValueError("config: a character language model's tokens are characters");
  }
  classify::validate_model(model.cell, model.embedding_dim, model.hidden_size, model.num_layers,
                           model.dropout);
  classify::validate_tokens(tokens);
  classify::validate_training(training);
  check_whole("training.chunk_length", chunk_length, kChunkLengthRange);
  check_whole("baseline.ngram_order", ngram_order, kNgramOrderRange);
}

json to_json(const TextgenConfig& c) {
  json training = classify::training_to_json(c.training);
  training["chunk_length"] = c.chunk_length;
  return {{"format", kTextgenFormat},
          {"tokens",
           {{"lowercase", c.tokens.lowercase},
            {"min_frequency", c.tokens.min_frequency},
            {"max_vocab", c.tokens.max_size}}},
          {"model",
           {{"cell", c.model.cell},
            {"embedding_dim", c.model.embedding_dim},
            {"hidden_size", c.model.hidden_size},
            {"num_layers", c.model.num_layers},
            {"dropout", c.model.dropout}}},
          {"training", training},
          {"baseline", {{"ngram_order", c.ngram_order}}}};
}

TextgenConfig textgen_config_from_json(const json& j) {
  if (!j.is_object()) throw ValueError("config: expected a JSON object");
  if (j.value("format", std::string()) != kTextgenFormat) {
    throw ValueError(std::string("config: field 'format' must be \"") + kTextgenFormat + "\"");
  }
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  TextgenConfig c;
  const json& t = io::json_object(j, "tokens", "config");
  const std::string wt = "config: tokens";
  c.tokens.lowercase = io::json_bool(t, "lowercase", false, wt);
  c.tokens.min_frequency =
      whole_field(t, "min_frequency", c.tokens.min_frequency, L.min_frequency, wt);
  c.tokens.max_size = whole_field(t, "max_vocab", 0, L.max_vocab, wt);
  const json& m = io::json_object(j, "model", "config");
  const std::string wm = "config: model";
  c.model.cell = io::json_string(m, "cell", c.model.cell, wm);
  c.model.embedding_dim =
      whole_field(m, "embedding_dim", c.model.embedding_dim, L.embedding_dim, wm);
  c.model.hidden_size = whole_field(m, "hidden_size", c.model.hidden_size, L.hidden_size, wm);
  c.model.num_layers = whole_field(m, "num_layers", c.model.num_layers, L.num_layers, wm);
  c.model.dropout = static_cast<float>(io::json_real(m, "dropout", 0.0, 0.0, 1.0, wm));
  c.training = classify::training_from_json(j, c.training);
  c.chunk_length = whole_field(io::json_object(j, "training", "config"), "chunk_length",
                               c.chunk_length, kChunkLengthRange, "config: training");
  c.ngram_order = whole_field(io::json_object(j, "baseline", "config"), "ngram_order",
                              c.ngram_order, kNgramOrderRange, "config: baseline");
  c.validate();
  return c;
}

TextgenConfig load_textgen_config(const std::string& path) {
  const json j = io::read_json_file(path);
  try {
    return textgen_config_from_json(j);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  }
}

void save_textgen_config(const std::string& path, const TextgenConfig& config) {
  io::write_file_atomically(path, to_json(config).dump(2) + "\n");
}

}  // namespace recur::textgen
