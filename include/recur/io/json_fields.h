// Typed fields read out of a JSON object, with the errors a person can act on. nlohmann's own
// exceptions say "[json.exception.type_error.302] type must be number, but is string" without the
// key; a plain get<size_t>() turns -5 into 18446744073709551611 and 10.7 into 10. Each reader here
// checks the kind, the finiteness and the range of one field and throws ValueError
// "<where>: field '<key>' must be <what>, got <value>" otherwise (the value shown shortened).
//
//   const int64_t window = io::json_whole(j, "window", 30, 1, 100000, "config");
//   const double lr = io::json_real(t, "lr", 1e-3, 0.0, 1e6, "config: training");
//   const std::string cell = io::json_string(m, "cell", "lstm", "config: model");
#pragma once

#include <cstdint>
#include <exception>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace recur::io {

// A whole number in [min, max]; `fallback` when the key is absent.
int64_t json_whole(const nlohmann::json& object, const char* key, int64_t fallback, int64_t min,
                   int64_t max, const std::string& where);

// A finite number in [min, max]; `fallback` when the key is absent.
double json_real(const nlohmann::json& object, const char* key, double fallback,
                 double min = -std::numeric_limits<double>::max(),
                 double max = std::numeric_limits<double>::max(), const std::string& where = "");

std::string json_string(const nlohmann::json& object, const char* key, const std::string& fallback,
                        const std::string& where);
bool json_bool(const nlohmann::json& object, const char* key, bool fallback,
               const std::string& where);
std::vector<std::string> json_strings(const nlohmann::json& object, const char* key,
                                      const std::vector<std::string>& fallback,
                                      const std::string& where);
// Every element finite.
std::vector<double> json_reals(const nlohmann::json& object, const char* key,
                               const std::vector<double>& fallback, const std::string& where);

// The object under `key` (an empty object when absent); ValueError when it is something else.
const nlohmann::json& json_object(const nlohmann::json& object, const char* key,
                                  const std::string& where);

// The JSON document in the regular file `path` (io/regular_file.h); IoError
// "<path>: not valid JSON (<why>)" otherwise.
nlohmann::json read_json_file(const std::string& path);

// nlohmann's exception text without its "[json.exception.parse_error.101] " tag.
std::string json_error_text(const std::exception& e);

// A JSON value as text for an error message: at most ~60 characters.
std::string json_excerpt(const nlohmann::json& value);

}  // namespace recur::io
