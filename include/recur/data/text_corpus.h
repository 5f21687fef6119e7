// A plain UTF-8 text file for character-level language modelling (recur textgen): the whole file
// as one string, checked and tidied once so that every later step can trust it.
//
//   data::TextCorpus c = data::read_text_corpus("data/moby_dick.txt");
//   c.text         // UTF-8; c.characters code points, c.lines lines
//
// Tidying: a UTF-8 byte-order mark is removed and CRLF / CR line ends become LF, so the same text
// saved on Windows or Unix gives the same characters (a model would otherwise learn '\r' as a
// character, and the vocabulary would differ between copies of one book). Nothing else changes.
//
// Errors are IoError naming the file, and the line and column (in characters) where there is one:
//   book.txt: cannot open: No such file or directory          (io::read_regular_file)
//   book.txt: the text is empty
//   book.txt: the text is empty (only whitespace)
//   book.txt:120:17: invalid UTF-8 (byte offset 7003): ...; the file must be UTF-8 (invalid
//   bytes are rejected, not replaced)
//   book.txt:1:2: a NUL byte (byte offset 1): the file looks UTF-16 encoded or binary; ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace recur::data {

struct TextCorpus {
  std::string source;      // the file, for messages
  std::string text;        // UTF-8, no BOM, LF line ends
  int64_t characters = 0;  // code points in text
  int64_t lines = 0;       // a last line without a final LF counts too
};

TextCorpus read_text_corpus(const std::string& path);
// The same from text in memory; `source` names it in messages.
TextCorpus parse_text_corpus(std::string_view text, const std::string& source);

}  // namespace recur::data
