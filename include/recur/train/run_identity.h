// What a training checkpoint is bound to (TrainerOptions::run_identity): a fingerprint of the data
// and every setting, as named values, so that `--resume` can name exactly what changed.
//
//   train::Fingerprint f;  f.add(values.data(), values.size() * sizeof(double));
//   auto identity = train::make_run_identity(std::to_string(n) + " rows, hash " + f.hex(),
//                                            settings_json);   // {"data": ..., "training/lr": ...}
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace recur::train {

// FNV-1a, 64 bits, over whatever bytes are added: cheap, and any changed byte changes it.
class Fingerprint {
 public:
  void add(const void* data, size_t size);
  // The bytes of `text` and then a separator, so ("ab", "c") and ("a", "bc") differ.
  void add(std::string_view text);
  std::string hex() const;  // 16 hex digits

 private:
  uint64_t hash_ = 1469598103934665603ull;
};

// {"data": data_fingerprint} plus one entry per leaf of `settings`, keyed by its path without the
// leading slash ("training/lr") and valued by its JSON text.
std::map<std::string, std::string> make_run_identity(const std::string& data_fingerprint,
                                                     const nlohmann::json& settings);

}  // namespace recur::train
