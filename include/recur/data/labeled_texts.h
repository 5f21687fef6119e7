// Labeled texts for classification (many-to-one): a CSV or TSV file with a header row, a text
// column and a label column chosen by name (case-insensitive, ignoring spaces, '_' and '-', as
// for the price table: io::column_key). Other columns are ignored.
//
//   data::LabeledTexts t = data::read_labeled_texts("names.csv", {.text_column = "name",
//                                                                 .label_column = "gender"});
//   for (const data::LabeledText& x : t.items) use(x.text, x.label, x.line);
//
// The file goes through io::read_csv (quoting, BOM, CRLF, blank lines; UTF-16 files are named as
// such). The separator is a tab for a ".tsv" or ".tab" file and a comma otherwise, unless
// LabeledTextsOptions::separator says. The whole file must be UTF-8: invalid bytes are rejected,
// not replaced (utf8.h), so a Latin-1 file fails at its first accented letter instead of training
// on mangled text. Text and label are taken as written (a quoted cell keeps its spaces).
//
// Errors are IoError naming the file and line, and the column or character where there is one:
//   names.csv: the file is empty (no header row)
//   names.csv: no rows after the header
//   names.csv: no column 'text' (columns: 'Name', 'Gender')
//   names.csv:17: 3 fields, expected 2 as in the header
//   names.csv:17: column 'Name': empty text
//   names.csv:17: column 'Gender': missing label
//   names.csv:17:5: invalid UTF-8 (byte offset 431): truncated sequence (0xC3 0x28: ...) ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recur/io/csv.h"

namespace recur::data {

struct LabeledTextsOptions {
  std::string text_column = "text";
  std::string label_column = "label";
  char separator = '\0';  // '\0': by the file's extension (tab for .tsv/.tab, else comma)
};

struct LabeledText {
  std::string text;
  std::string label;
  int64_t line = 0;  // where the record starts in the file, for messages
};

struct LabeledTexts {
  std::string source;       // the file, for messages
  std::string text_column;  // the header names as written in the file
  std::string label_column;
  std::vector<LabeledText> items;  // in file order

  // The distinct labels, sorted by their UTF-8 bytes.
  std::vector<std::string> labels() const;
  std::vector<std::string> texts() const;
};

// The separator read_labeled_texts uses for `path` when none is given.
char separator_for_path(const std::string& path);

LabeledTexts read_labeled_texts(const std::string& path, const LabeledTextsOptions& options = {});
// The same from text in memory; `source` names it in messages.
LabeledTexts parse_labeled_texts(std::string_view text, const std::string& source,
                                 const LabeledTextsOptions& options = {});

}  // namespace recur::data
