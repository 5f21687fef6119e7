// plot_confusion writes a real PNG heat map of the requested size, atomically, and rejects a
// matrix that does not match its class names.
#include "recur/apps/classify/confusion_plot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <string>

#include "png_check.h"
#include "recur/tensor/error.h"

namespace recur::classify {
namespace {

namespace fs = std::filesystem;
using recur::testing::expect_png;

class ConfusionPlotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "recur_confusion_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  size_t file_count() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  fs::path dir_;
};

ConfusionPlot three_classes() {
  return {.title = "Confusion matrix (lstm, test split)",
          .classes = {"female", "male", "unisex #1"},            // '#' is PLplot's escape character
          .matrix = {{812, 95, 3}, {140, 1203, 0}, {0, 0, 0}}};  // an empty row draws as 0 %
}

TEST_F(ConfusionPlotTest, WritesAPngOfTheRequestedSize) {
  plot_confusion(path("confusion.png"), three_classes());
  expect_png(path("confusion.png"), 900, 800);
  plot_confusion(path("small.png"), three_classes(), {.width = 400, .height = 300});
  expect_png(path("small.png"), 400, 300);
  EXPECT_EQ(file_count(), 2u);  // no temporary left behind
}

TEST_F(ConfusionPlotTest, BadInputThrowsAndWritesNothing) {
  ConfusionPlot one_class{.classes = {"only"}, .matrix = {{3}}};
  EXPECT_THROW(plot_confusion(path("bad.png"), one_class), ValueError);
  ConfusionPlot short_row = three_classes();
  short_row.matrix[1].pop_back();
  EXPECT_THROW(plot_confusion(path("bad.png"), short_row), ValueError);
  ConfusionPlot missing_row = three_classes();
  missing_row.matrix.pop_back();
  EXPECT_THROW(plot_confusion(path("bad.png"), missing_row), ValueError);
  ConfusionPlot negative = three_classes();
  negative.matrix[0][2] = -1;
  EXPECT_THROW(plot_confusion(path("bad.png"), negative), ValueError);
  EXPECT_THROW(plot_confusion(path("no/such/dir/c.png"), three_classes()), IoError);
  EXPECT_EQ(file_count(), 0u);
}

}  // namespace
}  // namespace recur::classify
