// The indexing ops (ops/indexing.h): forward values on hand-computed cases, the tie and NaN
// rules, errors that name the op, position and bound, finite-difference gradient checks for
// every differentiable one, and the IndexTensor overloads of embedding and cross_entropy.
#include "recur/ops/indexing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/ops/ops.h"

namespace recur {
namespace {

using testing::Contains;
using testing::error_message;
using Inputs = std::vector<Tensor>;

Tensor vec(const Shape& s, std::vector<float> v) { return Tensor::from_vector(s, std::move(v)); }
IndexTensor ids(const Shape& s, std::vector<int64_t> v) {
  return IndexTensor::from_vector(s, std::move(v));
}
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Values 0.1 apart in a seeded random order, so that max/topk picks stay the same under the
// gradient check's perturbation (a tie would make the function non-differentiable).
Tensor distinct(const Shape& shape, uint64_t seed) {
  Tensor t = Tensor::empty(shape);
  std::vector<int64_t> order(static_cast<size_t>(t.numel()));
  std::iota(order.begin(), order.end(), 0);
  Generator gen(seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
  for (size_t i = 0; i < order.size(); ++i) t.data()[i] = 0.1f * static_cast<float>(order[i]) - 1;
  return t.set_requires_grad(true);
}

Tensor uniform_leaf(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return Tensor::uniform(shape, -1, 1, gen).set_requires_grad(true);
}

// --- argmax / max ------------------------------------------------------------------------

TEST(Indexing, ArgmaxAndMaxAlongEachDim) {
  const Tensor x = vec({2, 3}, {1, 5, 2, 7, 0, 7});
  EXPECT_EQ(argmax(x, 1), ids({2}, {1, 0}));  // tie 7 / 7: the first wins
  EXPECT_EQ(argmax(x, 0), ids({3}, {1, 0, 1}));
  EXPECT_EQ(argmax(x, -1, true), ids({2, 1}, {1, 0}));
  EXPECT_EQ(argmax(x), IndexTensor::scalar(3));
  const ValuesIndices m = max(x, 0);
  EXPECT_EQ(m.values.to_vector(), (std::vector<float>{7, 5, 7}));
  EXPECT_EQ(m.indices, ids({3}, {1, 0, 1}));
  EXPECT_EQ(max(x, 1, true).values.shape(), (Shape{2, 1}));
  const Tensor s = Tensor::scalar(4);  // rank 0: dim 0 or -1, as PyTorch
  EXPECT_EQ(argmax(s, 0), IndexTensor::scalar(0));
  EXPECT_EQ(max(s, -1).values.item(), 4.0f);
}

TEST(Indexing, NaNIsTheLargest) {
  const Tensor x = vec({4}, {1, kNaN, 3, kNaN});
  EXPECT_EQ(argmax(x, 0).item(), 1);
  EXPECT_TRUE(std::isnan(max(x, 0).values.item()));
  const ValuesIndices t = topk(x, 3, 0);
  EXPECT_EQ(t.indices, ids({3}, {1, 3, 2}));
  EXPECT_EQ(topk(x, 2, 0, false).indices, ids({2}, {0, 2}));
}

TEST(Indexing, ArgmaxRejectsEmptyDimsAndBadDims) {
  EXPECT_TRUE(Contains(error_message<ShapeError>([] {
                         argmax(Tensor::zeros({2, 0}), 1);
                       }),
                       "argmax: dim 1 of input [2, 0] is empty"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([] {
                         max(Tensor::zeros({2, 3}), 2);
                       }),
                       "max: dim 2 out of range for a tensor of rank 2"));
  EXPECT_THROW(argmax(Tensor::zeros({0})), ShapeError);
  EXPECT_EQ(argmax(Tensor::zeros({0, 3}), 1).shape(), (Shape{0}));
}

// --- topk --------------------------------------------------------------------------------

TEST(Indexing, TopkIsSortedWithTiesInIndexOrder) {
  const Tensor x = vec({2, 5}, {3, 1, 4, 1, 5, 9, 2, 6, 5, 3});
  const ValuesIndices t = topk(x, 3);
  EXPECT_EQ(t.values.to_vector(), (std::vector<float>{5, 4, 3, 9, 6, 5}));
  EXPECT_EQ(t.indices, ids({2, 3}, {4, 2, 0, 0, 2, 3}));
  const ValuesIndices low = topk(x, 2, 1, false);
  EXPECT_EQ(low.values.to_vector(), (std::vector<float>{1, 1, 2, 3}));
  EXPECT_EQ(low.indices, ids({2, 2}, {1, 3, 1, 4}));  // the tie 1 / 1 in index order
  const ValuesIndices cols = topk(x, 1, 0);
  EXPECT_EQ(cols.indices, ids({1, 5}, {1, 1, 1, 1, 0}));
  EXPECT_EQ(topk(x, 0).values.shape(), (Shape{2, 0}));
  EXPECT_EQ(topk(x, 5).indices.shape(), (Shape{2, 5}));
}

TEST(Indexing, TopkRejectsKOutsideTheDim) {
  const Tensor x = Tensor::zeros({2, 5});
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { topk(x, 6); }),
                       "topk: k = 6 out of range [0, 5] for dim -1 of input [2, 5]"));
  EXPECT_THROW(topk(x, -1), ValueError);
  EXPECT_THROW(topk(x, 1, 2), ShapeError);
}

// --- gather / index_select ---------------------------------------------------------------

TEST(Indexing, GatherFollowsPyTorch) {
  const Tensor t = vec({2, 2}, {1, 2, 3, 4});  // torch.gather's documentation example
  const Tensor g = gather(t, 1, ids({2, 2}, {0, 0, 1, 0}));
  EXPECT_EQ(g.shape(), (Shape{2, 2}));
  EXPECT_EQ(g.to_vector(), (std::vector<float>{1, 1, 4, 3}));
  EXPECT_EQ(gather(t, 0, ids({1, 2}, {1, 0})).to_vector(), (std::vector<float>{3, 2}));
  // index smaller than the input off the gathered dim; picking targets from log-probs.
  const Tensor logp = vec({2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  const Tensor picked = gather(logp, -1, ids({2, 1, 1}, {2, 0}));
  EXPECT_EQ(picked.shape(), (Shape{2, 1, 1}));
  EXPECT_EQ(picked.to_vector(), (std::vector<float>{2, 6}));
  EXPECT_EQ(gather(t, 1, IndexTensor::zeros({2, 0})).shape(), (Shape{2, 0}));
}

TEST(Indexing, GatherErrorsNameOpPositionAndBound) {
  const Tensor t = Tensor::zeros({2, 2});
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         gather(t, 1, ids({2, 1}, {0, 2}));
                       }),
                       "gather: index 2 at position [1, 0] out of range [0, 2) for dim 1 of "
                       "input [2, 2]"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         gather(t, 0, ids({1, 1}, {-1}));
                       }),
                       "index -1 at position [0, 0]"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         gather(t, 1, ids({2}, {0, 1}));
                       }),
                       "gather: index [2] must have the rank of input [2, 2]"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         gather(t, 1, IndexTensor::zeros({3, 1}));
                       }),
                       "larger than input [2, 2] in dim 0"));
  EXPECT_THROW(gather(t, 2, IndexTensor::zeros({2, 2})), ShapeError);
}

TEST(Indexing, IndexSelectTakesARank1Index) {
  const Tensor x = vec({3, 2}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(index_select(x, 0, ids({3}, {2, 0, 2})).to_vector(),
            (std::vector<float>{4, 5, 0, 1, 4, 5}));
  EXPECT_EQ(index_select(x, 1, ids({1}, {1})).to_vector(), (std::vector<float>{1, 3, 5}));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         index_select(x, 0, ids({1, 1}, {0}));
                       }),
                       "index_select: index must have rank 1, got [1, 1]"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         index_select(x, 0, ids({2}, {0, 3}));
                       }),
                       "index_select: index 3 at position 1 out of range [0, 3)"));
}

// --- masked_fill / where -----------------------------------------------------------------

TEST(Indexing, MaskedFillBroadcastsTheMask) {
  const Tensor x = vec({2, 3}, {1, 2, 3, 4, 5, 6});
  const float inf = std::numeric_limits<float>::infinity();
  const Tensor y = masked_fill(x, ids({2, 1}, {0, 1}), -inf);
  EXPECT_EQ(y.to_vector(), (std::vector<float>{1, 2, 3, -inf, -inf, -inf}));
  EXPECT_EQ(masked_fill(x, ids({3}, {1, 0, 0}), 0).to_vector(),
            (std::vector<float>{0, 2, 3, 0, 5, 6}));
  EXPECT_EQ(x.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));  // out of place
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         masked_fill(x, ids({3}, {0, 2, 1}), 0);
                       }),
                       "masked_fill: mask entry 2 at position [1] is not 0 or 1"));
  // The mask must broadcast TO x: the result keeps x's shape.
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         masked_fill(x, IndexTensor::zeros({2, 2, 3}), 0);
                       }),
                       "masked_fill: mask [2, 2, 3] does not broadcast to [2, 3]"));
  EXPECT_THROW(masked_fill(x, IndexTensor::zeros({2}), 0), ShapeError);
}

TEST(Indexing, WhereBroadcastsAllThree) {
  const Tensor a = vec({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor b = Tensor::scalar(-1);
  EXPECT_EQ(where(ids({3}, {1, 0, 1}), a, b).to_vector(), (std::vector<float>{1, -1, 3, 4, -1, 6}));
  const Tensor w = where(ids({2, 1, 1}, {1, 0}), vec({3}, {1, 2, 3}), vec({1, 3}, {7, 8, 9}));
  EXPECT_EQ(w.shape(), (Shape{2, 1, 3}));
  EXPECT_EQ(w.to_vector(), (std::vector<float>{1, 2, 3, 7, 8, 9}));
  // A NaN or inf in the branch not taken does not leak (no arithmetic blend).
  EXPECT_EQ(where(ids({2}, {1, 0}), vec({2}, {1, kNaN}), vec({2}, {kNaN, 2})).to_vector(),
            (std::vector<float>{1, 2}));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { where(ids({1}, {-1}), a, b); }),
                       "where: mask entry -1 at position [0] is not 0 or 1"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         where(ids({2}, {1, 0}), a, b);
                       }),
                       "where: shapes [2, 3] and [2] cannot be broadcast"));
}

// --- one_hot -----------------------------------------------------------------------------

TEST(Indexing, OneHotIsFloatWithAClassDim) {
  const Tensor y = one_hot(ids({2}, {2, 0}), 3);
  EXPECT_EQ(y.shape(), (Shape{2, 3}));
  EXPECT_EQ(y.to_vector(), (std::vector<float>{0, 0, 1, 1, 0, 0}));
  EXPECT_EQ(one_hot(ids({1, 2}, {1, 3})).shape(), (Shape{1, 2, 4}));  // inferred: max + 1
  EXPECT_EQ(one_hot(IndexTensor::zeros({0}), 5).shape(), (Shape{0, 5}));
  EXPECT_TRUE(Contains(error_message<ValueError>([] {
                         one_hot(ids({2, 2}, {0, 1, 4, 0}), 3);
                       }),
                       "one_hot: index 4 at position [1, 0] out of range [0, 3)"));
  EXPECT_THROW(one_hot(ids({1}, {-1})), ValueError);
  EXPECT_THROW(one_hot(IndexTensor::zeros({0})), ValueError);
  EXPECT_THROW(one_hot(ids({1}, {0}), -2), ValueError);
}

// --- autograd ----------------------------------------------------------------------------

TEST(Indexing, GradientsReachOnlyThePickedEntries) {
  Tensor x = vec({2, 3}, {1, 5, 2, 7, 0, 3}).set_requires_grad(true);
  sum(max(x, 1).values).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0, 1, 0, 1, 0, 0}));
  x.zero_grad();
  sum(gather(x, 1, ids({2, 3}, {0, 0, 2, 1, 1, 1}))).backward();  // repeats add up
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 0, 1, 0, 3, 0}));
  x.zero_grad();
  sum(masked_fill(x, ids({3}, {0, 1, 0}), 9)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{1, 0, 1, 1, 0, 1}));
  Tensor b = Tensor::scalar(0).set_requires_grad(true);
  x.zero_grad();
  sum(where(ids({2, 1}, {1, 0}), x, b)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(b.grad().item(), 3.0f);  // summed over the broadcast entries it supplied
}

struct IndexingGradCase {
  std::string name;
  Inputs inputs;
  testing::TensorFunction fn;
};

std::vector<IndexingGradCase> grad_cases() {
  const IndexTensor g_index = ids({3, 2, 2}, {0, 3, 3, 1, 2, 2, 0, 0, 1, 3, 3, 3});
  return {
      {"max_dim1", {distinct({3, 4, 2}, 1)}, [](const Inputs& in) { return max(in[0], 1).values; }},
      {"max_keepdim_last",
       {distinct({2, 5}, 2)},
       [](const Inputs& in) { return max(in[0], -1, true).values; }},
      {"max_scalar", {distinct({}, 3)}, [](const Inputs& in) { return max(in[0], 0).values; }},
      {"topk_3_last",
       {distinct({2, 6}, 4)},
       [](const Inputs& in) { return topk(in[0], 3).values; }},
      {"topk_smallest_dim0",
       {distinct({4, 3}, 5)},
       [](const Inputs& in) { return topk(in[0], 2, 0, false).values; }},
      {"topk_all", {distinct({5}, 6)}, [](const Inputs& in) { return topk(in[0], 5).values; }},
      {"gather_dim1_repeats",
       {uniform_leaf({3, 4, 2}, 7)},
       [g_index](const Inputs& in) { return gather(in[0], 1, g_index); }},
      {"gather_dim0_smaller",
       {uniform_leaf({3, 4}, 8)},
       [](const Inputs& in) {
         return gather(in[0], 0, ids({2, 3}, {2, 2, 0, 1, 0, 2}));
       }},
      {"gather_empty",
       {uniform_leaf({3, 4}, 9)},
       [](const Inputs& in) {
         return gather(in[0], 1, IndexTensor::zeros({3, 0}));
       }},
      {"index_select_repeats",
       {uniform_leaf({4, 3}, 10)},
       [](const Inputs& in) {
         return index_select(in[0], 0, ids({4}, {3, 0, 3, 1}));
       }},
      {"masked_fill_broadcast",
       {uniform_leaf({2, 3, 4}, 11)},
       [](const Inputs& in) {
         return masked_fill(in[0], ids({3, 1}, {1, 0, 1}), -5);
       }},
      {"where_same_shape",
       {uniform_leaf({2, 3}, 12), uniform_leaf({2, 3}, 13)},
       [](const Inputs& in) {
         return where(ids({2, 3}, {1, 0, 0, 1, 1, 0}), in[0], in[1]);
       }},
      {"where_broadcast",
       {uniform_leaf({2, 1}, 14), uniform_leaf({3}, 15)},
       [](const Inputs& in) {
         return where(ids({2, 2, 3}, {1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0}), in[0], in[1]);
       }},
      {"where_scalar_mask",
       {uniform_leaf({2, 3}, 16), uniform_leaf({2, 3}, 17)},
       [](const Inputs& in) { return where(IndexTensor::scalar(1), in[0], in[1]); }},
      {"embedding_index_tensor",
       {uniform_leaf({5, 3}, 18)},
       [](const Inputs& in) {
         return embedding(in[0], ids({2, 2}, {1, 4, 1, 0}));
       }},
      {"cross_entropy_index_tensor",
       {uniform_leaf({2, 3, 4}, 19)},
       [](const Inputs& in) {
         return cross_entropy(in[0], ids({2, 3}, {0, 3, -100, 2, 2, 1}));
       }},
  };
}

void PrintTo(const IndexingGradCase& c, std::ostream* os) { *os << c.name; }

class IndexingGradcheck : public ::testing::TestWithParam<IndexingGradCase> {};

TEST_P(IndexingGradcheck, MatchesFiniteDifferences) {
  const IndexingGradCase& c = GetParam();
  EXPECT_TRUE(testing::gradcheck(c.fn, c.inputs).assertion());
}

INSTANTIATE_TEST_SUITE_P(Ops, IndexingGradcheck, ::testing::ValuesIn(grad_cases()),
                         [](const auto& info) { return info.param.name; });

// --- IndexTensor overloads of embedding and cross_entropy -----------------------------------

TEST(Indexing, EmbeddingAndCrossEntropyTakeIndexTensors) {
  const Tensor table = uniform_leaf({5, 3}, 20);
  const IndexTensor tokens = ids({2, 2}, {1, 4, 1, 0});
  const Tensor e = embedding(table, tokens);
  EXPECT_EQ(e.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(e.to_vector(), embedding(table, tokens.to_vector(), tokens.shape()).to_vector());
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { embedding(table, ids({1}, {5})); }),
                       "embedding: index 5 at position 0 out of range [0, 5)"));

  const Tensor logits = uniform_leaf({2, 3, 4}, 21);
  const IndexTensor targets = ids({2, 3}, {0, 3, -100, 2, 2, 1});
  EXPECT_EQ(cross_entropy(logits, targets).item(),
            cross_entropy(logits, targets.to_vector()).item());
  EXPECT_TRUE(Contains(
      error_message<ShapeError>([&] {
        cross_entropy(logits, targets.reshape({3, 2}));
      }),
      "cross_entropy: targets [3, 2] must have the shape of logits [2, 3, 4] without its class "
      "dim, [2, 3]"));
  EXPECT_THROW(cross_entropy(logits, ids({2, 3}, {0, 4, 0, 0, 0, 0})), ValueError);
}

}  // namespace
}  // namespace recur
