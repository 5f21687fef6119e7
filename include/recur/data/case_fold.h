// Case folding for vocabularies built with `lowercase`: a small, exact table of Unicode simple
// lowercase mappings (UnicodeData.txt field 13), one code point to one code point, for
//   - Basic Latin, Latin-1 Supplement and Latin Extended-A (U+0000-U+017F): A-Z, À-Þ (not ×),
//     the Ā/ā ... Ž/ž pairs, Ÿ -> ÿ and İ -> i;
//   - modern Greek capitals U+0386-U+03AB (Α -> α, Ά -> ά; Σ -> σ, never the final ς);
//   - Cyrillic capitals U+0400-U+042F (Ё -> ё, А -> а).
// Every other code point is left as it is: no other scripts, no full mappings (ß stays ß, the
// German "SS" is not folded to "ss"), no Turkish dotless-i rules, no normalisation. The table
// was checked against Python's str.lower() over U+0000-U+042F (they differ only at İ, where the
// full mapping gives two code points, and in the Greek and Coptic letters outside the range
// above). Small on purpose: honest about what is folded, the same on every machine and locale.
#pragma once

#include <string>
#include <string_view>

namespace recur::data {

// The simple lowercase of `code_point` under the table above (itself when not covered).
char32_t fold_code_point(char32_t code_point);

// `text` with every code point folded; ValueError (with the byte offset) for invalid UTF-8.
std::string fold_case(std::string_view text);

}  // namespace recur::data
