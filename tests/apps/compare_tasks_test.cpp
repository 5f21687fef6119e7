// The synthetic tasks of `recur compare`: each generator's exact properties (marker counts and
// halves, target sums, one-hot layout, parity labels), their baselines, names and seeding, and
// how a model's answers are scored.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <optional>
#include <set>

#include "recur/apps/compare/adding_task.h"
#include "recur/apps/compare/copy_task.h"
#include "recur/apps/compare/date_task.h"
#include "recur/apps/compare/parity_task.h"
#include "recur/apps/compare/scoring.h"
#include "recur/data/date.h"
#include "recur/tensor/error.h"

namespace recur::compare {
namespace {

TEST(CompareAddingTask, TwoMarkersOneInEachHalfAndTheTargetIsTheirSum) {
  for (int64_t T : {2, 5, 50}) {
    AddingTask task(T);
    Generator gen(3);
    const TaskBatch b = task.batch(200, gen);
    ASSERT_EQ(b.inputs.shape(), (Shape{200, T, 2}));
    ASSERT_EQ(b.targets.shape(), (Shape{200, 1, 1}));
    for (int64_t i = 0; i < 200; ++i) {
      std::vector<int64_t> marked;
      for (int64_t t = 0; t < T; ++t) {
        const float value = b.inputs.at({i, t, 0}), marker = b.inputs.at({i, t, 1});
        ASSERT_GE(value, 0.0f);
        ASSERT_LT(value, 1.0f);
        ASSERT_TRUE(marker == 0.0f || marker == 1.0f);
        if (marker == 1.0f) marked.push_back(t);
      }
      ASSERT_EQ(marked.size(), 2u) << "sequence " << i << " of T = " << T;
      EXPECT_LT(marked[0], T / 2);
      EXPECT_GE(marked[1], T / 2);
      EXPECT_FLOAT_EQ(b.targets.at({i, 0, 0}),
                      b.inputs.at({i, marked[0], 0}) + b.inputs.at({i, marked[1], 0}));
    }
  }
}

TEST(CompareAddingTask, BaselineIsTheMseOfPredictingOneAboutTwoTwelfths) {
  AddingTask task(20);
  EXPECT_DOUBLE_EQ(task.spec().baseline_metric, 2.0 / 12.0);
  EXPECT_EQ(task.spec().metric, "MSE");
  EXPECT_DOUBLE_EQ(task.spec().threshold, 0.01);
  Generator gen(1);
  const TaskBatch b = task.batch(20000, gen);
  double by_hand = 0.0;
  for (float y : b.targets.span()) by_hand += (y - 1.0) * (y - 1.0);
  by_hand /= 20000.0;
  EXPECT_NEAR(task.baseline_metric(b), by_hand, 1e-9);
  // Var(U1 + U2) = 1/6; the standard error over 20000 sums is about 0.0014.
  EXPECT_NEAR(task.baseline_metric(b), 1.0 / 6.0, 0.006);
  EXPECT_THROW(AddingTask(1), ValueError);
}

TEST(CompareCopyTask, TenSymbolsBlanksDelimiterAndTheLabelsAreTheSymbols) {
  const int64_t T = 7;
  CopyTask task(T);
  EXPECT_EQ(task.spec().steps, T + 20);
  EXPECT_EQ(task.spec().output_steps, 10);
  Generator gen(5);
  const TaskBatch b = task.batch(50, gen);
  ASSERT_EQ(b.inputs.shape(), (Shape{50, T + 20, 10}));
  ASSERT_EQ(b.labels.size(), 500u);
  for (int64_t i = 0; i < 50; ++i) {
    for (int64_t t = 0; t < T + 20; ++t) {
      int64_t ones = 0, symbol = -1;
      for (int64_t c = 0; c < 10; ++c) {
        const float v = b.inputs.at({i, t, c});
        ASSERT_TRUE(v == 0.0f || v == 1.0f);
        if (v == 1.0f) {
          ++ones;
          symbol = c;
        }
      }
      ASSERT_EQ(ones, 1) << "step " << t << " is not one-hot";
      if (t < 10) {
        EXPECT_LT(symbol, CopyTask::kCategories);
        EXPECT_EQ(symbol, b.labels[static_cast<size_t>(i * 10 + t)]);
      } else if (t == T + 9) {
        EXPECT_EQ(symbol, CopyTask::kDelimiter);
      } else {
        EXPECT_EQ(symbol, CopyTask::kBlank) << "step " << t;
      }
    }
  }
}

TEST(CompareCopyTask, BaselineIsGuessingOneOfEight) {
  CopyTask task(3);
  EXPECT_NEAR(task.spec().baseline_loss, 2.0794415, 1e-6);  // ln 8
  EXPECT_DOUBLE_EQ(task.spec().baseline_metric, 0.125);
  Generator gen(2);
  const TaskBatch b = task.batch(4000, gen);  // 40000 symbols
  EXPECT_NEAR(task.baseline_metric(b), 0.125, 0.01);
  EXPECT_EQ(task.baseline_metric(b), majority_share(b.labels));
}

TEST(CompareParityTask, LabelIsTheParityOfTheMinusOnes) {
  ParityTask task(9);
  Generator gen(8);
  const TaskBatch b = task.batch(400, gen);
  ASSERT_EQ(b.inputs.shape(), (Shape{400, 9, 1}));
  ASSERT_EQ(b.labels.size(), 400u);
  int64_t ones = 0;
  for (int64_t i = 0; i < 400; ++i) {
    float product = 1.0f;
    for (int64_t t = 0; t < 9; ++t) {
      const float v = b.inputs.at({i, t, 0});
      ASSERT_TRUE(v == 1.0f || v == -1.0f);
      product *= v;
    }
    EXPECT_EQ(b.labels[static_cast<size_t>(i)], product < 0.0f ? 1 : 0);
    ones += b.labels[static_cast<size_t>(i)];
  }
  EXPECT_NEAR(static_cast<double>(ones) / 400.0, 0.5, 0.08);  // balanced classes
  EXPECT_DOUBLE_EQ(task.spec().baseline_metric, 0.5);
  EXPECT_NEAR(task.spec().baseline_loss, std::log(2.0), 1e-12);
}

TEST(CompareDateTask, SixHumanFormats) {
  const int32_t d = data::Date::from_ymd(2021, 2, 3).days_since_1970();
  const std::vector<std::string> expected = {"3 February 2021", "February 3, 2021", "Feb 3 2021",
                                             "3 Feb 2021",      "03.02.2021",       "02/03/2021"};
  for (int64_t f = 0; f < DateTask::kFormats; ++f) {
    EXPECT_EQ(DateTask::written_date(d, f), expected[static_cast<size_t>(f)]);
  }
  EXPECT_EQ(DateTask::written_date(data::Date::from_ymd(1999, 9, 30).days_since_1970(), 1),
            "September 30, 1999");  // the longest: 18 characters
  EXPECT_THROW(DateTask::written_date(d, 6), ValueError);
  EXPECT_THROW(DateTask(17), ValueError);
}

TEST(CompareDateTask, TheSourceIsAWrittenFormOfTheIsoLabels) {
  DateTask task(20);
  const std::string& alphabet = DateTask::source_alphabet();
  const auto width = static_cast<int64_t>(alphabet.size()) + 2;
  ASSERT_EQ(task.spec().input_size, width);
  ASSERT_EQ(task.spec().steps, 31);
  Generator gen(6);
  const TaskBatch b = task.batch(300, gen);
  ASSERT_EQ(b.inputs.shape(), (Shape{300, 31, width}));
  ASSERT_EQ(b.labels.size(), 3000u);
  std::set<int64_t> formats_seen;
  for (int64_t i = 0; i < 300; ++i) {
    std::string source, iso;
    for (int64_t t = 0; t < 31; ++t) {
      int64_t symbol = -1;
      for (int64_t c = 0; c < width; ++c) {
        if (b.inputs.at({i, t, c}) == 1.0f) symbol = c;
      }
      ASSERT_GE(symbol, 0) << "step " << t << " has no symbol";
      if (t < 20 && symbol < width - 2) source += alphabet[static_cast<size_t>(symbol)];
      if (t == 20) {
        EXPECT_EQ(symbol, width - 1) << "the delimiter";
      } else if (t > 20) {
        EXPECT_EQ(symbol, width - 2) << "blank";
      }
    }
    for (int64_t k = 0; k < 10; ++k) {
      const int64_t c = b.labels[static_cast<size_t>(i * 10 + k)];
      iso += c == 10 ? '-' : static_cast<char>('0' + c);
    }
    const std::optional<data::Date> date = data::parse_date(iso);
    ASSERT_TRUE(date.has_value()) << iso;
    EXPECT_GE(iso, "1950-01-01");
    EXPECT_LE(iso, "2049-12-31");
    bool written = false;
    for (int64_t f = 0; f < DateTask::kFormats; ++f) {
      if (DateTask::written_date(date->days_since_1970(), f) == source) {
        written = true;
        formats_seen.insert(f);
      }
    }
    EXPECT_TRUE(written) << "\"" << source << "\" is not a form of " << iso;
  }
  EXPECT_EQ(formats_seen.size(), 6u);
  // The dashes always, a '0' for most months: far above chance, far below solved.
  EXPECT_GT(task.spec().baseline_metric, 0.40);
  EXPECT_LT(task.spec().baseline_metric, 0.50);
  EXPECT_NEAR(task.baseline_metric(b), task.spec().baseline_metric, 0.03);
}

TEST(CompareTasks, MajorityShareIsTheMostFrequentClassShare) {
  EXPECT_DOUBLE_EQ(majority_share({0, 0, 1}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(majority_share({3, 1, 2, 3}), 0.5);
  EXPECT_DOUBLE_EQ(majority_share({}), 0.0);
}

TEST(CompareTasks, MadeByNameAndBadNamesAreRefused) {
  EXPECT_EQ(make_task("adding-200")->spec().length, 200);
  EXPECT_EQ(make_task("copy-20")->spec().steps, 40);
  EXPECT_EQ(make_task("parity-16")->spec().name, "parity-16");
  EXPECT_EQ(make_task("dates-18")->spec().output_steps, 10);
  for (const char* bad : {"adding", "adding-", "adding-0", "adding-x", "adding-5x", "sorting-5",
                          "adding-1", "copy--3", "parity-1000000", "dates-5"}) {
    try {
      make_task(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(CompareTasks, TheSameSeedGivesTheSameBatch) {
  const auto task = make_task("copy-4");
  Generator a(11), b(11), c(12);
  const TaskBatch x = task->batch(8, a), y = task->batch(8, b), z = task->batch(8, c);
  EXPECT_EQ(x.labels, y.labels);
  EXPECT_EQ(x.inputs.to_vector(), y.inputs.to_vector());
  EXPECT_NE(x.labels, z.labels);
}

TEST(CompareScoring, MseForRegressionAccuracyOverEveryScoredStep) {
  AddingTask adding(4);
  TaskBatch b{.inputs = Tensor::zeros({2, 4, 2}),
              .targets = Tensor::from_vector({2, 1, 1}, {1.0f, 0.5f}),
              .labels = {}};
  const Score s = score(adding.spec(), Tensor::from_vector({2, 1, 1}, {0.0f, 0.5f}), b);
  EXPECT_NEAR(s.loss, 0.5, 1e-7);  // (1 + 0) / 2
  EXPECT_EQ(s.metric, s.loss);

  CopyTask copy(1);
  TaskBatch c{.inputs = Tensor::zeros({1, 21, 10}), .targets = {}, .labels = {}};
  std::vector<float> logits(10 * 8, 0.0f);
  for (int64_t k = 0; k < 10; ++k) {
    c.labels.push_back(k % 8);
    logits[static_cast<size_t>(k * 8 + (k < 7 ? k % 8 : (k + 1) % 8))] = 5.0f;  // 7 of 10 right
  }
  const Score cs = score(copy.spec(), Tensor::from_vector({1, 10, 8}, logits), c);
  EXPECT_NEAR(cs.metric, 0.7, 1e-12);
  EXPECT_GT(cs.loss, 0.0);
  // Rows of a set keep their labels.
  const TaskBatch part = batch_rows(copy.spec(), c, 0, 1);
  EXPECT_EQ(part.labels, c.labels);
}

}  // namespace
}  // namespace recur::compare
