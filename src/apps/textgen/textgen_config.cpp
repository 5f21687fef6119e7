#include "recur/apps/textgen/textgen_config.h"

#include <nlohmann/json.hpp>

#include "../config_blocks.h"
#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::textgen {
namespace {

using json = nlohmann::json;

constexpr const char* kTextgenFormat = "recur.textgen.v1";

}  // namespace

void TextgenConfig::validate() const {
  if (tokens.level != data::TokenLevel::kChar) {
    throw ValueError("config: a character language model's tokens are characters");
  }
  classify::validate_model(model);
  classify::validate_tokens(tokens);
  classify::validate_training(training);
  apps::check_whole("training.chunk_length", chunk_length, kChunkLengthRange);
  apps::check_whole("baseline.ngram_order", ngram_order, kNgramOrderRange);
}

json to_json(const TextgenConfig& c) {
  json training = classify::training_to_json(c.training);
  training["chunk_length"] = c.chunk_length;
  return {{"format", kTextgenFormat},
          {"tokens", apps::tokens_to_json(c.tokens)},
          {"model", apps::model_to_json(c.model)},
          {"training", training},
          {"baseline", {{"ngram_order", c.ngram_order}}}};
}

TextgenConfig textgen_config_from_json(const json& j) {
  apps::check_format(j, kTextgenFormat);
  TextgenConfig c;
  apps::read_tokens(j, c.tokens);
  apps::read_model(j, c.model);
  c.training = classify::training_from_json(j, c.training);
  c.chunk_length = apps::whole_in(io::json_object(j, "training", "config"), "chunk_length",
                                  c.chunk_length, kChunkLengthRange, "config: training");
  c.ngram_order = apps::whole_in(io::json_object(j, "baseline", "config"), "ngram_order",
                                 c.ngram_order, kNgramOrderRange, "config: baseline");
  c.validate();
  return c;
}

TextgenConfig load_textgen_config(const std::string& path) {
  return apps::load_config(path, &textgen_config_from_json);
}

void save_textgen_config(const std::string& path, const TextgenConfig& config) {
  apps::save_config(path, to_json(config));
}

}  // namespace recur::textgen
