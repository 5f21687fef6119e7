#include "recur/train/run_identity.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace recur::train {

void Fingerprint::add(const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ bytes[i]) * 1099511628211ull;
}

void Fingerprint::add(std::string_view text) {
  add(text.data(), text.size());
  const unsigned char separator = 0xff;  // never a byte of UTF-8 text
  add(&separator, 1);
}

std::string Fingerprint::hex() const {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash_));
  return text;
}

std::map<std::string, std::string> make_run_identity(const std::string& data_fingerprint,
                                                     const nlohmann::json& settings) {
  std::map<std::string, std::string> identity{{"data", data_fingerprint}};
  const nlohmann::json flat = settings.flatten();
  for (const auto& [key, value] : flat.items()) identity[key.substr(1)] = value.dump();
  return identity;
}

}  // namespace recur::train
