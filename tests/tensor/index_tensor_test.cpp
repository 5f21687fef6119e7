#include "recur/tensor/index_tensor.h"

#include <gtest/gtest.h>

#include <limits>

#include "expect_error.h"

namespace recur {
namespace {

using testing::Contains;
using testing::error_message;

TEST(IndexTensor, FactoriesShapeAndData) {
  IndexTensor z = IndexTensor::zeros({2, 3});
  EXPECT_EQ(z.shape(), (Shape{2, 3}));
  EXPECT_EQ(z.numel(), 6);
  EXPECT_EQ(z.to_vector(), std::vector<int64_t>(6, 0));
  EXPECT_EQ(IndexTensor::full({3}, -100).to_vector(), (std::vector<int64_t>{-100, -100, -100}));
  EXPECT_EQ(IndexTensor::arange(4).to_vector(), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(IndexTensor::arange(0).numel(), 0);
  EXPECT_EQ(IndexTensor::scalar(7).dim(), 0);
  EXPECT_EQ(IndexTensor::scalar(7).item(), 7);
  EXPECT_EQ(IndexTensor().numel(), 0);
  EXPECT_EQ(IndexTensor::zeros({0, 5}).numel(), 0);
  IndexTensor t = IndexTensor::from_vector({2, 3}, {5, 1, 0, 7, 7, 2});
  EXPECT_EQ(t.size(0), 2);
  EXPECT_EQ(t.size(-1), 3);
  EXPECT_EQ(t.at({1, 2}), 2);
  t.at({1, 2}) = 9;
  EXPECT_EQ(t.data()[5], 9);
  EXPECT_EQ(t.span().size(), 6u);
}

TEST(IndexTensor, BadShapesAndAccessesNameTheShape) {
  EXPECT_TRUE(Contains(error_message<ShapeError>([] {
                         IndexTensor::from_vector({2, 2}, {1, 2});
                       }),
                       "shape [2, 2] needs 4 values, got 2"));
  EXPECT_THROW(IndexTensor::zeros({-1, 2}), ValueError);
  EXPECT_THROW(IndexTensor::arange(-1), ValueError);
  const IndexTensor t = IndexTensor::from_vector({2, 3}, {5, 1, 0, 7, 7, 2});
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         (void)t.at({1, 3});
                       }),
                       "index 3 out of range [0, 3) for dimension 1 of shape [2, 3]"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] { (void)t.at({1}); }), "rank 1"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] { (void)t.size(2); }), "dimension 2"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] { (void)t.row(2); }), "row 2 out of range"));
  EXPECT_THROW((void)t.row(-1), ShapeError);
  EXPECT_THROW((void)t.rows(1, 3), ShapeError);
  EXPECT_THROW((void)IndexTensor::scalar(1).row(0), ShapeError);
  EXPECT_THROW((void)t.item(), ShapeError);
}

TEST(IndexTensor, RowsAndReshapeAreCopies) {
  IndexTensor t = IndexTensor::from_vector({3, 2}, {0, 1, 2, 3, 4, 5});
  IndexTensor r = t.row(1);
  EXPECT_EQ(r.shape(), (Shape{2}));
  EXPECT_EQ(r.to_vector(), (std::vector<int64_t>{2, 3}));
  r.at({0}) = 99;  // value semantics: the parent is unchanged
  EXPECT_EQ(t.at({1, 0}), 2);
  EXPECT_EQ(t.rows(1, 3).to_vector(), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(t.rows(2, 2).shape(), (Shape{0, 2}));
  EXPECT_EQ(t.reshape({2, -1}).shape(), (Shape{2, 3}));
  EXPECT_EQ(t.reshape({6}).to_vector(), t.to_vector());
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         (void)t.reshape({4, -1});
                       }),
                       "cannot reshape [3, 2] (6 elements) to [4, -1]"));
  EXPECT_THROW((void)t.reshape({-1, -1}), ShapeError);
  EXPECT_THROW((void)t.reshape({7}), ShapeError);
  // As in PyTorch, -1 is ambiguous for zero elements.
  EXPECT_THROW((void)IndexTensor::zeros({0, 3}).reshape({0, -1}), ShapeError);
  EXPECT_EQ(IndexTensor::zeros({0, 3}).reshape({3, 0}).shape(), (Shape{3, 0}));
}

TEST(IndexTensor, EqualityComparesShapeAndValues) {
  const IndexTensor a = IndexTensor::from_vector({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(a, IndexTensor::from_vector({2, 2}, {1, 2, 3, 4}));
  EXPECT_NE(a, IndexTensor::from_vector({4}, {1, 2, 3, 4}));
  EXPECT_NE(a, IndexTensor::from_vector({2, 2}, {1, 2, 3, 5}));
}

TEST(IndexTensor, FloatConversionsAreExactAndChecked) {
  const IndexTensor a = IndexTensor::from_vector({2, 2}, {1, -2, 3, 40});
  const Tensor f = a.to_float();
  EXPECT_EQ(f.shape(), (Shape{2, 2}));
  EXPECT_EQ(f.to_vector(), (std::vector<float>{1, -2, 3, 40}));
  EXPECT_EQ(IndexTensor::from_float(f), a);
  const Tensor bad = Tensor::from_vector({2, 2}, {1, 2, 2.5f, 4});
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { IndexTensor::from_float(bad, "targets"); }),
                       "targets: entry 2.500000 at position [1, 0] is not an integer"));
  const Tensor nan = Tensor::full({1}, std::numeric_limits<float>::quiet_NaN());
  EXPECT_THROW(IndexTensor::from_float(nan), ValueError);
}

TEST(IndexTensor, CheckRangeNamesPositionAndBound) {
  const IndexTensor t = IndexTensor::from_vector({2, 3}, {0, 1, 2, 3, 9, 4});
  t.check_range(0, 10, "ids");
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { t.check_range(0, 5, "ids"); }),
                       "ids: index 9 at position [1, 1] out of range [0, 5)"));
  EXPECT_EQ(position_str({2, 3}, 4), "[1, 1]");
  EXPECT_EQ(position_str({}, 0), "[]");
}

TEST(IndexTensor, PrintsLikePyTorch) {
  EXPECT_EQ(to_string(IndexTensor::from_vector({2, 2}, {1, 2, 3, 4})), "tensor([[1, 2], [3, 4]])");
  EXPECT_EQ(to_string(IndexTensor::scalar(5)), "tensor(5)");
  EXPECT_EQ(to_string(IndexTensor::zeros({0})), "tensor([])");
}

}  // namespace
}  // namespace recur
