// The plot functions write real PNG files (signature and IHDR size checked), atomically.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "png_check.h"
#include "recur/apps/forecast/plot.h"
#include "recur/tensor/error.h"

namespace recur::forecast {
namespace {

namespace fs = std::filesystem;

class ForecastPlotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "recur_plot_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Every file in the directory (to see that no temporary is left behind).
  size_t file_count() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  fs::path dir_;
};

using recur::testing::expect_png;

// 160 business days from 2023-01-02 with a wavy upward series.
ForecastPlot sample_forecast() {
  ForecastPlot p;
  p.title = "ACME close: forecast vs actual";
  p.y_label = "close (USD)";
  p.forecast_label = "lstm";
  data::Date d = data::Date::from_ymd(2023, 1, 2);
  for (int i = 0; i < 160; ++i) {
    while (d.weekday() >= 5) d = d + 1;
    p.dates.push_back({d, 0});
    d = d + 1;
    double actual = 100 + 0.1 * i + 3 * std::sin(0.15 * i);
    p.actual.push_back(actual);
    p.forecast.push_back(100 + 0.1 * i + 2.5 * std::sin(0.15 * (i - 1)));
    p.naive.push_back(i == 0 ? NAN : p.actual[i - 1]);
    p.lower.push_back(p.forecast.back() - 2.0);
    p.upper.push_back(p.forecast.back() + 2.0);
  }
  p.level = 0.95;
  return p;
}

TEST_F(ForecastPlotTest, ForecastPlotIsAPng) {
  plot_forecast(path("forecast.png"), sample_forecast());
  expect_png(path("forecast.png"), 1200, 700);
  EXPECT_EQ(file_count(), 1u);  // no temporary left behind
}

TEST_F(ForecastPlotTest, LossCurvesOnLogScale) {
  LossPlot p;
  for (int e = 0; e < 40; ++e) {
    p.train.push_back(2.0 * std::exp(-0.15 * e) + 0.01);
    p.validation.push_back(2.2 * std::exp(-0.12 * e) + 0.03);
  }
  plot_loss_curves(path("loss.png"), p, {800, 500});
  expect_png(path("loss.png"), 800, 500);
  // A single epoch still gives a picture.
  LossPlot one;
  one.train = {0.5};
  plot_loss_curves(path("one.png"), one);
  expect_png(path("one.png"), 1200, 700);
}

TEST_F(ForecastPlotTest, ErrorPlotWithoutDates) {
  ErrorPlot p;
  ForecastPlot f = sample_forecast();
  ErrorSeries model{"lstm", {}}, naive{"naive", {}};
  for (size_t i = 0; i < f.actual.size(); ++i) {
    model.errors.push_back(f.actual[i] - f.forecast[i]);
    naive.errors.push_back(f.actual[i] - f.naive[i]);
  }
  p.series = {model, naive};
  plot_errors(path("errors.png"), p);
  expect_png(path("errors.png"), 1200, 700);
}

TEST_F(ForecastPlotTest, BadInputThrows) {
  ForecastPlot p = sample_forecast();
  p.forecast.pop_back();
  EXPECT_THROW(plot_forecast(path("bad.png"), p), ValueError);
  EXPECT_THROW(plot_loss_curves(path("bad.png"), LossPlot{}), ValueError);
  EXPECT_THROW(plot_errors(path("bad.png"), ErrorPlot{}), ValueError);
  LossPlot all_nan;
  all_nan.train = {NAN, NAN};
  EXPECT_THROW(plot_loss_curves(path("bad.png"), all_nan), ValueError);
  EXPECT_THROW(plot_forecast(path("no/such/dir/x.png"), sample_forecast()), IoError);
  EXPECT_EQ(file_count(), 0u);
}

// A full disk, simulated with a file-size limit in a child process: PLplot's cairo driver does not
// report the failed writes, so without the completeness check a truncated PNG took the place of
// the good one.
TEST_F(ForecastPlotTest, AWriteThatFailsMidwayLeavesThePreviousImage) {
  plot_forecast(path("forecast.png"), sample_forecast());
  std::ifstream before_in(path("forecast.png"), std::ios::binary);
  const std::string before((std::istreambuf_iterator<char>(before_in)), {});
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
    const rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    int code = 0;
    try {
      plot_forecast(path("forecast.png"), sample_forecast());
    } catch (const IoError&) {
      code = 3;
    } catch (...) {
      code = 4;
    }
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << "the failed write was not reported as an IoError";
  std::ifstream after_in(path("forecast.png"), std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(after_in)), {});
  EXPECT_EQ(after, before);
  EXPECT_EQ(file_count(), 1u);  // no temporary left behind
}

// `n` series named like M4's ("Y1", "Y2", ...), the model's MASE wobbling around naive's, which
// runs from `low` to `high` (log-spaced).
SeriesMasePlot sample_mase(size_t n, double low = 0.6, double high = 2.4) {
  SeriesMasePlot p;
  for (size_t i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    p.labels.push_back("Y" + std::to_string(i + 1));
    p.naive.push_back(low * std::pow(high / low, t));
    p.model.push_back(p.naive.back() * (1.0 + 0.25 * std::sin(1.7 * static_cast<double>(i))));
  }
  return p;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST_F(ForecastPlotTest, SeriesMasePlotIsAPng) {
  plot_series_mase(path("mase.png"), sample_mase(30));
  expect_png(path("mase.png"), 1200, 700);
  EXPECT_EQ(file_count(), 1u);  // no temporary left behind
  plot_series_mase(path("small.png"), sample_mase(1), {640, 400});
  expect_png(path("small.png"), 640, 400);
  // A name too long for the room under the frame is cut between code points, not inside one.
  SeriesMasePlot long_names = sample_mase(12);
  long_names.labels[0] = "Z\u00fcrich electricity load (MW), half-hourly";
  long_names.labels[1] = "\u00c4\u00d6\u00dc";
  plot_series_mase(path("long.png"), long_names);
  expect_png(path("long.png"), 1200, 700);
}

TEST_F(ForecastPlotTest, SeriesMasePlotIsDeterministic) {
  plot_series_mase(path("a.png"), sample_mase(30));
  plot_series_mase(path("b.png"), sample_mase(30));
  EXPECT_EQ(read_bytes(path("a.png")), read_bytes(path("b.png")));
}

TEST_F(ForecastPlotTest, SeriesMasePlotLeavesNaNsOut) {
  const SeriesMasePlot full = sample_mase(30);
  SeriesMasePlot gaps = full;
  gaps.model[3] = NAN;  // e.g. a series too short for the model's window
  gaps.naive[7] = NAN;
  gaps.model[12] = gaps.naive[12] = NAN;
  plot_series_mase(path("full.png"), full);
  plot_series_mase(path("gaps.png"), gaps);
  expect_png(path("gaps.png"), 1200, 700);
  EXPECT_NE(read_bytes(path("gaps.png")), read_bytes(path("full.png")));
}

TEST_F(ForecastPlotTest, SeriesMasePlotWithManySeriesAndALogScale) {
  // 120 series: only every k-th is labelled; MASE from 0.1 to 30 puts the y axis on a log scale.
  SeriesMasePlot p = sample_mase(120, 0.1, 30.0);
  p.title = "MASE by series (M4 yearly, test split)";
  p.model_label = "lstm";
  plot_series_mase(path("many.png"), p);
  expect_png(path("many.png"), 1200, 700);
  // The same spread on a linear axis is a different picture.
  SeriesMasePlot linear = p;
  linear.model[0] = 0.0;  // a perfect forecast rules the log scale out
  plot_series_mase(path("linear.png"), linear);
  expect_png(path("linear.png"), 1200, 700);
  EXPECT_NE(read_bytes(path("many.png")), read_bytes(path("linear.png")));
}

TEST_F(ForecastPlotTest, SeriesMasePlotBadInputThrows) {
  // The ValueError's message, which must contain every one of `parts`.
  auto expect_error = [&](const SeriesMasePlot& p, std::vector<std::string> parts) {
    std::string message = "no ValueError";
    try {
      plot_series_mase(path("bad.png"), p);
    } catch (const ValueError& e) {
      message = e.what();
    }
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
    }
  };
  expect_error(SeriesMasePlot{}, {"labels is empty"});
  SeriesMasePlot short_model = sample_mase(5);
  short_model.model.pop_back();
  expect_error(short_model, {"model has 4 values, expected 5"});
  SeriesMasePlot long_naive = sample_mase(5);
  long_naive.naive.push_back(1.0);
  expect_error(long_naive, {"naive has 6 values, expected 5"});
  SeriesMasePlot all_nan = sample_mase(3);
  all_nan.model.assign(3, NAN);
  all_nan.naive.assign(3, NAN);
  expect_error(all_nan, {"bad.png", "no finite MASE"});
  EXPECT_THROW(plot_series_mase(path("no/such/dir/x.png"), sample_mase(3)), IoError);
  EXPECT_EQ(file_count(), 0u);
}

}  // namespace
}  // namespace recur::forecast
