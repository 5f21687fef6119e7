#include "recur/io/json_fields.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"

namespace recur::io {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& where, const char* key, const std::string& what,
                       const json& value) {
  throw ValueError((where.empty() ? std::string() : where + ": ") + "field '" + key + "' must be " +
                   what + ", got " + json_excerpt(value));
}

// The value under `key`, or nullptr when the object does not have it.
const json* find(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool finite_number(const json& v) { return v.is_number() && std::isfinite(v.get<double>()); }

}  // namespace

std::string json_excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

json read_json_file(const std::string& path) {
  const std::string text = read_regular_file(path);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw IoError(path + ": not valid JSON (" + json_error_text(e) + ")");
  }
}

std::string json_error_text(const std::exception& e) {
  std::string text = e.what();
  if (text.starts_with("[json.exception.")) {
    const size_t close = text.find("] ");
    if (close != std::string::npos) text.erase(0, close + 2);
  }
  return text;
}

int64_t json_whole(const json& object, const char* key, int64_t fallback, int64_t min, int64_t max,
                   const std::string& where) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  const std::string what =
      "a whole number in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (!finite_number(*v)) fail(where, key, what, *v);
  const double d = v->get<double>();
  // Integers beyond 2^53 lose nothing here: the limits callers give are far below.
  if (d != std::floor(d) || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    fail(where, key, what, *v);
  }
  return v->is_number_unsigned()  ? static_cast<int64_t>(v->get<uint64_t>())
         : v->is_number_integer() ? v->get<int64_t>()
                                  : static_cast<int64_t>(d);
}

double json_real(const json& object, const char* key, double fallback, double min, double max,
                 const std::string& where) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  if (!finite_number(*v) || v->get<double>() < min || v->get<double>() > max) {
    fail(
        where, key,
        "a finite number" +
            (min == -std::numeric_limits<double>::max() && max == std::numeric_limits<double>::max()
                 ? std::string()
                 : " in [" + std::to_string(min) + ", " + std::to_string(max) + "]"),
        *v);
  }
  return v->get<double>();
}

std::string json_string(const json& object, const char* key, const std::string& fallback,
                        const std::string& where) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) fail(where, key, "a string", *v);
  return v->get<std::string>();
}

bool json_bool(const json& object, const char* key, bool fallback, const std::string& where) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) fail(where, key, "true or false", *v);
  return v->get<bool>();
}

std::vector<std::string> json_strings(const json& object, const char* key,
                                      const std::vector<std::string>& fallback,
                                      const std::string& where) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_array()) fail(where, key, "an array of strings", *v);
  std::vector<std::string> out;
  for (const json& e : *v) {
    if (!e.is_string()) fail(where, key, "an array of strings", *v);
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<double> json_reals(const json& object, const char* key,
                               const std::vector<double>& fallback, const std::string& where) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_array()) fail(where, key, "an array of finite numbers", *v);
  std::vector<double> out;
  for (const json& e : *v) {
    if (!finite_number(e)) fail(where, key, "an array of finite numbers", *v);
    out.push_back(e.get<double>());
  }
  return out;
}

const json& json_object(const json& object, const char* key, const std::string& where) {
  static const json empty = json::object();
  const json* v = find(object, key);
  if (v == nullptr) return empty;
  if (!v->is_object()) fail(where, key, "an object", *v);
  return *v;
}

}  // namespace recur::io
