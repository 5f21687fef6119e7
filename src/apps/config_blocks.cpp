#include "config_blocks.h"

#include <sstream>

namespace recur::apps {

void check_whole(const std::string& field, int64_t value, classify::WholeRange r) {
  if (value < r.min || value > r.max) {
    throw ValueError("config: " + field + " must be in [" + std::to_string(r.min) + ", " +
                     std::to_string(r.max) + "], got " + std::to_string(value));
  }
}

void check_dropout(const std::string& field, double p) {
  const double max = classify::kClassifyLimits.max_dropout;
  if (!(p >= 0.0 && p < max)) {
    std::ostringstream what;
    what << "config: " << field << " must be in [0, " << max << "), got " << p;
    throw ValueError(what.str());
  }
}

void check_format(const nlohmann::json& j, const char* format) {
  if (!j.is_object()) throw ValueError("config: expected a JSON object");
  if (j.value("format", std::string()) != format) {
    throw ValueError(std::string("config: field 'format' must be \"") + format + "\"");
  }
}

nlohmann::json tokens_to_json(const data::VocabularyOptions& v) {
  return {
      {"lowercase", v.lowercase}, {"min_frequency", v.min_frequency}, {"max_vocab", v.max_size}};
}

void read_tokens(const nlohmann::json& config, data::VocabularyOptions& v) {
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  const nlohmann::json& j = io::json_object(config, "tokens", "config");
  const std::string where = "config: tokens";
  v.lowercase = io::json_bool(j, "lowercase", v.lowercase, where);
  v.min_frequency = whole_in(j, "min_frequency", v.min_frequency, L.min_frequency, where);
  v.max_size = whole_in(j, "max_vocab", v.max_size, L.max_vocab, where);
}

}  // namespace recur::apps
