#include "recur/io/npy.h"

#include <bit>
#include <cstring>
#include <limits>
#include <map>
#include <string_view>
#include <type_traits>
#include <variant>

#include "float_formats.h"
#include "recur/io/atomic_file.h"
#include "recur/io/regular_file.h"

namespace recur::io {
namespace {

static_assert(std::endian::native == std::endian::little,
              ".npy files recur reads and writes are little-endian; so must the host be");
// Narrowing a double outside float range is undefined in ISO C++ but gives +-inf in IEEE 754.
static_assert(std::numeric_limits<float>::is_iec559, "recur assumes IEEE 754 floats");

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr size_t kHeaderAlignment = 64;  // numpy pads the header so the data starts aligned

enum class Kind { kFloat, kSigned, kUnsigned, kBool };

struct NpyDType {
  std::string_view descr;
  Kind kind;
  size_t size;
};

// The array dtypes recur reads. '|' marks single-byte types, which have no byte order.
constexpr NpyDType kNpyDTypes[] = {
    {"<f4", Kind::kFloat, 4},    {"<f8", Kind::kFloat, 8},    {"<f2", Kind::kFloat, 2},
    {"<i8", Kind::kSigned, 8},   {"<i4", Kind::kSigned, 4},   {"<i2", Kind::kSigned, 2},
    {"|i1", Kind::kSigned, 1},   {"<u4", Kind::kUnsigned, 4}, {"<u2", Kind::kUnsigned, 2},
    {"|u1", Kind::kUnsigned, 1}, {"|b1", Kind::kBool, 1}};

struct NpyArray {
  NpyDType dtype;
  Shape shape;
  int64_t numel = 0;
  std::string_view data;  // exactly numel * dtype.size bytes
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw IoError(path + ": " + what);
}

// The header is a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), }. This reads exactly the subset numpy writes (strings, booleans, tuples of
// integers) without recursion, so a hostile header cannot exhaust the stack.
class HeaderReader {
 public:
  HeaderReader(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  using Value = std::variant<std::string, bool, Shape>;

  std::map<std::string, Value> read_dict() {
    std::map<std::string, Value> dict;
    expect('{');
    while (!peek_is('}')) {
      std::string key = read_string();
      expect(':');
      Value value = read_value(key);
      if (!dict.emplace(key, std::move(value)).second) malformed("duplicate key '" + key + "'");
      if (!peek_is('}')) expect(',');
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) malformed("unexpected text after the dict");
    return dict;
  }

 private:
  [[noreturn]] void malformed(const std::string& what) const {
    fail(path_, "malformed .npy header dict (" + what + " at offset " + std::to_string(pos_) +
                    "): " + std::string(text_));
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool peek_is(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek_is(c)) malformed(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool consume_word(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::string read_string() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      malformed("expected a quoted string");
    }
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) malformed("unterminated string");
    std::string value(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return value;
  }

  int64_t read_dimension() {
    skip_space();
    int64_t value = 0;
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, text_[pos_] - '0', &value)) {
        malformed("absurd dimension");
      }
      ++pos_;
    }
    if (pos_ == start) malformed("expected a non-negative integer dimension");
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long literal
    return value;
  }

  Shape read_shape() {
    Shape shape;
    expect('(');
    while (!peek_is(')')) {
      shape.push_back(read_dimension());
      if (peek_is(',')) {
        ++pos_;
      } else if (!peek_is(')')) {
        malformed("expected ',' or ')' in the shape");
      }
    }
    expect(')');
    return shape;
  }

  Value read_value(const std::string& key) {
    skip_space();
    if (peek_is('\'') || peek_is('"')) return read_string();
    if (peek_is('(')) return read_shape();
    if (consume_word("True")) return true;
    if (consume_word("False")) return false;
    if (peek_is('[')) {
      fail(path_, "structured dtype for '" + key + "' is not supported (plain arrays only)");
    }
    malformed("unsupported value for '" + key + "'");
  }

  std::string_view text_;
  const std::string& path_;
  size_t pos_ = 0;
};

NpyDType find_dtype(const std::string& descr, const std::string& path) {
  for (const NpyDType& dtype : kNpyDTypes) {
    if (dtype.descr == descr) return dtype;
  }
  if (descr.find('O') != std::string::npos)
    fail(path, "object arrays ('" + descr + "') are not supported");
  if (!descr.empty() && descr[0] == '>') {
    fail(path, "big-endian data ('" + descr + "') is not supported; save it little-endian");
  }
  fail(path, "unsupported dtype '" + descr +
                 "' (recur reads <f4 <f8 <f2 <i8 <i4 <i2 |i1 <u4 <u2 |u1 |b1)");
}

template <typename T>
const T& dict_field(const std::map<std::string, HeaderReader::Value>& dict, const char* key,
                    const char* type, const std::string& path) {
  const auto& value = dict.at(key);
  if (!std::holds_alternative<T>(value))
    fail(path, std::string("header '") + key + "' must be " + type);
  return std::get<T>(value);
}

uint64_t read_le(std::string_view bytes, size_t size) {
  uint64_t value = 0;
  std::memcpy(&value, bytes.data(), size);
  return value;
}

NpyArray parse_npy(std::string_view bytes, const std::string& path) {
  if (bytes.size() < kMagic.size() + 2 || bytes.substr(0, kMagic.size()) != kMagic) {
    fail(path, "bad magic: not a .npy file (expected \\x93NUMPY)");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0) {
    fail(path, "unsupported .npy format version " + std::to_string(major) + "." +
                   std::to_string(minor) + " (recur reads 1.0, 2.0, 3.0)");
  }
  const size_t length_size = major == 1 ? 2 : 4;
  const size_t prefix = kMagic.size() + 2 + length_size;
  if (bytes.size() < prefix) fail(path, "truncated header: file ends inside the header length");
  const uint64_t header_size = read_le(bytes.substr(8), length_size);
  if (header_size > bytes.size() - prefix) {
    fail(path, "truncated header: header length " + std::to_string(header_size) +
                   " past end of file (" + std::to_string(bytes.size()) + " bytes)");
  }
  const auto dict = HeaderReader(bytes.substr(prefix, header_size), path).read_dict();
  for (const char* key : {"descr", "fortran_order", "shape"}) {
    if (!dict.contains(key))
      fail(path, std::string("malformed header dict: missing '") + key + "'");
  }
  if (dict.size() != 3)
    fail(path, "malformed header dict: keys other than descr, fortran_order, shape");

  NpyArray array;
  array.dtype = find_dtype(dict_field<std::string>(dict, "descr", "a string", path), path);
  if (dict_field<bool>(dict, "fortran_order", "True or False", path)) {
    fail(path, "fortran_order=True arrays are not supported; save a C-contiguous array");
  }
  array.shape = dict_field<Shape>(dict, "shape", "a tuple of integers", path);
  int64_t numel = 1;
  for (int64_t dim : array.shape) {
    if (__builtin_mul_overflow(numel, dim, &numel))
      fail(path, "shape " + shape_str(array.shape) + " is absurd");
  }
  int64_t data_size = 0;
  if (__builtin_mul_overflow(numel, static_cast<int64_t>(array.dtype.size), &data_size)) {
    fail(path, "shape " + shape_str(array.shape) + " is absurd");
  }
  array.numel = numel;
  const std::string_view data = bytes.substr(prefix + header_size);
  if (static_cast<uint64_t>(data_size) > data.size()) {
    fail(path, "truncated data: shape " + shape_str(array.shape) + " of " +
                   std::string(array.dtype.descr) + " needs " + std::to_string(data_size) +
                   " bytes, the file has " + std::to_string(data.size()));
  }
  if (static_cast<uint64_t>(data_size) < data.size()) {
    fail(path, std::to_string(data.size() - data_size) + " trailing bytes after the array data");
  }
  array.data = data;
  return array;
}

// Element i of the array as T (T = float or int64_t), whatever the stored type.
template <typename T>
T element(const NpyArray& array, int64_t i) {
  const char* p = array.data.data() + i * static_cast<int64_t>(array.dtype.size);
  auto load = [p]<typename S>(S) {
    S value;
    std::memcpy(&value, p, sizeof value);
    return value;
  };
  switch (array.dtype.kind) {
    case Kind::kBool:
      return static_cast<T>(*p != 0);
    case Kind::kUnsigned:
      switch (array.dtype.size) {
        case 1:
          return static_cast<T>(load(uint8_t{}));
        case 2:
          return static_cast<T>(load(uint16_t{}));
        default:
          return static_cast<T>(load(uint32_t{}));
      }
    case Kind::kSigned:
      switch (array.dtype.size) {
        case 1:
          return static_cast<T>(load(int8_t{}));
        case 2:
          return static_cast<T>(load(int16_t{}));
        case 4:
          return static_cast<T>(load(int32_t{}));
        default:
          return static_cast<T>(load(int64_t{}));
      }
    case Kind::kFloat:
      break;
  }
  if constexpr (std::is_same_v<T, float>) {
    switch (array.dtype.size) {
      case 2:
        return detail::half_to_float(load(uint16_t{}));
      case 4:
        return load(float{});
      default:
        return static_cast<float>(load(double{}));
    }
  }
  return T{};  // unreachable: read_npy_int64 rejects float arrays
}

// ".npy header dict" for a little-endian C-order array, padded so the data starts on a
// 64-byte boundary, with the version that can hold its length.
std::string npy_prefix(std::string_view descr, const Shape& shape) {
  std::string dims;
  for (int64_t dim : shape) dims += std::to_string(dim) + ", ";
  if (shape.size() > 1)
    dims.resize(dims.size() - 2);  // (2, 3)
  else if (shape.size() == 1)
    dims.resize(dims.size() - 1);  // (3,)
  std::string dict =
      "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const bool v1 = dict.size() + 1 + kMagic.size() + 4 <= 65535;
  const size_t prefix = kMagic.size() + 2 + (v1 ? 2 : 4);
  dict.append((kHeaderAlignment - (prefix + dict.size() + 1) % kHeaderAlignment) % kHeaderAlignment,
              ' ');
  dict += '\n';
  std::string out(kMagic);
  out += static_cast<char>(v1 ? 1 : 2);
  out += '\0';
  const uint32_t size = static_cast<uint32_t>(dict.size());
  out.append(reinterpret_cast<const char*>(&size), v1 ? 2 : 4);
  return out + dict;
}

void write_npy_file(const std::string& path, std::string_view descr, const Shape& shape,
                    const void* data, size_t bytes) {
  AtomicFile file(path);
  file.write(npy_prefix(descr, shape));
  file.write(data, bytes);
  file.commit();
}

}  // namespace

Tensor read_npy(const std::string& path) {
  const std::string bytes = read_regular_file(path);
  const NpyArray array = parse_npy(bytes, path);
  Tensor tensor = Tensor::empty(array.shape);
  float* out = tensor.data();
  for (int64_t i = 0; i < array.numel; ++i) out[i] = element<float>(array, i);
  return tensor;
}

Int64Array read_npy_int64(const std::string& path) {
  const std::string bytes = read_regular_file(path);
  const NpyArray array = parse_npy(bytes, path);
  if (array.dtype.kind == Kind::kFloat) {
    fail(path, "holds " + std::string(array.dtype.descr) +
                   " values, expected integers or booleans (read floats with read_npy)");
  }
  Int64Array result{.values = std::vector<int64_t>(static_cast<size_t>(array.numel)),
                    .shape = array.shape};
  for (int64_t i = 0; i < array.numel; ++i) result.values[i] = element<int64_t>(array, i);
  return result;
}

void write_npy(const std::string& path, const Tensor& tensor) {
  if (!tensor.defined()) throw ValueError("write_npy " + path + ": the tensor is undefined");
  write_npy_file(path, "<f4", tensor.shape(), tensor.data(),
                 static_cast<size_t>(tensor.numel()) * sizeof(float));
}

void write_npy_int64(const std::string& path, const Int64Array& array) {
  if (static_cast<int64_t>(array.values.size()) != shape_numel(array.shape)) {
    throw ShapeError("write_npy_int64 " + path + ": " + std::to_string(array.values.size()) +
                     " values do not fill shape " + shape_str(array.shape));
  }
  write_npy_file(path, "<i8", array.shape, array.values.data(),
                 array.values.size() * sizeof(int64_t));
}

}  // namespace recur::io
