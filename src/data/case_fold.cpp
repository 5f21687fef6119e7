#include "recur/data/case_fold.h"

#include "recur/data/utf8.h"

namespace recur::data {
namespace {

// Latin Extended-A pairs capital/small on consecutive code points; which of the two comes first
// changes at U+0139 and back at U+014A.
char32_t fold_latin_extended_a(char32_t c) {
  const bool even = c % 2 == 0;
  if (c <= 0x12F || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return even ? c + 1 : c;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return even ? c : c + 1;
  if (c == 0x130) return U'i';  // İ: the simple mapping (the full one adds U+0307)
  if (c == 0x178) return 0xFF;  // Ÿ -> ÿ
  return c;
}

char32_t fold_greek(char32_t c) {
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c >= 0x38E && c <= 0x38F) return c + 63;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;
  return c;
}

}  // namespace

char32_t fold_code_point(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 0x20;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 0x20;  // × is not a letter
  if (c >= 0x100 && c <= 0x17F) return fold_latin_extended_a(c);
  if (c >= 0x386 && c <= 0x3AB) return fold_greek(c);
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  return c;
}

std::string fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const unsigned char b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {  // ASCII without a decode: most text is mostly ASCII
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 0x20 : b));
      ++pos;
      continue;
    }
    append_utf8(out, fold_code_point(next_code_point(text, pos)));
  }
  return out;
}

}  // namespace recur::data
