#include "recur/stats/diebold_mariano.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <vector>

#include "expect_error.h"
#include "recur/stats/student_t.h"
#include "recur/tensor/error.h"
#include "test_support.h"

namespace recur::stats {
namespace {

using recur::testing::Contains;
using recur::testing::error_message;

// tools/fixtures/make_diebold_mariano_fixtures.py: numpy + mpmath, an independent formulation.
const nlohmann::json& fixture() {
  static const nlohmann::json j = nlohmann::json::parse(
      testing::file_bytes(testing::fixture_path("stats/diebold_mariano.json")));
  return j;
}

void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_LE(std::fabs(actual - expected), tolerance * std::fabs(expected))
      << what << ": " << actual << " vs " << expected;
}

// --- Student's t and the incomplete beta ---------------------------------------------------------

TEST(IncompleteBeta, ClosedForms) {
  // I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b.
  for (double x : {0.0, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0}) {
    EXPECT_NEAR(regularized_incomplete_beta(1.0, 1.0, x), x, 1e-15);
    EXPECT_NEAR(regularized_incomplete_beta(3.5, 1.0, x), std::pow(x, 3.5), 1e-14);
    EXPECT_NEAR(regularized_incomplete_beta(1.0, 4.0, x), 1.0 - std::pow(1.0 - x, 4.0), 1e-14);
  }
}

TEST(IncompleteBeta, MatchesMpmath) {
  for (const auto& v : fixture()["incomplete_beta"]) {
    expect_relative(regularized_incomplete_beta(v["a"], v["b"], v["x"]), v["value"], 1e-12,
                    v.dump());
  }
}

TEST(IncompleteBeta, RejectsBadArguments) {
  EXPECT_TRUE(Contains(error_message<ValueError>([] { regularized_incomplete_beta(0, 1, 0.5); }),
                       "a and b must be positive"));
  EXPECT_TRUE(Contains(error_message<ValueError>([] { regularized_incomplete_beta(1, 1, 1.5); }),
                       "x must be in [0, 1], got 1.5"));
}

TEST(StudentT, ClosedForms) {
  // One degree of freedom is the Cauchy distribution, two have an algebraic CDF.
  for (double t : {-30.0, -2.0, -0.5, 0.0, 0.25, 1.0, 7.0}) {
    EXPECT_NEAR(student_t_cdf(t, 1.0), 0.5 + std::atan(t) / std::numbers::pi, 1e-14) << t;
    EXPECT_NEAR(student_t_cdf(t, 2.0), 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)), 1e-14) << t;
  }
  EXPECT_EQ(student_t_cdf(std::numeric_limits<double>::infinity(), 5.0), 1.0);
  EXPECT_EQ(student_t_cdf(-std::numeric_limits<double>::infinity(), 5.0), 0.0);
}

TEST(StudentT, PublishedCriticalValues) {
  // Two-sided 5% and 1% critical values from any t table (e.g. NIST/SEMATECH e-Handbook of
  // Statistical Methods, section 1.3.6.7.2), to the digits tables print.
  EXPECT_NEAR(student_t_two_sided_p(2.228, 10.0), 0.05, 5e-5);
  EXPECT_NEAR(student_t_two_sided_p(3.169, 10.0), 0.01, 5e-5);
  EXPECT_NEAR(student_t_two_sided_p(2.045, 29.0), 0.05, 5e-5);
  EXPECT_NEAR(student_t_two_sided_p(1.984, 100.0), 0.05, 5e-5);
}

TEST(StudentT, MatchesMpmath) {
  // Relative accuracy holds in the far tail too (p down to 1e-20 here).
  for (const auto& v : fixture()["student_t"]) {
    expect_relative(student_t_two_sided_p(v["t"], v["dof"]), v["two_sided_p"], 1e-11, v.dump());
  }
}

// --- Diebold-Mariano
// ------------------------------------------------------------------------------

TEST(DieboldMariano, MatchesIndependentImplementation) {
  const auto& cases = fixture()["diebold_mariano"];
  ASSERT_EQ(cases.size(), 9u);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    const auto e1 = c["e1"].get<std::vector<double>>();
    const auto e2 = c["e2"].get<std::vector<double>>();
    const Loss loss = c["loss"] == "squared" ? Loss::squared : Loss::absolute;
    const DieboldMarianoResult r =
        diebold_mariano(e1, e2, c["horizon"].get<int>() + (c["horizon_fallback"] ? 1 : 0), loss);
    expect_relative(r.statistic, c["statistic"], 1e-9, name + " statistic");
    expect_relative(r.hln_statistic, c["hln_statistic"], 1e-9, name + " hln");
    expect_relative(r.p_value, c["p_value"], 1e-9, name + " p");
    expect_relative(r.mean_differential, c["mean_differential"], 1e-9, name + " mean d");
    expect_relative(r.long_run_variance, c["long_run_variance"], 1e-9, name + " variance");
    EXPECT_EQ(r.n, e1.size()) << name;
    EXPECT_EQ(r.horizon, c["horizon"].get<int>()) << name;
    EXPECT_EQ(r.horizon_fallback, c["horizon_fallback"].get<bool>()) << name;
    EXPECT_EQ(r.loss, loss) << name;
  }
}

TEST(DieboldMariano, SwappingTheForecastsFlipsTheSign) {
  const std::vector<double> a{0.5, -1.0, 2.0, 0.1, -0.3, 1.2};
  const std::vector<double> b{0.4, -1.5, 1.0, 0.3, -0.9, 0.2};
  const auto ab = diebold_mariano(a, b, 2, Loss::absolute);
  const auto ba = diebold_mariano(b, a, 2, Loss::absolute);
  EXPECT_DOUBLE_EQ(ab.statistic, -ba.statistic);
  EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
  EXPECT_GT(ab.mean_differential, 0.0);  // b's absolute errors are smaller on average
}

TEST(DieboldMariano, HandComputedSmallCase) {
  // d = e1^2 - e2^2 = {1, 3, -1, 5}: mean 2, gamma_0 = (1 + 1 + 9 + 9) / 4 = 5, DM = 2 / sqrt(5/4),
  // HLN factor sqrt((4 + 1 - 2) / 4), t with 3 degrees of freedom.
  const std::vector<double> e1{1.0, 2.0, 0.0, 3.0};
  const std::vector<double> e2{0.0, 1.0, 1.0, 2.0};
  const auto r = diebold_mariano(e1, e2, 1, Loss::squared);
  EXPECT_DOUBLE_EQ(r.mean_differential, 2.0);
  EXPECT_DOUBLE_EQ(r.long_run_variance, 5.0);
  EXPECT_DOUBLE_EQ(r.statistic, 2.0 / std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(r.hln_statistic, r.statistic * std::sqrt(0.75));
  EXPECT_NEAR(r.p_value, student_t_two_sided_p(r.hln_statistic, 3.0), 1e-15);
  EXPECT_EQ(loss_name(r.loss), "squared");
}

TEST(DieboldMariano, RejectsBadInput) {
  const std::vector<double> four{1.0, 2.0, 3.0, 4.0};
  const std::vector<double> other{1.5, 2.0, 2.0, 4.5};
  const std::vector<double> three{1.0, 2.0, 3.0};
  const auto message = [](auto&& f) { return error_message<ValueError>(f); };
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, three, 1, Loss::squared); }),
                       "errors1 has 4, errors2 has 3"));
  EXPECT_TRUE(Contains(
      message([&] {
        diebold_mariano(std::vector<double>{1, 2}, std::vector<double>{2, 1}, 1, Loss::squared);
      }),
      "at least 3 error pairs, got 2"));
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, other, 0, Loss::squared); }),
                       "horizon must be >= 1, got 0"));
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, other, 4, Loss::squared); }),
                       "horizon 4 is too long for 4 error pairs"));
  std::vector<double> with_nan = other;
  with_nan[2] = std::nan("");
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, with_nan, 1, Loss::absolute); }),
                       "errors2[2] is nan"));
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, four, 1, Loss::absolute); }),
                       "identical forecasts"));
  // Same absolute errors with opposite signs: the losses are identical too.
  const std::vector<double> negated{-1.0, -2.0, -3.0, -4.0};
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, negated, 1, Loss::squared); }),
                       "identical forecasts"));
  const std::vector<double> shifted{0.0, 1.0, 2.0, 3.0};
  EXPECT_TRUE(Contains(message([&] { diebold_mariano(four, shifted, 1, Loss::absolute); }),
                       "the same (1.000000) at every point"));
}

}  // namespace
}  // namespace recur::stats
