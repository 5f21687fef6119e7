// ctc_loss and ctc_greedy_decode (ops/ctc.h): losses and gradients against PyTorch's
// F.ctc_loss on every case of tests/fixtures/ops/ctc.safetensors (written by
// tools/fixtures/make_ctc_fixtures.py: read it for what the cases cover), hand-counted paths on
// tiny inputs, a finite-difference check of the gradient through log_softmax, impossible
// alignments, the errors, and greedy decoding.
#include "recur/ops/ctc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/io/safetensors.h"
#include "recur/ops/ops.h"
#include "test_support.h"

namespace recur {
namespace {

using testing::Contains;
using testing::error_message;

// "blank=0;reduction=mean" -> CtcLossOptions.
CtcLossOptions options_of(const std::string& text) {
  std::map<std::string, std::string> kv;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ';');) {
    const size_t eq = item.find('=');
    kv[item.substr(0, eq)] = item.substr(eq + 1);
  }
  CtcLossOptions o;
  o.blank = std::stoll(kv.at("blank"));
  const std::string& r = kv.at("reduction");
  o.reduction = r == "none" ? Reduction::None : r == "sum" ? Reduction::Sum : Reduction::Mean;
  o.zero_infinity = kv.at("zero_infinity") == "1";
  return o;
}

// Within 1e-5 relative (plus 1e-6 absolute for entries near 0); inf and NaN must match exactly.
void expect_close(const Tensor& actual, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (int64_t i = 0; i < actual.numel(); ++i) {
    const float a = actual.data()[i];
    const float e = expected.data()[i];
    if (std::isnan(e) || std::isinf(e)) {
      EXPECT_TRUE(std::isnan(e) ? std::isnan(a) : a == e)
          << what << " element " << i << ": recur " << a << ", torch " << e;
      continue;
    }
    EXPECT_LE(std::fabs(a - e), 1e-6f + 1e-5f * std::fabs(e))
        << what << " element " << i << ": recur " << a << ", torch " << e;
  }
}

TEST(Ctc, MatchesPyTorchLossAndGradient) {
  const io::SafetensorsFile file =
      io::read_safetensors(testing::fixture_path("ops/ctc.safetensors"));
  ASSERT_GE(file.metadata.size(), 7u);
  for (const auto& [name, params] : file.metadata) {
    SCOPED_TRACE(name);
    const auto get = [&](const std::string& key) { return file.tensors.at(name + "." + key); };
    // Ids and lengths are stored as float32 (see the script).
    const auto ids = [&](const std::string& key) {
      return IndexTensor::from_float(get(key), name + "." + key);
    };
    const Tensor lp = get("log_probs").clone().set_requires_grad(true);
    const Tensor loss = ctc_loss(lp, ids("targets"), ids("input_lengths").to_vector(),
                                 ids("target_lengths").to_vector(), options_of(params));
    Tensor expected = get("loss");
    // tools/fixtures/safetensors_io.py stores rank-0 arrays as [1] (np.ascontiguousarray).
    if (loss.dim() == 0 && expected.shape() == Shape{1}) expected = expected.view({});
    expect_close(loss, expected, name + " loss");
    loss.backward(get("gy").view(loss.shape()));
    ASSERT_TRUE(lp.grad().defined());
    expect_close(lp.grad(), get("grad"), name + " grad");
  }
}

// log_probs [T, 1, C] from probabilities per frame.
Tensor frames(const std::vector<std::vector<float>>& probs) {
  std::vector<float> v;
  for (const auto& row : probs)
    for (float p : row) v.push_back(std::log(p));
  const int64_t T = static_cast<int64_t>(probs.size());
  return Tensor::from_vector({T, 1, static_cast<int64_t>(probs[0].size())}, v);
}

IndexTensor one_target(std::vector<int64_t> labels) {
  const int64_t n = static_cast<int64_t>(labels.size());
  return IndexTensor::from_vector({1, n}, std::move(labels));
}

TEST(Ctc, CountsEveryPathThatSpellsTheTarget) {
  const CtcLossOptions sum{.reduction = Reduction::Sum};
  // Two frames read "1" along 1 1, _ 1 and 1 _: 0.3 * 0.6 + 0.7 * 0.6 + 0.3 * 0.4.
  const Tensor lp = frames({{0.7f, 0.3f}, {0.4f, 0.6f}});
  EXPECT_NEAR(ctc_loss(lp, one_target({1}), {2}, {1}, sum).item(), -std::log(0.72), 1e-6);
  // "1 1" in three frames has only the path 1 _ 1.
  const Tensor lp3 = frames({{0.2f, 0.8f}, {0.9f, 0.1f}, {0.5f, 0.5f}});
  EXPECT_NEAR(ctc_loss(lp3, one_target({1, 1}), {3}, {2}, sum).item(), -std::log(0.8 * 0.9 * 0.5),
              1e-6);
  // The empty target: blanks all along, over the first input_lengths frames only.
  EXPECT_NEAR(ctc_loss(lp3, one_target({}), {2}, {0}, sum).item(), -std::log(0.2 * 0.9), 1e-6);
}

TEST(Ctc, MeanDividesEachLossByItsTargetLengthThenAverages) {
  Generator gen(5);
  const Tensor lp = log_softmax(Tensor::normal({6, 3, 4}, 0, 1, gen), -1);
  const IndexTensor targets = IndexTensor::from_vector({3, 3}, {1, 2, 3, 3, 3, 0, 0, 0, 0});
  const std::vector<int64_t> il{6, 5, 4}, tl{3, 2, 0};
  const Tensor none = ctc_loss(lp, targets, il, tl, {.reduction = Reduction::None});
  ASSERT_EQ(none.shape(), (Shape{3}));
  const float* l = none.data();
  EXPECT_NEAR(ctc_loss(lp, targets, il, tl).item(), (l[0] / 3 + l[1] / 2 + l[2] / 1) / 3, 1e-5);
  EXPECT_NEAR(ctc_loss(lp, targets, il, tl, {.reduction = Reduction::Sum}).item(),
              l[0] + l[1] + l[2], 1e-4);
}

TEST(Ctc, PaddedAndConcatenatedTargetsAgree) {
  Generator gen(6);
  const Tensor lp = log_softmax(Tensor::normal({7, 2, 5}, 0, 1, gen), -1);
  // Padding may hold anything, the blank or an id out of range included.
  const IndexTensor padded = IndexTensor::from_vector({2, 4}, {1, 1, 4, -7, 2, 0, 0, 0});
  const IndexTensor concatenated = IndexTensor::from_vector({4}, {1, 1, 4, 2});
  const Tensor a = ctc_loss(lp, padded, {7, 5}, {3, 1}, {.reduction = Reduction::None});
  const Tensor b = ctc_loss(lp, concatenated, {7, 5}, {3, 1}, {.reduction = Reduction::None});
  EXPECT_EQ(a.to_vector(), b.to_vector());
}

TEST(Ctc, UnbatchedIsTheBatchOfOne) {
  Generator gen(7);
  const Tensor lp = log_softmax(Tensor::normal({5, 4}, 0, 1, gen), -1);
  const Tensor one =
      ctc_loss(lp, IndexTensor::from_vector({2}, {3, 3}), {5}, {2}, {.reduction = Reduction::None});
  EXPECT_EQ(one.shape(), Shape{});
  const Tensor batched = ctc_loss(reshape(lp, {5, 1, 4}), one_target({3, 3}), {5}, {2},
                                  {.reduction = Reduction::None});
  EXPECT_EQ(one.item(), batched.data()[0]);
}

// PyTorch's gradient is the logits' gradient beneath log_softmax (see ctc.h), so the finite
// differences are taken with respect to the logits.
TEST(Ctc, GradientThroughLogSoftmaxMatchesFiniteDifferences) {
  const IndexTensor targets = IndexTensor::from_vector({3, 3}, {1, 1, 2, 3, 0, 0, 2, 3, 2});
  for (const Reduction reduction : {Reduction::Mean, Reduction::None}) {
    Generator gen(8);
    const Tensor logits = Tensor::normal({6, 3, 4}, 0, 1, gen).set_requires_grad(true);
    const auto r = testing::gradcheck(
        [&](const std::vector<Tensor>& in) {
          return ctc_loss(log_softmax(in[0], -1), targets, {6, 4, 6}, {3, 1, 3},
                          {.reduction = reduction});
        },
        {logits});
    EXPECT_TRUE(r.assertion());
  }
}

TEST(Ctc, ImpossibleAlignmentIsInfOrZeroWithZeroInfinity) {
  Generator gen(9);
  const Tensor lp = log_softmax(Tensor::normal({4, 2, 3}, 0, 1, gen), -1).set_requires_grad(true);
  // Sequence 1: "2 2 2" needs 5 frames (two blanks between the repeats), it has 4.
  const IndexTensor targets = IndexTensor::from_vector({2, 3}, {1, 2, 0, 2, 2, 2});
  const Tensor inf = ctc_loss(lp, targets, {4, 4}, {2, 3}, {.reduction = Reduction::None});
  EXPECT_TRUE(std::isfinite(inf.data()[0]));
  EXPECT_EQ(inf.data()[1], std::numeric_limits<float>::infinity());

  const Tensor zeroed =
      ctc_loss(lp, targets, {4, 4}, {2, 3}, {.reduction = Reduction::None, .zero_infinity = true});
  EXPECT_EQ(zeroed.data()[0], inf.data()[0]);
  EXPECT_EQ(zeroed.data()[1], 0.0f);
  sum(zeroed).backward();
  const Tensor g = lp.grad();
  float first = 0, second = 0;
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t c = 0; c < 3; ++c) {
      first += std::fabs(g.data()[(t * 2 + 0) * 3 + c]);
      second += std::fabs(g.data()[(t * 2 + 1) * 3 + c]);
    }
  EXPECT_GT(first, 0.1f);
  EXPECT_EQ(second, 0.0f);
}

TEST(Ctc, TargetLongerThanItsInputIsAnErrorUnlessZeroInfinity) {
  const Tensor lp = log_softmax(Tensor::zeros({5, 2, 3}), -1);
  const IndexTensor targets = IndexTensor::from_vector({2, 3}, {1, 2, 1, 1, 2, 1});
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         ctc_loss(lp, targets, {5, 2}, {3, 3});
                       }),
                       "ctc_loss: target_lengths[1] = 3 labels cannot be read from "
                       "input_lengths[1] = 2 frames"));
  const Tensor l =
      ctc_loss(lp, targets, {5, 2}, {3, 3}, {.reduction = Reduction::None, .zero_infinity = true});
  EXPECT_GT(l.data()[0], 0.0f);
  EXPECT_EQ(l.data()[1], 0.0f);
}

TEST(Ctc, LongSequencesStayFiniteInLogSpace) {
  // 400 frames at probability 1/4 each: every path has probability exp(-554.5), far below
  // float's smallest number; PyTorch (float64) gives 525.14077 for the sum over them.
  const Tensor lp = log_softmax(Tensor::zeros({400, 1, 4}), -1);
  const Tensor l = ctc_loss(lp, one_target({1, 2, 3}), {400}, {3}, {.reduction = Reduction::Sum});
  EXPECT_NEAR(l.item(), 525.14077f, 2e-3f);
}

TEST(Ctc, RejectsBadShapesAndValuesNamingThem) {
  const Tensor lp = log_softmax(Tensor::zeros({5, 2, 4}), -1);
  const IndexTensor targets = IndexTensor::from_vector({2, 2}, {1, 2, 3, 0});
  const auto shape_error = [&](auto f) { return error_message<ShapeError>(f); };
  const auto value_error = [&](auto f) { return error_message<ValueError>(f); };
  EXPECT_TRUE(Contains(shape_error([&] { ctc_loss(Tensor::zeros({5}), targets, {5}, {1}); }),
                       "ctc_loss: log_probs must be [T, N, C] (or unbatched [T, C]), got [5]"));
  EXPECT_TRUE(Contains(value_error([&] {
                         ctc_loss(lp, targets, {5, 5}, {2, 1}, {.blank = 4});
                       }),
                       "ctc_loss: blank 4 is outside the classes [0, 4) of log_probs [5, 2, 4]"));
  EXPECT_TRUE(Contains(shape_error([&] {
                         ctc_loss(lp, targets, {5}, {2, 1});
                       }),
                       "ctc_loss: input_lengths holds 1 lengths for the 2 sequences"));
  EXPECT_TRUE(Contains(shape_error([&] {
                         ctc_loss(lp, targets, {5, 5}, {2});
                       }),
                       "ctc_loss: target_lengths holds 1 lengths for 2 sequences"));
  EXPECT_TRUE(Contains(value_error([&] {
                         ctc_loss(lp, targets, {5, 6}, {2, 1});
                       }),
                       "ctc_loss: input_lengths[1] = 6 is outside [0, T = 5]"));
  EXPECT_TRUE(Contains(value_error([&] {
                         ctc_loss(lp, targets, {5, 5}, {2, -1});
                       }),
                       "ctc_loss: target_lengths[1] = -1 is negative"));
  EXPECT_TRUE(Contains(value_error([&] {
                         ctc_loss(lp, targets, {5, 5}, {3, 1});
                       }),
                       "ctc_loss: target_lengths[0] = 3 exceeds the padded targets' length S = 2"));
  EXPECT_TRUE(Contains(value_error([&] {
                         ctc_loss(lp, targets, {5, 5}, {2, 2});
                       }),
                       "ctc_loss: targets[1, 1] is the blank (0)"));
  EXPECT_TRUE(Contains(value_error([&] {
                         ctc_loss(lp, IndexTensor::from_vector({3}, {1, 2, 9}), {5, 5}, {2, 1});
                       }),
                       "ctc_loss: targets[2] = 9 is outside the classes [0, 4)"));
  EXPECT_TRUE(Contains(shape_error([&] {
                         ctc_loss(lp, IndexTensor::from_vector({3}, {1, 2, 3}), {5, 5}, {1, 1});
                       }),
                       "ctc_loss: concatenated targets [3] must hold sum(target_lengths) = 2"));
  EXPECT_TRUE(Contains(shape_error([&] {
                         ctc_loss(lp, IndexTensor::zeros({3, 2}), {5, 5}, {1, 1});
                       }),
                       "ctc_loss: padded targets [3, 2] must be [N = 2, S]"));
}

TEST(CtcGreedyDecode, CollapsesRepeatsAndDropsBlanks) {
  // Frames argmax 1 1 0 1 2 2 3 (blank 0): "1 1" around the blank stays two 1s.
  const std::vector<int64_t> best{1, 1, 0, 1, 2, 2, 3};
  Tensor scores = Tensor::zeros({7, 2, 4});
  for (int64_t t = 0; t < 7; ++t) {
    scores.data()[(t * 2 + 0) * 4 + best[static_cast<size_t>(t)]] = 1.0f;
    scores.data()[(t * 2 + 1) * 4 + 3 - best[static_cast<size_t>(t)]] = 1.0f;
  }
  const auto read = ctc_greedy_decode(scores, {7, 5});
  EXPECT_EQ(read[0], (std::vector<int64_t>{1, 1, 2, 3}));
  EXPECT_EQ(read[1], (std::vector<int64_t>{2, 3, 2, 1}));  // 2 2 3 2 1: only 5 frames read
  EXPECT_EQ(ctc_greedy_decode(scores, {7, 5}, 3)[0], (std::vector<int64_t>{1, 0, 1, 2}));
  // Ties go to the lowest id, here the blank: nothing is read.
  EXPECT_TRUE(ctc_greedy_decode(Tensor::zeros({3, 4}), {3})[0].empty());
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         ctc_greedy_decode(scores, {8, 1});
                       }),
                       "ctc_greedy_decode: input_lengths[0] = 8 is outside [0, T = 7]"));
}

}  // namespace
}  // namespace recur
