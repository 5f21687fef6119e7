#include "recur/data/labeled_texts.h"

#include <gtest/gtest.h>

#include <fstream>

#include "expect_error.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::data {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

const LabeledTextsOptions kNames{.text_column = "name", .label_column = "GENDER"};

std::string repo_data(const std::string& name) {
  return std::string(RECUR_SOURCE_DIR) + "/data/" + name;
}

std::string parse_error(const std::string& text, const LabeledTextsOptions& o = kNames,
                        const std::string& source = "names.csv") {
  return error_message<IoError>([&] { parse_labeled_texts(text, source, o); });
}

TEST(LabeledTexts, ReadsTheShippedNames) {
  const LabeledTexts t = read_labeled_texts(repo_data("first_names_gender.csv"), kNames);
  ASSERT_EQ(t.items.size(), 8003u);  // data/README.md
  EXPECT_EQ(t.text_column, "Name");
  EXPECT_EQ(t.label_column, "Gender");
  EXPECT_EQ(t.labels(), (std::vector<std::string>{"female", "male"}));
  EXPECT_EQ(t.items.front().text, "Aaren");
  EXPECT_EQ(t.items.front().label, "female");
  EXPECT_EQ(t.items.front().line, 2);
  EXPECT_EQ(t.items.back().line, 8004);
  size_t female = 0;
  for (const LabeledText& x : t.items) female += x.label == "female";
  EXPECT_EQ(female, 4525u);
  EXPECT_EQ(t.texts().size(), 8003u);
}

TEST(LabeledTexts, KeepsMultiByteTextAndQuotedCellsAsWritten) {
  const LabeledTexts t = parse_labeled_texts(
      "id,Text,Label\r\n1,\"Caf\xC3\xA9, ol\xC3\xA9!\",pos\r\n2,Ahab\xE2\x80\x99s "
      "\xF0\x9F\x98\x80,neg",
      "reviews.csv", {});
  ASSERT_EQ(t.items.size(), 2u);
  EXPECT_EQ(t.items[0].text, "Caf\xC3\xA9, ol\xC3\xA9!");
  EXPECT_EQ(t.items[1].text, "Ahab\xE2\x80\x99s \xF0\x9F\x98\x80");
  EXPECT_EQ(t.items[1].label, "neg");
  EXPECT_EQ(t.items[1].line, 3);
}

TEST(LabeledTexts, PicksTheSeparatorByExtensionUnlessTold) {
  EXPECT_EQ(separator_for_path("a/b.TSV"), '\t');
  EXPECT_EQ(separator_for_path("b.tab"), '\t');
  EXPECT_EQ(separator_for_path("b.csv"), ',');
  EXPECT_EQ(separator_for_path("b.txt"), ',');
  const std::string tsv = "text\tlabel\nhello, world\tgreeting\n";
  const LabeledTexts t = parse_labeled_texts(tsv, "x.tsv", {});
  ASSERT_EQ(t.items.size(), 1u);
  EXPECT_EQ(t.items[0].text, "hello, world");
  EXPECT_EQ(parse_labeled_texts(tsv, "x.txt", {.separator = '\t'}).items[0].label, "greeting");

  recur::testing::TempDir dir;
  std::ofstream(dir.file("d.tsv")) << tsv;
  EXPECT_EQ(read_labeled_texts(dir.file("d.tsv")).items[0].label, "greeting");
}

TEST(LabeledTexts, ErrorsNameFileLineAndColumn) {
  EXPECT_TRUE(Contains(parse_error(""), "names.csv: the file is empty (no header row)"));
  EXPECT_TRUE(Contains(parse_error("Name,Gender\n"), "names.csv: no rows after the header"));
  EXPECT_TRUE(Contains(parse_error("Name,Sex\nAda,female\n"),
                       "names.csv: no column 'GENDER' (columns: 'Name', 'Sex')"));
  EXPECT_TRUE(Contains(parse_error("Name,Gender\nAda,female\nBob,male,extra\n"),
                       "names.csv:3: 3 fields, expected 2 as in the header"));
  EXPECT_TRUE(Contains(parse_error("Name,Gender\nAda,female\n,male\n"),
                       "names.csv:3: column 'Name': empty text"));
  EXPECT_TRUE(Contains(parse_error("Name,Gender\n\"  \",male\n"),
                       "names.csv:2: column 'Name': empty text (only whitespace)"));
  EXPECT_TRUE(Contains(parse_error("Name,Gender\nAda,female\nBob,\n"),
                       "names.csv:3: column 'Gender': missing label"));
  EXPECT_TRUE(Contains(
      parse_error("Name,Gender\nAda,female\n", {.text_column = "gender", .label_column = "Gender"}),
      "the text and the label are the same column 'Gender'"));
}

TEST(LabeledTexts, InvalidUtf8IsRejectedWithLineAndColumn) {
  // Latin-1 "José" (0xE9 alone): line 3, the 4th character.
  const std::string latin1 = "Name,Gender\nAda,female\nJos\xE9,male\n";
  EXPECT_TRUE(Contains(parse_error(latin1),
                       "names.csv:3:4: invalid UTF-8 (byte offset 26): truncated sequence"));
  EXPECT_TRUE(Contains(parse_error(latin1), "rejected, not replaced"));
  // In a column the job does not read, too: the file is not UTF-8.
  EXPECT_TRUE(Contains(parse_error("Name,Gender,Note\nAda,female,caf\xC3\xA9\xFF\n"),
                       "names.csv:2:16: invalid UTF-8"));
  // A UTF-16 file is named as such by the CSV reader.
  const std::string utf16("\xFF\xFEN\0a\0m\0e\0,\0G\0\n\0", 16);
  EXPECT_TRUE(Contains(parse_error(utf16), "UTF-16 (little-endian)"));
}

TEST(LabeledTexts, MissingFileIsAnIoErrorNamingIt) {
  EXPECT_TRUE(
      Contains(error_message<IoError>([] { read_labeled_texts("/nonexistent/names.csv", kNames); }),
               "/nonexistent/names.csv: cannot open"));
}

}  // namespace
}  // namespace recur::data
