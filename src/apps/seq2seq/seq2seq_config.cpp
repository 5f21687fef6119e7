#include "recur/apps/seq2seq/seq2seq_config.h"

#include <nlohmann/json.hpp>

#include "../config_blocks.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::seq2seq {
namespace {

using json = nlohmann::json;

constexpr const char* kSeq2SeqFormat = "recur.seq2seq.v1";

json schedule_to_json(const TeacherForcingSchedule& s) {
  return {{"kind", decay_kind_name(s.kind)},
          {"start", s.start},
          {"floor", s.floor},
          {"slope", s.slope},
          {"rate", s.rate},
          {"k", s.k}};
}

TeacherForcingSchedule schedule_from_json(const json& training, TeacherForcingSchedule s) {
  const json& j = io::json_object(training, "teacher_forcing", "config: training");
  const std::string where = "config: training.teacher_forcing";
  s.kind = decay_kind_from_name(io::json_string(j, "kind", decay_kind_name(s.kind), where));
  const auto real = [&](const char* key, float fallback, double max) {
    return static_cast<float>(io::json_real(j, key, fallback, 0.0, max, where));
  };
  s.start = real("start", s.start, 1.0);
  s.floor = real("floor", s.floor, 1.0);
  s.slope = real("slope", s.slope, 1e6);
  s.rate = real("rate", s.rate, 1.0);
  s.k = real("k", s.k, 1e6);
  return s;
}

}  // namespace

void Seq2SeqConfig::validate() const {
  classify::validate_model(model.cell, model.embedding_dim, model.hidden_size, model.num_layers,
                           model.dropout);
  seq2seq_cell(model.cell);
  attention_kind_from_name(model.attention);
  bridge_kind_from_name(model.bridge);
  classify::validate_tokens(tokens);
  classify::validate_training(training);
  teacher_forcing.validate();
  apps::check_whole("decoding.beam_width", decoding.beam_width, kBeamWidthRange);
  apps::check_whole("decoding.max_length", decoding.max_length, kMaxLengthRange);
  if (!(decoding.length_penalty >= 0.0f && decoding.length_penalty <= 100.0f)) {
    throw ValueError("config: decoding.length_penalty must be in [0, 100], got " +
                     std::to_string(decoding.length_penalty));
  }
}

json to_json(const Seq2SeqConfig& c) {
  json tokens = apps::tokens_to_json(c.tokens);
  tokens["level"] = data::token_level_name(c.tokens.level);
  json model = apps::model_to_json(c.model);
  model["bidirectional"] = c.model.bidirectional;
  model["attention"] = c.model.attention;
  model["bridge"] = c.model.bridge;
  model["input_feeding"] = c.model.input_feeding;
  json training = classify::training_to_json(c.training);
  training["teacher_forcing"] = schedule_to_json(c.teacher_forcing);
  return {{"format", kSeq2SeqFormat},
          {"tokens", tokens},
          {"model", model},
          {"training", training},
          {"decoding",
           {{"beam_width", c.decoding.beam_width},
            {"max_length", c.decoding.max_length},
            {"length_penalty", c.decoding.length_penalty}}}};
}

Seq2SeqConfig seq2seq_config_from_json(const json& j) {
  apps::check_format(j, kSeq2SeqFormat);
  Seq2SeqConfig c;
  apps::read_tokens(j, c.tokens);
  c.tokens.level = data::parse_token_level(
      io::json_string(io::json_object(j, "tokens", "config"), "level", "char", "config: tokens"));
  apps::read_model(j, c.model);
  const json& m = io::json_object(j, "model", "config");
  const std::string model_where = "config: model";
  c.model.bidirectional = io::json_bool(m, "bidirectional", c.model.bidirectional, model_where);
  c.model.attention = io::json_string(m, "attention", c.model.attention, model_where);
  c.model.bridge = io::json_string(m, "bridge", c.model.bridge, model_where);
  c.model.input_feeding = io::json_bool(m, "input_feeding", c.model.input_feeding, model_where);
  c.training = classify::training_from_json(j, c.training);
  c.teacher_forcing =
      schedule_from_json(io::json_object(j, "training", "config"), c.teacher_forcing);
  const json& d = io::json_object(j, "decoding", "config");
  const std::string where = "config: decoding";
  c.decoding.beam_width =
      apps::whole_in(d, "beam_width", c.decoding.beam_width, kBeamWidthRange, where);
  c.decoding.max_length =
      apps::whole_in(d, "max_length", c.decoding.max_length, kMaxLengthRange, where);
  c.decoding.length_penalty = static_cast<float>(
      io::json_real(d, "length_penalty", c.decoding.length_penalty, 0.0, 100.0, where));
  c.validate();
  return c;
}

Seq2SeqConfig load_seq2seq_config(const std::string& path) {
  return apps::load_config(path, &seq2seq_config_from_json);
}

void save_seq2seq_config(const std::string& path, const Seq2SeqConfig& config) {
  apps::save_config(path, to_json(config));
}

}  // namespace recur::seq2seq
