#include "recur/data/case_fold.h"

#include <gtest/gtest.h>

#include "expect_error.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

TEST(CaseFold, FoldsTheCoveredCapitalsToTheirSimpleLowercase) {
  const std::vector<std::pair<char32_t, char32_t>> pairs = {
      {U'A', U'a'},           {U'Z', U'z'}, {U'\u00C0', U'\u00E0'},  // À
      {U'\u00C9', U'\u00E9'},                                        // É
      {U'\u00DE', U'\u00FE'},                                        // Þ
      {U'\u0100', U'\u0101'},                                        // Ā
      {U'\u0130', U'i'},                                             // İ (simple mapping)
      {U'\u0139', U'\u013A'},                                        // Ĺ
      {U'\u0141', U'\u0142'},                                        // Ł
      {U'\u014A', U'\u014B'},                                        // Ŋ
      {U'\u0152', U'\u0153'},                                        // Œ
      {U'\u0178', U'\u00FF'},                                        // Ÿ
      {U'\u017D', U'\u017E'},                                        // Ž
      {U'\u0386', U'\u03AC'},                                        // Ά
      {U'\u038F', U'\u03CE'},                                        // Ώ
      {U'\u0391', U'\u03B1'},                                        // Α
      {U'\u03A3', U'\u03C3'},                                        // Σ -> σ, never ς
      {U'\u0401', U'\u0451'},                                        // Ё
      {U'\u0416', U'\u0436'},                                        // Ж
  };
  for (const auto& [upper, lower] : pairs) {
    EXPECT_EQ(fold_code_point(upper), lower) << static_cast<uint32_t>(upper);
    EXPECT_EQ(fold_code_point(lower), lower) << static_cast<uint32_t>(lower);
  }
}

TEST(CaseFold, LeavesEverythingElseAlone) {
  for (const char32_t c :
       {U'\u00D7', U'\u00DF', U'\u0131', U'\u0138', U'\u0149', U'\u017F', U'\u03A2', U'\u03F4',
        U'\u0531', U'\u1E9E', U'\u2019', U'\U0001F600', U'1', U'_'}) {
    EXPECT_EQ(fold_code_point(c), c) << static_cast<uint32_t>(c);
  }
}

TEST(CaseFold, FoldsUtf8TextAndRejectsInvalidBytes) {
  EXPECT_EQ(fold_case("\xC3\x89"
                      "COLE d'\xC3\x89T\xC3\x89 \xF0\x9F\x98\x80 \xD0\x96"),
            "\xC3\xA9"
            "cole d'\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80 \xD0\xB6");
  EXPECT_TRUE(recur::testing::Contains(
      recur::testing::error_message<ValueError>([] { fold_case("AB\xC3"); }),
      "invalid UTF-8 at byte offset 2"));
}

}  // namespace
}  // namespace recur::data
