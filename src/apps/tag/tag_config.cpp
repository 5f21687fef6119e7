#include "recur/apps/tag/tag_config.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "../config_blocks.h"
#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::tag {
namespace {

using json = nlohmann::json;
using apps::check_whole;

constexpr const char* kFormat = "recur.tag.v1";

}  // namespace

void TagConfig::validate() const {
  check_whole("data.token_column", token_column, kColumnRange);
  check_whole("data.tag_column", tag_column, kColumnRange);
  if (token_column == tag_column) {
    throw ValueError("config: data.token_column and data.tag_column must differ");
  }
  if (tokens.level != data::TokenLevel::kWord) {
    throw ValueError("config: a tagger's tokens are whole words");
  }
  classify::validate_model(model);
  classify::validate_tokens(tokens);
  classify::validate_training(training);
}

json to_json(const TagConfig& c) {
  json model = apps::model_to_json(c.model);
  model["bidirectional"] = c.model.bidirectional;
  return {{"format", kFormat},
          {"data", {{"token_column", c.token_column}, {"tag_column", c.tag_column}}},
          {"tokens", apps::tokens_to_json(c.tokens)},
          {"model", model},
          {"tags", c.tags},
          {"training", classify::training_to_json(c.training)}};
}

TagConfig tag_config_from_json(const json& j) {
  apps::check_format(j, kFormat);
  TagConfig c;
  const json& d = io::json_object(j, "data", "config");
  c.token_column = apps::whole_in(d, "token_column", c.token_column, kColumnRange, "config: data");
  c.tag_column = apps::whole_in(d, "tag_column", c.tag_column, kColumnRange, "config: data");
  apps::read_tokens(j, c.tokens);
  apps::read_model(j, c.model);
  c.model.bidirectional =
      io::json_bool(io::json_object(j, "model", "config"), "bidirectional", true, "config: model");
  c.tags = io::json_strings(j, "tags", {}, "config");
  c.model.num_tags = static_cast<int64_t>(c.tags.size());
  c.training = classify::training_from_json(j, c.training);
  c.validate();
  return c;
}

TagConfig load_tag_config(const std::string& path) {
  return apps::load_config(path, &tag_config_from_json);
}

void save_tag_config(const std::string& path, const TagConfig& config) {
  apps::save_config(path, to_json(config));
}

}  // namespace recur::tag
