// What the token jobs' config.json readers share (classify, tag, textgen): the "tokens" and
// "model" blocks, whole-number fields checked against a range, the format tag, and loading a
// file with errors prefixed by its path. Private to src/apps: the public headers declare each
// job's own config.
#pragma once

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "recur/apps/classify/classify_config.h"
#include "recur/apps/token_net.h"
#include "recur/data/vocabulary.h"
#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::apps {

// The field `key` of `j`: a whole number in r, `fallback` when absent.
inline int64_t whole_in(const nlohmann::json& j, const char* key, int64_t fallback,
                        classify::WholeRange r, const std::string& where) {
  return io::json_whole(j, key, fallback, r.min, r.max, where);
}

// ValueError "config: <field> must be in [min, max], got v" unless v is in r.
void check_whole(const std::string& field, int64_t value, classify::WholeRange r);

// ValueError "config: <field> must be in [0, 1), got p" unless p is a dropout probability
// (classify::ClassifyLimits::max_dropout): NaN is not.
void check_dropout(const std::string& field, double p);

// A dropout probability of the object `j`, any finite number: its range is check_dropout's, called
// when the whole config is validated, so a value out of range reads the same from config.json as
// from code.
inline float dropout_in(const nlohmann::json& j, const char* key, float fallback,
                        const std::string& where) {
  return static_cast<float>(io::json_real(j, key, fallback, -std::numeric_limits<double>::max(),
                                          std::numeric_limits<double>::max(), where));
}

// ValueError unless j is an object whose "format" is `format`.
void check_format(const nlohmann::json& j, const char* format);

// "tokens": lowercase, min_frequency, max_vocab (classify adds its level).
nlohmann::json tokens_to_json(const data::VocabularyOptions& v);
// The fields present in the config's "tokens" object replace those of `v`.
void read_tokens(const nlohmann::json& config, data::VocabularyOptions& v);

// "model": cell, embedding_dim, hidden_size, num_layers, dropout, recurrent_dropout where the
// shape has it (the jobs add their own fields). Reading checks kinds and the whole numbers'
// ranges; the dropout ranges are checked by the config's validate() (check_dropout).
template <class Shape>
nlohmann::json model_to_json(const Shape& m) {
  nlohmann::json j = {{"cell", m.cell},
                      {"embedding_dim", m.embedding_dim},
                      {"hidden_size", m.hidden_size},
                      {"num_layers", m.num_layers},
                      {"dropout", m.dropout}};
  if constexpr (HasRecurrentDropout<Shape>) j["recurrent_dropout"] = m.recurrent_dropout;
  return j;
}
// The fields present in the config's "model" object replace those of `m`.
template <class Shape>
void read_model(const nlohmann::json& config, Shape& m) {
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  const nlohmann::json& j = io::json_object(config, "model", "config");
  const std::string where = "config: model";
  m.cell = io::json_string(j, "cell", m.cell, where);
  m.embedding_dim = whole_in(j, "embedding_dim", m.embedding_dim, L.embedding_dim, where);
  m.hidden_size = whole_in(j, "hidden_size", m.hidden_size, L.hidden_size, where);
  m.num_layers = whole_in(j, "num_layers", m.num_layers, L.num_layers, where);
  m.dropout = dropout_in(j, "dropout", m.dropout, where);
  if constexpr (HasRecurrentDropout<Shape>) {
    m.recurrent_dropout = dropout_in(j, "recurrent_dropout", m.recurrent_dropout, where);
  }
}

// The config in the JSON file `path`, read by from_json; its errors are prefixed by the path.
template <class Config>
Config load_config(const std::string& path, Config (*from_json)(const nlohmann::json&)) {
  const nlohmann::json j = io::read_json_file(path);
  try {
    return from_json(j);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  }
}

inline void save_config(const std::string& path, const nlohmann::json& j) {
  io::write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace recur::apps
