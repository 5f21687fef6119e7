#include "recur/data/utf8.h"

#include <cstdio>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

enum class Utf8Bad {
  kNone,
  kStrayContinuation,
  kNeverUtf8,
  kOverlong,
  kTruncated,
  kSurrogate,
  kTooLarge
};

// One decoded character, or why the bytes at that place are not one.
struct Utf8Step {
  char32_t code_point = 0;
  size_t length = 0;  // bytes consumed; for a fault, the bytes worth showing
  Utf8Bad fault = Utf8Bad::kNone;
};

uint8_t utf8_byte(std::string_view bytes, size_t pos) { return static_cast<uint8_t>(bytes[pos]); }

Utf8Step decode_utf8_at(std::string_view bytes, size_t pos) {
  const uint8_t lead = utf8_byte(bytes, pos);
  if (lead < 0x80) return {lead, 1, Utf8Bad::kNone};
  if (lead < 0xC0) return {0, 1, Utf8Bad::kStrayContinuation};
  size_t continuations = 0;
  char32_t cp = 0;
  if (lead < 0xE0) {
    continuations = 1;
    cp = lead & 0x1F;
  } else if (lead < 0xF0) {
    continuations = 2;
    cp = lead & 0x0F;
  } else if (lead < 0xF8) {
    continuations = 3;
    cp = lead & 0x07;
  } else {
    return {0, 1, Utf8Bad::kNeverUtf8};
  }
  for (size_t i = 1; i <= continuations; ++i) {
    if (pos + i >= bytes.size()) return {0, i, Utf8Bad::kTruncated};
    const uint8_t b = utf8_byte(bytes, pos + i);
    if ((b & 0xC0) != 0x80) return {0, i + 1, Utf8Bad::kTruncated};  // show the intruder too
    cp = (cp << 6) | (b & 0x3F);
  }
  const size_t length = continuations + 1;
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[length]) return {cp, length, Utf8Bad::kOverlong};
  if (cp >= 0xD800 && cp <= 0xDFFF) return {cp, length, Utf8Bad::kSurrogate};
  if (cp > 0x10FFFF) return {cp, length, Utf8Bad::kTooLarge};
  return {cp, length, Utf8Bad::kNone};
}

std::string utf8_hex_byte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

std::string code_point_label(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::string utf8_shown_bytes(std::string_view bytes, size_t pos, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && pos + i < bytes.size(); ++i) {
    out += (i ? " " : "") + utf8_hex_byte(utf8_byte(bytes, pos + i));
  }
  return out;
}

std::string utf8_fault_reason(std::string_view bytes, size_t pos, const Utf8Step& s) {
  const std::string shown = utf8_shown_bytes(bytes, pos, s.length);
  switch (s.fault) {
    case Utf8Bad::kStrayContinuation:
      return "continuation byte " + shown + " with no lead byte before it";
    case Utf8Bad::kNeverUtf8:
      return "byte " + shown + " never appears in UTF-8";
    case Utf8Bad::kOverlong:
      return "overlong encoding (" + shown + ")";
    case Utf8Bad::kTruncated:
      // Cut by the end of the text, or by a byte that is not a continuation (shown last).
      return s.length == 1 || (utf8_byte(bytes, pos + s.length - 1) & 0xC0) == 0x80
                 ? "truncated sequence (" + shown + " at the end of the text)"
                 : "truncated sequence (" + shown + ": the last byte does not continue it)";
    case Utf8Bad::kSurrogate:
      return "UTF-16 surrogate " + code_point_label(s.code_point) + " (" + shown + ")";
    case Utf8Bad::kTooLarge:
      return "value above U+10FFFF (" + shown + ")";
    case Utf8Bad::kNone:
      break;
  }
  return "";
}

[[noreturn]] void throw_utf8_fault(std::string_view bytes, size_t pos, const Utf8Step& s) {
  throw ValueError("invalid UTF-8 at byte offset " + std::to_string(pos) + ": " +
                   utf8_fault_reason(bytes, pos, s));
}

bool is_surrogate_or_too_large(char32_t cp) {
  return (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF;
}

}  // namespace

std::optional<Utf8Fault> find_invalid_utf8(std::string_view bytes) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    // ASCII runs are the common case in every shipped file.
    if (utf8_byte(bytes, pos) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Step s = decode_utf8_at(bytes, pos);
    if (s.fault != Utf8Bad::kNone) return Utf8Fault{pos, utf8_fault_reason(bytes, pos, s)};
    pos += s.length;
  }
  return std::nullopt;
}

void check_utf8(std::string_view bytes) {
  if (const auto fault = find_invalid_utf8(bytes)) {
    throw ValueError("invalid UTF-8 at byte offset " + std::to_string(fault->offset) + ": " +
                     fault->reason);
  }
}

char32_t next_code_point(std::string_view bytes, size_t& pos) {
  const Utf8Step s = decode_utf8_at(bytes, pos);
  if (s.fault != Utf8Bad::kNone) throw_utf8_fault(bytes, pos, s);
  pos += s.length;
  return s.code_point;
}

std::u32string decode_utf8(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  for (size_t pos = 0; pos < bytes.size();) out.push_back(next_code_point(bytes, pos));
  return out;
}

int64_t count_code_points(std::string_view bytes) {
  int64_t n = 0;
  for (size_t pos = 0; pos < bytes.size(); ++n) next_code_point(bytes, pos);
  return n;
}

void append_utf8(std::string& out, char32_t cp) {
  if (is_surrogate_or_too_large(cp)) {
    throw ValueError("cannot encode " + code_point_label(cp) +
                     " as UTF-8: " + (cp > 0x10FFFF ? "above U+10FFFF" : "a UTF-16 surrogate"));
  }
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (size_t i = 0; i < code_points.size(); ++i) {
    try {
      append_utf8(out, code_points[i]);
    } catch (const ValueError& e) {
      throw ValueError("code point " + std::to_string(i) + ": " + e.what());
    }
  }
  return out;
}

std::string describe_code_point(char32_t cp) {
  std::string out = code_point_label(cp);
  const bool control = cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
  if (control || is_surrogate_or_too_large(cp)) return out;
  out += " '";
  append_utf8(out, cp);
  return out + "'";
}

TextPosition text_position(std::string_view text, size_t offset) {
  TextPosition p;
  size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (; pos < offset && pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '\n' || (c == '\r' && !(pos + 1 < text.size() && text[pos + 1] == '\n'))) {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) {
      ++p.column;  // a lead or ASCII byte starts a character; continuation bytes do not
    }
  }
  return p;
}

void require_utf8_text(std::string_view text, const std::string& source) {
  const auto where = [&](size_t offset) {
    const TextPosition p = text_position(text, offset);
    return source + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
  };
  if (const auto fault = find_invalid_utf8(text)) {
    throw IoError(where(fault->offset) + "invalid UTF-8 (byte offset " +
                  std::to_string(fault->offset) + "): " + fault->reason +
                  "; the file must be UTF-8 (invalid bytes are rejected, not replaced)");
  }
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    throw IoError(where(nul) + "a NUL byte (byte offset " + std::to_string(nul) +
                  "): the file looks UTF-16 encoded or binary; save it as UTF-8 text");
  }
}

}  // namespace recur::data
