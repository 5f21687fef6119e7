// The layer-norm row kernels under every SIMD target this build compiled and this CPU supports
// (as dispatch_test.cpp does), against double-precision references, over row widths that are
// and are not multiples of every target's vector width (1 and 3: tail only; 17, 100: full
// vectors, some of the four accumulators of a sum, and a tail).
//
// Tolerances: a float sum of n terms of order 1 is within ~n * 2^-24 of the exact one, 6e-6 at
// n = 100; the moments and everything built on them are asked for 2e-5 relative to values of
// order 1 (rstd: relative). The backward is checked against central differences of the
// normalisation itself (in double), so the formula is tested as well as its arithmetic.
#include "recur/kernels/layer_norm_rows.h"

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "every_target.h"

namespace recur::kernels {
namespace {

constexpr float kEps = 1e-5f;
constexpr double kTol = 2e-5;
const int64_t kWidths[] = {1, 3, 16, 17, 64, 100};

std::vector<float> random_row(int64_t n, float centre, float spread, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(centre - spread, centre + spread);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

struct Moments {
  double mean, rstd;
};

Moments moments_ref(const std::vector<float>& x) {
  const double n = static_cast<double>(x.size());
  double sum = 0.0, squares = 0.0;
  for (float v : x) sum += v;
  const double mean = sum / n;
  for (float v : x) squares += (v - mean) * (v - mean);
  return {mean, 1.0 / std::sqrt(squares / n + kEps)};
}

std::vector<double> x_hat_ref(const std::vector<float>& x) {
  const Moments m = moments_ref(x);
  std::vector<double> h(x.size());
  for (size_t j = 0; j < x.size(); ++j) h[j] = (x[j] - m.mean) * m.rstd;
  return h;
}

class LayerNormRowsTest : public recur::testing::EveryTargetTest {};

TEST_P(LayerNormRowsTest, MomentsMatchTheBiasedVariance) {
  for (int64_t n : kWidths) {
    // Centred at 3: a variance taken as E[x^2] - mean^2 would lose digits here.
    const auto x = random_row(n, 3.0f, 1.5f, static_cast<unsigned>(n));
    const RowMoments m = row_moments(x.data(), n, kEps);
    const Moments ref = moments_ref(x);
    EXPECT_NEAR(m.mean, ref.mean, kTol) << "n = " << n;
    EXPECT_NEAR(m.rstd, ref.rstd, kTol * ref.rstd) << "n = " << n;
  }
}

TEST_P(LayerNormRowsTest, ARowOfOneIsItsOwnMean) {
  const float x = 2.5f;
  const RowMoments m = row_moments(&x, 1, kEps);
  EXPECT_EQ(m.mean, 2.5f);
  EXPECT_FLOAT_EQ(m.rstd, 1.0f / std::sqrt(kEps));
}

// y = x_hat * gain + bias, written or added, with and without x_hat kept and bias given.
TEST_P(LayerNormRowsTest, NormaliseScalesAndShifts) {
  for (int64_t n : kWidths) {
    const auto x = random_row(n, -1.0f, 2.0f, 10 + static_cast<unsigned>(n));
    const auto gain = random_row(n, 1.0f, 0.5f, 20);
    const auto bias = random_row(n, 0.0f, 1.0f, 30);
    const auto y0 = random_row(n, 0.0f, 1.0f, 40);
    const RowMoments m = row_moments(x.data(), n, kEps);
    const auto h = x_hat_ref(x);
    for (bool add : {false, true}) {
      for (bool keep : {false, true}) {
        for (bool shift : {false, true}) {
          std::vector<float> y = y0, kept(static_cast<size_t>(n), -7.0f);
          auto* f = add ? layer_norm_row_add : layer_norm_row;
          f(x.data(), m, gain.data(), shift ? bias.data() : nullptr, keep ? kept.data() : nullptr,
            y.data(), n);
          for (int64_t j = 0; j < n; ++j) {
            const double expected = (add ? y0[j] : 0.0) + h[j] * gain[j] + (shift ? bias[j] : 0.0);
            ASSERT_NEAR(y[j], expected, kTol * 4) << "n = " << n << " add " << add << " keep "
                                                  << keep << " shift " << shift << " at " << j;
            if (keep) {
              ASSERT_NEAR(kept[j], h[j], kTol * 4) << "x_hat at " << j;
            } else {
              ASSERT_EQ(kept[j], -7.0f) << "x_hat written though not asked for, at " << j;
            }
          }
        }
      }
    }
  }
}

TEST_P(LayerNormRowsTest, NormaliseInPlace) {
  const int64_t n = 17;
  auto x = random_row(n, 0.5f, 1.0f, 50);
  const auto gain = random_row(n, 1.0f, 0.5f, 51);
  const auto h = x_hat_ref(x);
  const RowMoments m = row_moments(x.data(), n, kEps);
  layer_norm_row(x.data(), m, gain.data(), nullptr, nullptr, x.data(), n);
  for (int64_t j = 0; j < n; ++j) ASSERT_NEAR(x[j], h[j] * gain[j], kTol * 4) << j;
}

// L(x) = sum_j dy_j * gain_j * x_hat_j(x) in double; its gradient by central differences.
std::vector<double> numerical_gradient(std::vector<float> xf, const std::vector<float>& dy,
                                       const std::vector<float>& gain) {
  const size_t n = xf.size();
  std::vector<double> x(xf.begin(), xf.end()), grad(n);
  auto loss = [&](const std::vector<double>& v) {
    double sum = 0.0, squares = 0.0;
    for (double e : v) sum += e;
    const double mean = sum / static_cast<double>(n);
    for (double e : v) squares += (e - mean) * (e - mean);
    const double rstd = 1.0 / std::sqrt(squares / static_cast<double>(n) + kEps);
    double l = 0.0;
    for (size_t j = 0; j < n; ++j) l += double{dy[j]} * gain[j] * (v[j] - mean) * rstd;
    return l;
  };
  const double step = 1e-5;
  for (size_t j = 0; j < n; ++j) {
    const double keep = x[j];
    x[j] = keep + step;
    const double up = loss(x);
    x[j] = keep - step;
    const double down = loss(x);
    x[j] = keep;
    grad[j] = (up - down) / (2 * step);
  }
  return grad;
}

TEST_P(LayerNormRowsTest, BackwardAddsTheGradientOfTheNormalisation) {
  for (int64_t n : kWidths) {
    const auto x = random_row(n, 1.0f, 2.0f, 60 + static_cast<unsigned>(n));
    const auto dy = random_row(n, 0.0f, 1.0f, 70);
    const auto gain = random_row(n, 1.0f, 0.5f, 80);
    const auto dx0 = random_row(n, 0.0f, 1.0f, 90);
    std::vector<float> x_hat(static_cast<size_t>(n)), dx = dx0;
    const RowMoments m = row_moments(x.data(), n, kEps);
    for (int64_t j = 0; j < n; ++j) x_hat[j] = (x[j] - m.mean) * m.rstd;
    layer_norm_row_backward_add(dy.data(), gain.data(), x_hat.data(), m.rstd, dx.data(), n);
    const auto grad = numerical_gradient(x, dy, gain);
    for (int64_t j = 0; j < n; ++j) {
      ASSERT_NEAR(dx[j], dx0[j] + grad[j], kTol * (1 + std::fabs(grad[j])))
          << "n = " << n << " at " << j;
    }
  }
}

// Sums with and without a factor, at column offsets into rows wider than the sums, and a null
// output that must be skipped; the outputs start dirty (sum_columns overwrites them).
TEST_P(LayerNormRowsTest, ColumnSumsOverRows) {
  for (int64_t n : kWidths) {
    const int64_t rows = 7, lda = 2 * n + 5, ldb = n + 3;
    const auto a = random_row(rows * lda, 0.0f, 1.0f, 100 + static_cast<unsigned>(n));
    const auto b = random_row(rows * ldb, 0.0f, 1.0f, 200 + static_cast<unsigned>(n));
    std::vector<float> plain(static_cast<size_t>(n), 9.0f), product = plain;
    const ColumnSum sums[] = {
        {n + 1, -1, n, plain.data()}, {5, 0, n, nullptr}, {3, 2, n, product.data()}};
    sum_columns(rows, a.data(), lda, b.data(), ldb, sums, 3);
    for (int64_t j = 0; j < n; ++j) {
      double expected_plain = 0.0, expected_product = 0.0;
      for (int64_t r = 0; r < rows; ++r) {
        expected_plain += a[r * lda + n + 1 + j];
        expected_product += double{a[r * lda + 3 + j]} * b[r * ldb + 2 + j];
      }
      ASSERT_NEAR(plain[j], expected_plain, 1e-5) << "n = " << n << " at " << j;
      ASSERT_NEAR(product[j], expected_product, 1e-5) << "n = " << n << " at " << j;
    }
  }
}

RECUR_INSTANTIATE_EVERY_TARGET(LayerNormRowsTest);

}  // namespace
}  // namespace recur::kernels
