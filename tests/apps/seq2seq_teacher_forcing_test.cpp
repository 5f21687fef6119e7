// seq2seq::TeacherForcingSchedule against the formulas of Bengio et al. 2015 (sec. 2.4) written
// out here: linear max(floor, start - slope i), exponential start rate^i, inverse sigmoid
// k / (k + exp(i / k)); clamping to [floor, 1]; names; bad parameters.
#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.h"
#include "recur/apps/seq2seq/teacher_forcing.h"
#include "recur/tensor/error.h"

namespace recur::seq2seq {
namespace {

using testing::Contains;
using testing::error_message;

TEST(TeacherForcingSchedule, FollowsTheFormulas) {
  const auto constant = TeacherForcingSchedule::constant(0.75f);
  const auto linear = TeacherForcingSchedule::linear(1.0f, 0.125f, 0.25f);
  const auto exponential = TeacherForcingSchedule::exponential(0.9f, 0.5f);
  const auto sigmoid = TeacherForcingSchedule::inverse_sigmoid(10.0f);
  for (int64_t i : {0, 1, 2, 5, 6, 7, 20, 100}) {
    const double x = static_cast<double>(i);
    EXPECT_FLOAT_EQ(constant.ratio(i), 0.75f);
    EXPECT_FLOAT_EQ(linear.ratio(i), static_cast<float>(std::max(0.25, 1.0 - 0.125 * x)));
    EXPECT_FLOAT_EQ(exponential.ratio(i), static_cast<float>(0.9 * std::pow(0.5, x)));
    EXPECT_FLOAT_EQ(sigmoid.ratio(i), static_cast<float>(10.0 / (10.0 + std::exp(x / 10.0))));
  }
  // By hand: linear reaches its floor after 6 epochs; k = 10 gives 10/11 at 0 and 1/2 at
  // i = k ln k = 23.03.
  EXPECT_FLOAT_EQ(linear.ratio(4), 0.5f);
  EXPECT_FLOAT_EQ(linear.ratio(6), 0.25f);
  EXPECT_FLOAT_EQ(sigmoid.ratio(0), 10.0f / 11.0f);
  EXPECT_NEAR(sigmoid.ratio(23), 0.5f, 0.005f);
  EXPECT_FLOAT_EQ(exponential.ratio(3), 0.9f / 8.0f);
  // The floor holds for the exponential and sigmoid decays too.
  EXPECT_FLOAT_EQ(TeacherForcingSchedule::exponential(1.0f, 0.5f, 0.2f).ratio(10), 0.2f);
  EXPECT_FLOAT_EQ(TeacherForcingSchedule::inverse_sigmoid(2.0f, 0.1f).ratio(50), 0.1f);
}

TEST(TeacherForcingSchedule, NamesAndDescriptions) {
  for (DecayKind kind : {DecayKind::Constant, DecayKind::Linear, DecayKind::Exponential,
                         DecayKind::InverseSigmoid}) {
    EXPECT_EQ(decay_kind_from_name(decay_kind_name(kind)), kind);
  }
  EXPECT_EQ(TeacherForcingSchedule::inverse_sigmoid(5.0f).describe(),
            "inverse-sigmoid(k=5, floor=0)");
  EXPECT_EQ(TeacherForcingSchedule::linear(1.0f, 0.1f, 0.2f).describe(),
            "linear(start=1, slope=0.1, floor=0.2)");
  EXPECT_TRUE(Contains(error_message<ValueError>([] { decay_kind_from_name("cosine"); }),
                       "constant, linear, exponential or inverse-sigmoid, got 'cosine'"));
}

TEST(TeacherForcingSchedule, BadParametersAreValueErrors) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] { TeacherForcingSchedule::constant(1.5f); }),
                       "start must be in [0, 1]"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { TeacherForcingSchedule::linear(1.0f, -0.1f); }),
               "slope must be >= 0"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { TeacherForcingSchedule::exponential(1.0f, 0.0f); }),
               "rate must be in (0, 1]"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { TeacherForcingSchedule::inverse_sigmoid(0.5f); }),
               "k must be >= 1"));
  EXPECT_TRUE(
      Contains(error_message<ValueError>([] { TeacherForcingSchedule::constant(1.0f).ratio(-1); }),
               "the epoch or step must be >= 0, got -1"));
}

}  // namespace
}  // namespace recur::seq2seq
