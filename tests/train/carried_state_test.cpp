#include "recur/train/carried_state.h"

#include <gtest/gtest.h>

#include "recur/ops/arithmetic.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"

namespace recur::train {
namespace {

// A batch of `rows` streams that starts them anew (false) or continues them (true).
Batch stream_batch(int64_t rows, bool continues) {
  Batch b;
  b.tokens = IndexTensor::zeros({rows, 2});
  b.lengths.assign(static_cast<size_t>(rows), 2);
  b.continues_streams = continues;
  return b;
}

// A final state [layers, rows, H] that is part of a graph, as a recurrent layer returns it.
Tensor attached_state(int64_t rows, Generator& gen) {
  const Tensor leaf = Tensor::uniform({2, rows, 4}, -1.0f, 1.0f, gen).set_requires_grad(true);
  return leaf * 2.0f;
}

void expect_same_values(const Tensor& actual, const Tensor& expected) {
  ASSERT_TRUE(actual.defined());
  ASSERT_EQ(actual.shape(), expected.shape());
  for (int64_t i = 0; i < expected.numel(); ++i) EXPECT_EQ(actual.data()[i], expected.data()[i]);
}

void expect_detached(const Tensor& t) {
  EXPECT_FALSE(t.requires_grad());
  EXPECT_EQ(t.grad_fn(), nullptr);
}

TEST(CarriedState, NothingCarriedYetStartsFromZeros) {
  const CarriedState state;
  const RecurrentState s = state.start(stream_batch(3, true));
  EXPECT_FALSE(s.h.defined());
  EXPECT_FALSE(s.c.defined());
}

TEST(CarriedState, ABatchStartingNewStreamsStartsFromZeros) {
  Generator gen(1);
  CarriedState state;
  state.carry(attached_state(3, gen), attached_state(3, gen));
  const RecurrentState s = state.start(stream_batch(3, false));
  EXPECT_FALSE(s.h.defined());
  EXPECT_FALSE(s.c.defined());
}

TEST(CarriedState, AContinuingBatchStartsFromTheCarriedStateDetached) {
  Generator gen(2);
  CarriedState state;
  const Tensor h = attached_state(3, gen), c = attached_state(3, gen);
  ASSERT_NE(h.grad_fn(), nullptr);
  state.carry(h, c);
  const RecurrentState s = state.start(stream_batch(3, true));
  expect_same_values(s.h, h);
  expect_same_values(s.c, c);
  expect_detached(s.h);
  expect_detached(s.c);
}

TEST(CarriedState, AGruStateHasNoCellState) {
  Generator gen(3);
  CarriedState state;
  state.carry(attached_state(3, gen), attached_state(3, gen));  // an LSTM's, then a GRU's
  const Tensor h = attached_state(3, gen);
  state.carry(h);
  const RecurrentState s = state.start(stream_batch(3, true));
  expect_same_values(s.h, h);
  expect_detached(s.h);
  EXPECT_FALSE(s.c.defined());
}

TEST(CarriedState, ResetForgetsTheState) {
  Generator gen(4);
  CarriedState state;
  state.carry(attached_state(3, gen));
  state.reset();
  EXPECT_FALSE(state.start(stream_batch(3, true)).h.defined());
}

TEST(CarriedState, AContinuingBatchWithADifferentRowCountIsAShapeError) {
  Generator gen(5);
  CarriedState state;
  state.carry(attached_state(3, gen));
  EXPECT_THROW(state.start(stream_batch(2, true)), ShapeError);
  // A batch that starts new streams does not use the state, whatever its rows.
  EXPECT_NO_THROW(state.start(stream_batch(2, false)));
}

}  // namespace
}  // namespace recur::train
