// The Markdown report: table rows, the verdict sentence in every case, links and configuration.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "recur/apps/forecast/report.h"

namespace recur::forecast {
namespace {

Metrics make_metrics(double mae, double rmse, double mase) {
  Metrics m;
  m.count = 50;
  m.mae = mae;
  m.rmse = rmse;
  m.mape = 3.125;
  m.smape = 3.0;
  m.mase = mase;
  m.directional_accuracy = 0.55;
  return m;
}

ReportInput sample() {
  ReportInput in;
  in.title = "ACME forecast";
  in.model = "lstm";
  in.rows = {{"validation", "naive", make_metrics(2, 3, 1.1)},
             {"validation", "lstm", make_metrics(1.75, 2.5, 0.95)},
             {"test", "naive", make_metrics(2, 3, 1.0)},
             {"test", "drift", make_metrics(2.5, 3.5, 1.25)},
             {"test", "lstm", make_metrics(1.5, 2.25, 0.9)}};
  in.plots = {{"Forecast vs actual", "forecast.png"}, {"Loss", "loss.png"}};
  in.config = {{"model", "lstm"}, {"window", "30"}, {"features", "close|volume"}};
  return in;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ForecastReport, TablesHoldEveryRowModelFirst) {
  std::string md = render_report(sample());
  EXPECT_TRUE(contains(md, "# ACME forecast\n"));
  EXPECT_TRUE(contains(md, "### validation split"));
  EXPECT_TRUE(contains(md, "### test split"));
  // The model's row, bold, then the baselines; MASE 0.9 vs the naive's 1.
  const std::string lstm = "| **lstm** | 50 | 1.5 | 2.25 | 3.125 | 3 | 0.9 | 55 |\n";
  const std::string naive = "| naive | 50 | 2 | 3 | 3.125 | 3 | 1 | 55 |\n";
  const std::string drift = "| drift | 50 | 2.5 | 3.5 | 3.125 | 3 | 1.25 | 55 |\n";
  size_t test = md.find("### test split");
  ASSERT_NE(test, std::string::npos);
  EXPECT_TRUE(contains(md.substr(test), lstm + naive + drift)) << md;
  // Validation comes first, as first seen.
  EXPECT_LT(md.find("### validation split"), test);
  EXPECT_TRUE(contains(md, "![Forecast vs actual](forecast.png)"));
  EXPECT_TRUE(contains(md, "| window | 30 |"));
  EXPECT_TRUE(contains(md, "| features | close\\|volume |"));  // '|' escaped in a cell
}

TEST(ForecastReport, VerdictSentenceInEveryCase) {
  ReportInput in = sample();
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm beats the naive forecast by MASE (0.9 vs 1) and by RMSE "
            "(2.25 vs 3).");
  in.rows[4].metrics.rmse = 3.5;
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm beats the naive forecast by MASE (0.9 vs 1) but not by RMSE "
            "(3.5 vs 3).");
  in.rows[4].metrics.mase = 1.0;  // a tie is not a win
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm does not beat the naive forecast, neither by MASE (1 vs 1) "
            "nor by RMSE (3.5 vs 3) (lower is better).");
  in.rows[4].metrics.rmse = 2.0;
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm beats the naive forecast by RMSE (2 vs 3) but not by MASE "
            "(1 vs 1).");
  std::optional<Verdict> v = compare_to_baseline(in);
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->by_mase);
  EXPECT_TRUE(v->by_rmse);
  // Better on both, by less than 1%: the sentence says the margin is negligible.
  in.rows[4].metrics.mase = 0.995;
  in.rows[4].metrics.rmse = 2.99;
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm beats the naive forecast by MASE (0.995 vs 1) and by RMSE "
            "(2.99 vs 3). The margin is under 1%, too small to tell apart from chance on one test "
            "period.");
  in.verdict_split = "holdout";
  EXPECT_FALSE(compare_to_baseline(in).has_value());
  EXPECT_TRUE(contains(verdict_sentence(in), "cannot be compared"));
}

// A baseline row's Diebold-Mariano test, as the pipeline attaches it.
Significance tested(double p_squared, double differential, double p_absolute = 0.38) {
  stats::DieboldMarianoResult sq;
  sq.p_value = p_squared;
  sq.mean_differential = differential;
  stats::DieboldMarianoResult abs = sq;
  abs.p_value = p_absolute;
  return {"lstm", sq, abs, ""};
}

TEST(ForecastReport, TheDieboldMarianoTestLeadsTheVerdict) {
  ReportInput in = sample();
  in.rows[2].significance = tested(0.4123, -0.5);  // test/naive
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm is not distinguishable from the naive forecast "
            "(Diebold-Mariano test, squared errors: p = 0.41; absolute errors: p = 0.38). Its "
            "MASE is 0.9 vs 1 and its RMSE 2.25 vs 3 (lower is better).");
  in.rows[2].significance = tested(0.003, -0.5, 0.002);
  EXPECT_TRUE(contains(verdict_sentence(in),
                       "lstm is better than the naive forecast (Diebold-Mariano test, squared "
                       "errors: p = 0.003;"))
      << verdict_sentence(in);
  in.rows[2].significance = tested(0.003, 0.5, 0.002);
  EXPECT_TRUE(contains(verdict_sentence(in), "lstm is worse than the naive forecast"));
  // The two losses disagree: both answers.
  in.rows[2].significance = tested(0.87, -0.5);
  in.rows[2].significance->absolute->p_value = 0.005;
  EXPECT_TRUE(contains(verdict_sentence(in),
                       "On the test split, lstm is not distinguishable from the naive forecast "
                       "by squared error (Diebold-Mariano test, p = 0.87) but better than it by "
                       "absolute error (p = 0.005). Its MASE is 0.9 vs 1"))
      << verdict_sentence(in);
  in.rows[2].significance->squared->p_value = 0.01;
  in.rows[2].significance->absolute->p_value = 0.5;
  EXPECT_TRUE(contains(verdict_sentence(in),
                       "lstm is better than the naive forecast by squared error "
                       "(Diebold-Mariano test, p = 0.010) but not distinguishable from it by "
                       "absolute error (p = 0.50)."))
      << verdict_sentence(in);
  // No test possible: the metric comparison, then why.
  in.rows[2].significance =
      Significance{"lstm", std::nullopt, std::nullopt,
                   "diebold_mariano: the two forecasts have identical squared losses"};
  EXPECT_EQ(verdict_sentence(in),
            "On the test split, lstm beats the naive forecast by MASE (0.9 vs 1) and by RMSE "
            "(2.25 vs 3). The Diebold-Mariano test cannot be computed: the two forecasts have "
            "identical squared losses.");
  const std::string md = render_report(in);
  EXPECT_TRUE(contains(md, "No Diebold-Mariano test for naive: the two forecasts")) << md;
}

TEST(ForecastReport, TheTableShowsEachBaselinesPValues) {
  ReportInput in = sample();
  in.rows[2].significance = tested(0.4123, -0.5);
  in.rows[3].significance = tested(2e-7, -3.0);
  const std::string md = render_report(in);
  EXPECT_TRUE(contains(md, "| DM p vs lstm (squared / absolute) |")) << md;
  EXPECT_TRUE(contains(md, "| **lstm** | 50 | 1.5 | 2.25 | 3.125 | 3 | 0.9 | 55 | — |")) << md;
  EXPECT_TRUE(contains(md, "| naive | 50 | 2 | 3 | 3.125 | 3 | 1 | 55 | 0.41 / 0.38 |")) << md;
  EXPECT_TRUE(contains(md, "| drift | 50 | 2.5 | 3.5 | 3.125 | 3 | 1.25 | 55 | < 0.0001 / 0.38 |"));
  EXPECT_TRUE(contains(md, "DM p is the two-sided p-value of the Diebold-Mariano test"));
  // The validation split carries no test here: no column there.
  const std::string validation = md.substr(0, md.find("### test split"));
  EXPECT_FALSE(contains(validation, "| DM p")) << validation;
}

TEST(ForecastReport, IntervalColumnsNanAndZeroActuals) {
  ReportInput in = sample();
  in.rows[4].metrics.interval = IntervalScore{0.95, 0.9, 4.5};
  in.rows[2].metrics.directional_accuracy = NAN;
  in.rows[2].metrics.mape_skipped = 2;
  std::string md = render_report(in);
  EXPECT_TRUE(contains(md, "coverage % (nominal) | mean width |"));
  EXPECT_TRUE(contains(md, "| **lstm** | 50 | 1.5 | 2.25 | 3.125 | 3 | 0.9 | 55 | 90 (95) | 4.5 |"))
      << md;
  // A NaN direction is a forecast that never moves: a dash, not "n/a".
  EXPECT_TRUE(contains(md, "| naive | 50 | 2 | 3 | 3.125 | 3 | 1 | — | — | — |")) << md;
  EXPECT_TRUE(contains(md, "MAPE leaves out the 2 forecast values whose actual value is 0"));
}

TEST(ForecastReport, WriteReportWritesTheFile) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("recur_report_" + std::to_string(getpid()) + ".md"))
                         .string();
  write_report(path, sample());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), render_report(sample()));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace recur::forecast
