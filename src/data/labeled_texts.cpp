#include "recur/data/labeled_texts.h"

#include <algorithm>
#include <set>

#include "recur/data/tokenizer.h"
#include "recur/data/utf8.h"
#include "recur/io/regular_file.h"
#include "recur/tensor/error.h"

namespace recur::data {
namespace {

bool is_blank_cell_text(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    if (!is_space_code_point(next_code_point(text, pos))) return false;
  }
  return true;
}

std::string ascii_lowercase_path(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

}  // namespace

char separator_for_path(const std::string& path) {
  const std::string lower = ascii_lowercase_path(path);
  return lower.ends_with(".tsv") || lower.ends_with(".tab") ? '\t' : ',';
}

std::vector<std::string> LabeledTexts::labels() const {
  std::set<std::string> distinct;
  for (const LabeledText& x : items) distinct.insert(x.label);
  return {distinct.begin(), distinct.end()};
}

std::vector<std::string> LabeledTexts::texts() const {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const LabeledText& x : items) out.push_back(x.text);
  return out;
}

LabeledTexts parse_labeled_texts(std::string_view text, const std::string& source,
                                 const LabeledTextsOptions& options) {
  const char sep = options.separator != '\0' ? options.separator : separator_for_path(source);
  // The CSV reader first: it names UTF-16 files, which would otherwise be reported as invalid
  // UTF-8 at their byte-order mark.
  const io::CsvTable csv = io::parse_csv(text, source, sep);
  require_utf8_text(text, source);
  const size_t text_col = csv.require_column(options.text_column);
  const size_t label_col = csv.require_column(options.label_column);
  if (text_col == label_col) {
    throw IoError(source + ": the text and the label are the same column " +
                  io::quote_cell(csv.header[text_col]));
  }
  if (csv.rows.empty()) throw IoError(source + ": no rows after the header");
  LabeledTexts out;
  out.source = source;
  out.text_column = csv.header[text_col];
  out.label_column = csv.header[label_col];
  out.items.reserve(csv.rows.size());
  for (const io::CsvRow& row : csv.rows) {
    const std::string& t = row.fields[text_col];
    const std::string& label = row.fields[label_col];
    if (is_blank_cell_text(t)) {
      throw IoError(csv.where(row) + ": column " + io::quote_cell(out.text_column) +
                    (t.empty() ? ": empty text" : ": empty text (only whitespace)"));
    }
    if (is_blank_cell_text(label)) {
      throw IoError(csv.where(row) + ": column " + io::quote_cell(out.label_column) +
                    ": missing label");
    }
    out.items.push_back({t, label, row.line});
  }
  return out;
}

LabeledTexts read_labeled_texts(const std::string& path, const LabeledTextsOptions& options) {
  return parse_labeled_texts(io::read_regular_file(path), path, options);
}

}  // namespace recur::data
