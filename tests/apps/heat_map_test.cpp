// apps::plot_heat_map, the labelled-matrix PNG behind classify's confusion matrix and seq2seq's
// attention maps: a PNG of the requested size, and bad matrices refused before any file appears.
#include "recur/apps/heat_map.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "expect_error.h"
#include "png_check.h"
#include "recur/tensor/error.h"

namespace recur::apps {
namespace {

namespace fs = std::filesystem;
using recur::testing::Contains;
using recur::testing::error_message;

class HeatMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "recur_heat_map_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// An attention map: 2 output tokens over 3 source tokens, rows summing to 1.
HeatMap attention() {
  return {.title = "Attention: ab_ -> ba",
          .x_label = "source",
          .y_label = "output",
          .row_labels = {"b", "a"},
          .column_labels = {"a", "b", "_"},
          .values = {{0.05, 0.9, 0.05}, {1.0, 0.0, 0.0}},
          .scale_caption = "attention weight"};
}

TEST_F(HeatMapTest, WritesAPngOfTheRequestedSizeWithOrWithoutCellText) {
  plot_heat_map(path("attention.png"), attention(), {.width = 400, .height = 300});
  recur::testing::expect_png(path("attention.png"), 400, 300);
  HeatMap labelled = attention();
  labelled.cell_text = {{"5%", "90%", "5%"}, {"100%", "0%", "0%"}};
  plot_heat_map(path("labelled.png"), labelled, {.width = 500, .height = 320});
  recur::testing::expect_png(path("labelled.png"), 500, 320);
}

TEST_F(HeatMapTest, ABadMatrixIsRefusedNamingTheFileAndWritesNothing) {
  const auto refused = [&](HeatMap map) {
    return error_message<ValueError>(
        [&] { plot_heat_map(path("bad.png"), map, {.width = 400, .height = 300}); });
  };
  HeatMap wide = attention();
  wide.values[1].push_back(0.0);
  EXPECT_TRUE(Contains(refused(wide), "values row 1 has 4 columns for 3 column labels"));
  HeatMap tall = attention();
  tall.values.push_back({0.0, 0.0, 1.0});
  EXPECT_TRUE(Contains(refused(tall), "values has 3 rows for 2 row labels"));
  HeatMap text = attention();
  text.cell_text = {{"1", "2", "3"}};
  EXPECT_TRUE(Contains(refused(text), "cell text has 1 rows"));
  HeatMap above = attention();
  above.values[0][1] = 1.5;
  EXPECT_TRUE(Contains(refused(above), "outside [0, 1]"));
  HeatMap nan = attention();
  nan.values[1][2] = std::nan("");
  EXPECT_TRUE(Contains(refused(nan), path("bad.png")));
  HeatMap empty = attention();
  empty.column_labels.clear();
  EXPECT_TRUE(Contains(refused(empty), "no rows or no columns"));
  EXPECT_FALSE(fs::exists(path("bad.png")));
}

}  // namespace
}  // namespace recur::apps
