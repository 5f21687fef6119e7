// Sampling (ops/sampling.h). The distribution tests are Pearson chi-square goodness-of-fit tests:
// 20000 seeded draws over a 6-token distribution, counts compared with expected probabilities
// worked out here by hand from the definitions (not by the code under test). The statistic
// sum (O - E)^2 / E over the k tokens the filters keep has k - 1 degrees of freedom, and must
// stay below the 0.999 quantile of chi-square (df 1: 10.828, 2: 13.816, 3: 16.266, 5: 20.515;
// computed as the root of the regularised gamma function P(df/2, x/2) = 0.999). A token the filters
// drop must never be drawn. The draws are seeded, so each test is deterministic. Checked by
// mutating keep_top_p while developing: keeping one token too many draws that token (1689 times
// in the p = 0.8 case) and puts the statistic over the kept ones near 145; keeping one too few
// leaves a kept token undrawn, a statistic in the thousands (5001 in the top_k + top_p case).
#include "recur/ops/sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "expect_error.h"
#include "recur/ops/indexing.h"

namespace recur {
namespace {

using testing::Contains;
using testing::error_message;

constexpr int64_t kDraws = 20000;
const std::vector<double> kProbs = {0.35, 0.25, 0.15, 0.12, 0.08, 0.05};
// The 0.999 quantile of chi-square by degrees of freedom.
double chi2_999(int64_t df) {
  switch (df) {
    case 1:
      return 10.828;
    case 2:
      return 13.816;
    case 3:
      return 16.266;
    case 4:
      return 18.467;
    case 5:
      return 20.515;
    default:
      ADD_FAILURE() << "no quantile for df " << df;
      return 0;
  }
}

// log(p) + 3: logits whose softmax is kProbs (the shift checks that only differences matter).
Tensor logits_of(const std::vector<double>& p) {
  Tensor t = Tensor::empty({static_cast<int64_t>(p.size())});
  for (size_t i = 0; i < p.size(); ++i) t.data()[i] = static_cast<float>(std::log(p[i]) + 3.0);
  return t;
}

// `rows` copies of a row, as a [rows, V] batch.
Tensor repeat_rows(const Tensor& row, int64_t rows) {
  Tensor t = Tensor::empty({rows, row.numel()});
  for (int64_t r = 0; r < rows; ++r)
    std::copy(row.data(), row.data() + row.numel(), t.data() + r * row.numel());
  return t;
}

// Keeps the given tokens of p, renormalised; 0 for the others.
std::vector<double> restricted(std::vector<double> p, const std::vector<int64_t>& kept) {
  std::vector<double> out(p.size(), 0.0);
  double total = 0.0;
  for (int64_t k : kept) total += p[static_cast<size_t>(k)];
  for (int64_t k : kept) out[static_cast<size_t>(k)] = p[static_cast<size_t>(k)] / total;
  return out;
}

// Pearson's goodness-of-fit test of the ids against `expected` (probabilities summing to 1):
// fails if a token of probability 0 was drawn or if the statistic reaches the 0.999 quantile.
::testing::AssertionResult fits(const IndexTensor& ids, const std::vector<double>& expected) {
  std::vector<int64_t> counts(expected.size(), 0);
  for (int64_t id : ids.span()) ++counts.at(static_cast<size_t>(id));
  double stat = 0.0;
  int64_t kept = 0;
  std::string table;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i] * static_cast<double>(ids.numel());
    table += " " + std::to_string(counts[i]) + "/" + std::to_string(e);
    if (expected[i] == 0.0) {
      if (counts[i] > 0)
        return ::testing::AssertionFailure() << "dropped token " << i << " drawn:" << table;
      continue;
    }
    ++kept;
    stat += (static_cast<double>(counts[i]) - e) * (static_cast<double>(counts[i]) - e) / e;
  }
  const double bound = chi2_999(kept - 1);
  if (stat < bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "chi-square " << stat << " >= " << bound << " (df "
                                       << kept - 1 << "); observed/expected:" << table;
}

IndexTensor draw(const SamplingOptions& o, uint64_t seed) {
  Generator gen(seed);
  return sample(repeat_rows(logits_of(kProbs), kDraws), o, gen);
}

TEST(Sampling, PlainSamplingFollowsTheSoftmax) { EXPECT_TRUE(fits(draw({}, 1), kProbs)); }

TEST(Sampling, TemperatureDividesTheLogits) {
  // T = 2: p^(1/2) renormalised.
  std::vector<double> sqrt_p;
  for (double p : kProbs) sqrt_p.push_back(std::sqrt(p));
  EXPECT_TRUE(fits(draw({.temperature = 2.0f}, 2), restricted(sqrt_p, {0, 1, 2, 3, 4, 5})));
}

TEST(Sampling, TopKKeepsTheKLargest) {
  EXPECT_TRUE(fits(draw({.top_k = 3}, 3), restricted(kProbs, {0, 1, 2})));
  EXPECT_TRUE(fits(draw({.top_k = 6}, 4), kProbs));
  EXPECT_TRUE(fits(draw({.top_k = 100}, 4), kProbs));  // k > V keeps all
}

TEST(Sampling, TopPKeepsTheSmallestSetReachingP) {
  // Cumulative 0.35, 0.60, 0.75, 0.87, ...: p = 0.8 needs four tokens, p = 0.55 two, p = 0.3
  // one (each p well clear of a cumulative sum, where rounding would decide).
  EXPECT_TRUE(fits(draw({.top_p = 0.8f}, 5), restricted(kProbs, {0, 1, 2, 3})));
  EXPECT_TRUE(fits(draw({.top_p = 0.55f}, 6), restricted(kProbs, {0, 1})));
  const IndexTensor one = draw({.top_p = 0.3f}, 7);
  EXPECT_EQ(one, IndexTensor::zeros({kDraws}));
}

TEST(Sampling, FiltersCombineInHuggingFaceOrder) {
  // top_k = 4 renormalises to 0.402, 0.287, 0.172, 0.138 (cumulative 0.402, 0.690, 0.862):
  // top_p = 0.8 then keeps three.
  EXPECT_TRUE(fits(draw({.top_k = 4, .top_p = 0.8f}, 8), restricted(kProbs, {0, 1, 2})));
  // T = 0.5 squares p: 0.531, 0.271, 0.097, ... (cumulative 0.531, 0.802, 0.899): top_p = 0.85
  // keeps three tokens of the squared distribution.
  std::vector<double> squared;
  for (double p : kProbs) squared.push_back(p * p);
  EXPECT_TRUE(fits(draw({.temperature = 0.5f, .top_p = 0.85f}, 9), restricted(squared, {0, 1, 2})));
}

TEST(Sampling, MultinomialDrawsWithTheGivenProbabilities) {
  Tensor probs = Tensor::empty({6});
  for (size_t i = 0; i < kProbs.size(); ++i)
    probs.data()[i] = static_cast<float>(kProbs[i] * 2);  // unnormalised
  Generator gen(10);
  const IndexTensor ids = multinomial(probs, kDraws, true, gen);
  EXPECT_EQ(ids.shape(), (Shape{kDraws}));
  EXPECT_TRUE(fits(ids, kProbs));
  // A batch: each row its own distribution, zeros never drawn.
  const Tensor batch = Tensor::from_vector({2, 3}, {0, 1, 3, 2, 2, 0});
  const IndexTensor b = multinomial(batch, kDraws, true, gen);
  EXPECT_EQ(b.shape(), (Shape{2, kDraws}));
  EXPECT_TRUE(fits(b.row(0), {0, 0.25, 0.75}));
  EXPECT_TRUE(fits(b.row(1), {0.5, 0.5, 0}));
}

TEST(Sampling, MultinomialWithoutReplacementNeverRepeats) {
  const Tensor probs = Tensor::from_vector({2, 5}, {1, 0, 2, 3, 4, 5, 1, 1, 0, 1});
  Generator gen(11);
  for (int trial = 0; trial < 50; ++trial) {
    const IndexTensor ids = multinomial(probs, 4, false, gen);
    for (int64_t r = 0; r < 2; ++r) {
      std::vector<int64_t> row = ids.row(r).to_vector();
      std::sort(row.begin(), row.end());
      EXPECT_EQ(row,
                (r == 0 ? std::vector<int64_t>{0, 2, 3, 4} : std::vector<int64_t>{0, 1, 2, 4}));
    }
  }
  EXPECT_TRUE(
      Contains(error_message<ValueError>([&] { multinomial(probs, 5, false, gen); }),
               "multinomial: row 0 has 4 nonzero probabilities, too few for 5 draws without "
               "replacement"));
}

TEST(Sampling, MultinomialRejectsBadProbabilities) {
  Generator gen(12);
  EXPECT_TRUE(
      Contains(error_message<ValueError>([&] {
                 multinomial(Tensor::from_vector({2, 2}, {1, 1, 1, -1}), 1, true, gen);
               }),
               "multinomial: probability -1.000000 at position [1, 1] is not finite and >= 0"));
  EXPECT_THROW(multinomial(Tensor::from_vector({2}, {1, NAN}), 1, true, gen), ValueError);
  EXPECT_THROW(multinomial(Tensor::from_vector({2}, {1, INFINITY}), 1, true, gen), ValueError);
  EXPECT_THROW(multinomial(Tensor::zeros({3}), 1, true, gen), ValueError);
  EXPECT_THROW(multinomial(Tensor::ones({3}), 0, true, gen), ValueError);
  EXPECT_THROW(multinomial(Tensor::ones({2, 2, 2}), 1, true, gen), ShapeError);
}

TEST(Sampling, SameSeedSameSamples) {
  Generator g1(42);
  Generator g2(42);
  Generator g3(43);
  const Tensor logits = Tensor::uniform({64, 10}, -2, 2, g3);
  const SamplingOptions o{.temperature = 0.9f, .top_k = 7, .top_p = 0.9f};
  const IndexTensor a = sample(logits, o, g1);
  EXPECT_EQ(a, sample(logits, o, g2));
  EXPECT_NE(a, sample(logits, o, g3));
  EXPECT_EQ(g1.state(), g2.state());
}

TEST(Sampling, GreedyIsArgmaxAndSmallTemperaturesApproachIt) {
  Generator gen(13);
  Tensor logits = Tensor::empty({32, 50});
  for (int64_t r = 0; r < 32; ++r) {  // distinct logits 0.1 apart, in a random order per row
    std::vector<float> row(50);
    for (int64_t v = 0; v < 50; ++v) row[static_cast<size_t>(v)] = 0.1f * static_cast<float>(v);
    for (size_t i = row.size(); i > 1; --i) std::swap(row[i - 1], row[gen.below(i)]);
    std::copy(row.begin(), row.end(), logits.data() + r * 50);
  }
  const IndexTensor best = argmax(logits, 1);
  const std::string before = gen.state();
  EXPECT_EQ(sample(logits, {.temperature = 0.0f, .top_p = 0.5f}, gen), best);
  EXPECT_EQ(gen.state(), before);  // greedy draws no random numbers
  for (float t : {1e-3f, 1e-30f}) EXPECT_EQ(sample(logits, {.temperature = t}, gen), best) << t;
  // Ties: the first maximum, as argmax.
  EXPECT_EQ(sample(Tensor::from_vector({3}, {1, 2, 2}), {.temperature = 0}, gen).item(), 1);
}

TEST(Sampling, DistributionShowsWhatTheFiltersKeep) {
  const Tensor logits = logits_of(kProbs);
  const std::vector<float> p = sampling_distribution(logits, {.top_p = 0.8f}).to_vector();
  const std::vector<double> want = restricted(kProbs, {0, 1, 2, 3});
  for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(p[i], want[i], 1e-6) << i;
  // A tie at the k-th logit keeps both tied tokens (HuggingFace's rule).
  const Tensor tied = Tensor::from_vector({4}, {2, 1, 1, 0});
  EXPECT_EQ(sampling_distribution(tied, {.top_k = 2}).to_vector()[3], 0.0f);
  EXPECT_NEAR(sampling_distribution(tied, {.top_k = 2}).to_vector()[2],
              std::exp(1.0f) / (std::exp(2.0f) + 2 * std::exp(1.0f)), 1e-6);
  // Equal probabilities in top-p: the lower index is ranked first.
  const Tensor flat = Tensor::zeros({4});
  EXPECT_EQ(sampling_distribution(flat, {.top_p = 0.4f}).to_vector(),
            (std::vector<float>{0.5f, 0.5f, 0, 0}));
  EXPECT_EQ(sampling_distribution(flat, {.temperature = 0}).to_vector(),
            (std::vector<float>{1, 0, 0, 0}));
}

TEST(Sampling, MinusInfinityIsNeverDrawn) {
  const float ninf = -std::numeric_limits<float>::infinity();
  Generator gen(14);
  const IndexTensor ids =
      sample(repeat_rows(Tensor::from_vector({3}, {ninf, 0, ninf}), 100), {}, gen);
  EXPECT_EQ(ids, IndexTensor::full({100}, 1));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         sample(Tensor::full({2, 3}, ninf), {}, gen);
                       }),
                       "sample: row 0 of logits [2, 3] has no finite logit"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         sample(Tensor::from_vector({2, 2}, {0, 0, 1, NAN}), {}, gen);
                       }),
                       "sample: logit nan at position [1, 1]"));
  EXPECT_THROW(sample(Tensor::from_vector({2}, {0, INFINITY}), {}, gen), ValueError);
}

TEST(Sampling, ShapesAndOptionErrors) {
  Generator gen(15);
  EXPECT_EQ(sample(Tensor::zeros({5}), {}, gen).dim(), 0);
  EXPECT_EQ(sample(Tensor::zeros({3, 5}), {}, gen).shape(), (Shape{3}));
  EXPECT_EQ(sample(Tensor::zeros({0, 5}), {}, gen).shape(), (Shape{0}));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         sample(Tensor::zeros({2, 2, 2}), {}, gen);
                       }),
                       "sample: logits must be [V] or [B, V] with V >= 1, got [2, 2, 2]"));
  EXPECT_THROW(sample(Tensor::zeros({2, 0}), {}, gen), ShapeError);
  const Tensor x = Tensor::zeros({4});
  auto message = [&](const SamplingOptions& o) {
    return error_message<ValueError>([&] { sample(x, o, gen); });
  };
  EXPECT_TRUE(Contains(message({.temperature = NAN}),
                       "sampling: temperature must be finite and >= 0 (0 = greedy), got nan"));
  EXPECT_TRUE(Contains(message({.temperature = -1}), "temperature must be finite and >= 0"));
  EXPECT_TRUE(Contains(message({.temperature = INFINITY}), "temperature must be finite and >= 0"));
  EXPECT_TRUE(Contains(message({.top_k = 0}),
                       "sampling: top_k must be >= 1 (or unset to keep all), got 0"));
  EXPECT_TRUE(Contains(message({.top_k = -3}), "got -3"));
  EXPECT_TRUE(Contains(message({.top_p = 0}), "sampling: top_p must be in (0, 1], got 0.000000"));
  EXPECT_TRUE(Contains(message({.top_p = 1.5f}), "top_p must be in (0, 1]"));
  EXPECT_TRUE(Contains(message({.top_p = NAN}), "top_p must be in (0, 1], got nan"));
  EXPECT_THROW(validate({.temperature = 0, .top_k = 0}), ValueError);  // checked even when greedy
}

}  // namespace
}  // namespace recur
