#include "recur/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <vector>

#include "float_formats.h"
#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/io/regular_file.h"

namespace recur::io {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; recur assumes a little-endian host");
// Narrowing a double outside float range is undefined in ISO C++ but gives +-inf in IEEE 754.
static_assert(std::numeric_limits<float>::is_iec559, "recur assumes IEEE 754 floats");

using nlohmann::json;

constexpr uint64_t kMaxHeaderSize = 100'000'000;  // the limit of the reference implementation
constexpr std::string_view kMetadataKey = "__metadata__";

enum class DType { kF32, kF64, kF16, kBF16 };

struct DTypeInfo {
  std::string_view name;
  DType dtype;
  uint64_t size;
};

constexpr DTypeInfo kDTypes[] = {{"F32", DType::kF32, 4},
                                 {"F64", DType::kF64, 8},
                                 {"F16", DType::kF16, 2},
                                 {"BF16", DType::kBF16, 2}};

// One tensor's header entry, validated on its own (coverage of the data section is checked once
// all entries are known).
struct Entry {
  std::string name;
  DTypeInfo dtype;
  Shape shape;
  int64_t numel = 0;
  uint64_t begin = 0;
  uint64_t end = 0;
};

// Prefixes every error with the file name, and with the tensor when there is one.
class Reporter {
 public:
  explicit Reporter(const std::string& path) : path_(path) {}
  [[noreturn]] void fail(const std::string& what) const { throw IoError(path_ + ": " + what); }
  [[noreturn]] void fail(const std::string& tensor, const std::string& what) const {
    throw IoError(path_ + ": tensor \"" + tensor + "\": " + what);
  }

 private:
  const std::string& path_;
};

std::string offsets_str(uint64_t begin, uint64_t end) {
  std::string text = "[";  // appended piecewise: GCC 12 warns falsely on "literal" + string&&
  text += std::to_string(begin);
  text += ", ";
  text += std::to_string(end);
  text += "]";
  return text;
}

uint64_t read_u64_le(std::string_view bytes) {
  uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

// The JSON header as a DOM. nlohmann keeps the last of duplicate keys silently; a duplicate in a
// file is a sign of corruption or tampering, so the parse callback detects them.
json parse_header_json(std::string_view text, const Reporter& report) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto on_event = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end && !open_objects.empty()) {
      open_objects.pop_back();
    } else if (event == json::parse_event_t::key && duplicate.empty() && !open_objects.empty() &&
               !open_objects.back().insert(parsed.get<std::string>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  json header;
  try {
    header = json::parse(text.begin(), text.end(), on_event);
  } catch (const json::exception& e) {
    report.fail("invalid JSON header (" + json_error_text(e) + ")");
  }
  if (!duplicate.empty()) report.fail("duplicate key \"" + duplicate + "\" in the JSON header");
  if (!header.is_object()) {
    report.fail(std::string("JSON header must be an object, got ") + header.type_name());
  }
  return header;
}

const json& required_field(const json& info, const char* field, const std::string& tensor,
                           const Reporter& report) {
  auto it = info.find(field);
  if (it == info.end()) report.fail(tensor, std::string("missing \"") + field + "\"");
  return *it;
}

DTypeInfo parse_dtype(const json& value, const std::string& tensor, const Reporter& report) {
  if (!value.is_string()) {
    report.fail(tensor, std::string("\"dtype\" must be a string, got ") + value.type_name());
  }
  const auto& name = value.get_ref<const std::string&>();
  for (const DTypeInfo& info : kDTypes) {
    if (info.name == name) return info;
  }
  report.fail(tensor, "unsupported dtype \"" + name + "\" (recur reads F32, F64, F16, BF16)");
}

// A non-negative integer that fits in int64 (sizes and offsets).
uint64_t parse_count(const json& value, const std::string& field, const std::string& tensor,
                     const Reporter& report) {
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    report.fail(tensor, field + " must not be negative, got " + value.dump());
  }
  if (!value.is_number_unsigned()) {
    report.fail(tensor, field + " must be a non-negative integer, got " + value.dump());
  }
  uint64_t count = value.get<uint64_t>();
  if (count > static_cast<uint64_t>(INT64_MAX)) {
    report.fail(tensor, field + " is absurdly large: " + value.dump());
  }
  return count;
}

Shape parse_shape(const json& value, const std::string& tensor, const Reporter& report) {
  if (!value.is_array()) {
    report.fail(tensor, std::string("\"shape\" must be an array, got ") + value.type_name());
  }
  Shape shape;
  for (const json& dim : value) {
    shape.push_back(static_cast<int64_t>(parse_count(dim, "shape dimension", tensor, report)));
  }
  return shape;
}

// Element count with overflow checks: a hostile shape must not wrap around to a small number.
int64_t checked_numel(const Shape& shape, uint64_t element_size, const std::string& tensor,
                      const Reporter& report) {
  int64_t numel = 1;
  for (int64_t dim : shape) {
    if (__builtin_mul_overflow(numel, dim, &numel)) {
      report.fail(tensor, "shape " + shape_str(shape) + " has absurdly many elements");
    }
  }
  int64_t bytes = 0;
  if (__builtin_mul_overflow(numel, static_cast<int64_t>(element_size), &bytes)) {
    report.fail(tensor, "shape " + shape_str(shape) + " has absurdly many elements");
  }
  return numel;
}

Entry parse_entry(const std::string& name, const json& info, uint64_t data_size,
                  const Reporter& report) {
  if (!info.is_object()) {
    report.fail(name, std::string("expected an object {dtype, shape, data_offsets}, got ") +
                          info.type_name());
  }
  Entry entry{.name = name,
              .dtype = parse_dtype(required_field(info, "dtype", name, report), name, report),
              .shape = parse_shape(required_field(info, "shape", name, report), name, report)};
  entry.numel = checked_numel(entry.shape, entry.dtype.size, name, report);

  const json& offsets = required_field(info, "data_offsets", name, report);
  if (!offsets.is_array() || offsets.size() != 2) {
    report.fail(name, "\"data_offsets\" must be an array [begin, end], got " + offsets.dump());
  }
  entry.begin = parse_count(offsets[0], "data_offsets begin", name, report);
  entry.end = parse_count(offsets[1], "data_offsets end", name, report);
  const std::string range = offsets_str(entry.begin, entry.end);
  if (entry.begin > entry.end) report.fail(name, "data_offsets " + range + " has begin > end");
  if (entry.end > data_size) {
    report.fail(name, "data_offsets " + range + " out of range of the data section (" +
                          std::to_string(data_size) + " bytes)");
  }
  const uint64_t expected = static_cast<uint64_t>(entry.numel) * entry.dtype.size;
  if (entry.end - entry.begin != expected) {
    report.fail(name, "data_offsets " + range + " span " + std::to_string(entry.end - entry.begin) +
                          " bytes, but shape " + shape_str(entry.shape) + " of " +
                          std::string(entry.dtype.name) + " needs " + std::to_string(expected));
  }
  return entry;
}

// Like the reference (Rust crate, Metadata::validate), the tensors must tile the data section
// exactly: sorted by offset, each begins where the previous ended and the last ends at the end
// of the file. Overlaps would alias tensors, holes hide unaccounted bytes.
void check_coverage(std::vector<Entry>& entries, uint64_t data_size, const Reporter& report) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& entry : entries) {
    const std::string range = offsets_str(entry.begin, entry.end);
    if (entry.begin < covered) {
      report.fail(entry.name, "data_offsets " + range + " overlapping tensor \"" + previous->name +
                                  "\" " + offsets_str(previous->begin, previous->end));
    }
    if (entry.begin > covered) {
      report.fail(entry.name, "data_offsets " + range + " leave a hole: bytes [" +
                                  std::to_string(covered) + ", " + std::to_string(entry.begin) +
                                  ") of the data section belong to no tensor");
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_size) {
    report.fail(std::to_string(data_size - covered) +
                " trailing bytes in the data section belong to no tensor");
  }
}

std::map<std::string, std::string> parse_metadata(const json& value, const Reporter& report) {
  if (!value.is_object()) {
    report.fail(std::string("\"__metadata__\" must be an object of strings, got ") +
                value.type_name());
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      report.fail("\"__metadata__\" value for \"" + key + "\" must be a string, got " +
                  item.type_name());
    }
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

template <typename Source, typename Convert>
void convert_elements(const char* bytes, float* out, int64_t numel, Convert convert) {
  for (int64_t i = 0; i < numel; ++i) {
    Source value;
    std::memcpy(&value, bytes + i * static_cast<int64_t>(sizeof(Source)), sizeof(Source));
    out[i] = convert(value);
  }
}

Tensor decode(const Entry& entry, std::string_view data) {
  Tensor tensor = Tensor::empty(entry.shape);
  if (entry.numel == 0) return tensor;
  const char* bytes = data.data() + entry.begin;
  float* out = tensor.data();
  switch (entry.dtype.dtype) {
    case DType::kF32:
      std::memcpy(out, bytes, static_cast<size_t>(entry.numel) * sizeof(float));
      break;
    case DType::kF64:
      convert_elements<double>(bytes, out, entry.numel,
                               [](double v) { return static_cast<float>(v); });
      break;
    case DType::kF16:
      convert_elements<uint16_t>(bytes, out, entry.numel, detail::half_to_float);
      break;
    case DType::kBF16:
      convert_elements<uint16_t>(bytes, out, entry.numel, detail::bfloat16_to_float);
      break;
  }
  return tensor;
}

SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& path) {
  const Reporter report(path);
  if (bytes.size() < 8) {
    report.fail("truncated header: file has " + std::to_string(bytes.size()) +
                " bytes, fewer than the 8-byte header length");
  }
  const uint64_t header_size = read_u64_le(bytes);
  if (header_size > kMaxHeaderSize) {
    report.fail("header length " + std::to_string(header_size) + " is absurd (limit " +
                std::to_string(kMaxHeaderSize) + " bytes)");
  }
  if (header_size > bytes.size() - 8) {
    report.fail("header length " + std::to_string(header_size) + " past end of file (" +
                std::to_string(bytes.size()) + " bytes)");
  }
  const json header = parse_header_json(bytes.substr(8, header_size), report);
  const std::string_view data = bytes.substr(8 + header_size);

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      file.metadata = parse_metadata(value, report);
    } else {
      entries.push_back(parse_entry(key, value, data.size(), report));
    }
  }
  check_coverage(entries, data.size(), report);
  for (const Entry& entry : entries) file.tensors.emplace(entry.name, decode(entry, data));
  return file;
}

std::string header_json(const TensorMap& tensors,
                        const std::map<std::string, std::string>& metadata,
                        const std::string& path) {
  // ordered_json keeps "__metadata__" first, as the reference writes it; TensorMap is sorted.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[std::string(kMetadataKey)] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == kMetadataKey) throw IoError(path + ": a tensor cannot be named \"__metadata__\"");
    if (!tensor.defined()) throw IoError(path + ": tensor \"" + name + "\" is undefined");
    const uint64_t size = static_cast<uint64_t>(tensor.numel()) * sizeof(float);
    header[name] = {
        {"dtype", "F32"}, {"shape", tensor.shape()}, {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {  // names or metadata that are not UTF-8
    throw IoError(path + ": cannot encode the header: " + e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // the reference pads to a multiple of 8
  return text;
}

}  // namespace

SafetensorsFile read_safetensors(const std::string& path) {
  const std::string bytes = read_regular_file(path);
  return parse_safetensors(bytes, path);
}

TensorMap load_safetensors(const std::string& path) { return read_safetensors(path).tensors; }

void save_safetensors(const std::string& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata) {
  const std::string header = header_json(tensors, metadata, path);
  const uint64_t header_size = header.size();
  AtomicFile file(path);
  file.write(&header_size, sizeof header_size);
  file.write(header);
  for (const auto& [name, tensor] : tensors) {
    file.write(tensor.data(), static_cast<size_t>(tensor.numel()) * sizeof(float));
  }
  file.commit();
}

}  // namespace recur::io
