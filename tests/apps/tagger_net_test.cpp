#include "recur/apps/tag/tagger_net.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "recur/autograd/grad_mode.h"
#include "recur/ops/ops.h"

namespace recur::tag {
namespace {

TaggerShape small(const std::string& cell, bool bidirectional) {
  return {{.cell = cell,
           .vocab_size = 12,
           .embedding_dim = 5,
           .hidden_size = 7,
           .num_layers = 2,
           .bidirectional = bidirectional},
          /*num_tags=*/4};
}

// A sentence's per-token logits must not depend on the padding or on its batch mates: with a
// bidirectional layer the reverse direction would otherwise read padding first.
TEST(TaggerNet, LogitsOfASentenceDoNotDependOnItsBatch) {
  for (const char* cell : {"lstm", "gru", "rnn"}) {
    for (bool bidirectional : {false, true}) {
      Generator gen(1);
      TaggerNet net(small(cell, bidirectional), gen);
      NoGradGuard no_grad;
      const IndexTensor batch =
          IndexTensor::from_vector({3, 4}, {3, 4, 5, 0, 6, 0, 0, 0, 7, 8, 9, 10});
      const Tensor logits = net.forward(batch, {3, 1, 4});
      ASSERT_EQ(logits.shape(), (Shape{3, 4, 4}));
      const Tensor alone = net.forward(IndexTensor::from_vector({1, 3}, {3, 4, 5}), {3});
      ASSERT_EQ(alone.shape(), (Shape{1, 3, 4}));
      for (int64_t t = 0; t < 3; ++t) {
        for (int64_t c = 0; c < 4; ++c) {
          EXPECT_NEAR(logits.at({0, t, c}), alone.at({0, t, c}), 1e-5) << cell << bidirectional;
        }
      }
    }
  }
}

// Logits keep all T steps even when no sentence of the batch is T long, so they line up with
// the loader's [B, T] labels.
TEST(TaggerNet, LogitsHaveTheBatchStepsEvenWhenPaddedBeyondTheLongest) {
  Generator gen(5);
  TaggerNet net(small("lstm", true), gen);
  NoGradGuard no_grad;
  const Tensor logits =
      net.forward(IndexTensor::from_vector({2, 4}, {1, 2, 0, 0, 3, 0, 0, 0}), {2, 1});
  EXPECT_EQ(logits.shape(), (Shape{2, 4, 4}));
}

TEST(TaggerNet, ParameterNamesAreThoseOfThePyTorchModule) {
  Generator gen(2);
  TaggerNet net(small("lstm", true), gen);
  std::vector<std::string> names;
  for (const auto& [name, t] : net.named_parameters()) names.push_back(name);
  for (const char* expected : {"embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l1_reverse",
                               "fc.weight", "fc.bias"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(TaggerNet, GradientsReachEveryParameterButThePaddingRow) {
  Generator gen(3);
  TaggerNet net(small("lstm", true), gen);
  const Tensor logits = net.forward(IndexTensor::from_vector({2, 3}, {1, 2, 3, 4, 0, 0}), {3, 1});
  // Padding positions carry ignore_index, as train::SequenceLoader writes them.
  cross_entropy(logits, IndexTensor::from_vector({2, 3}, {0, 2, 1, 3, -100, -100})).backward();
  for (const auto& [name, p] : net.named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    double norm = 0;
    for (float g : p.grad().span()) norm += std::abs(g);
    EXPECT_GT(norm, 0.0) << name;
  }
  const Tensor embedding_grad = net.embedding->named_parameters()[0].second.grad();
  for (int64_t d = 0; d < 5; ++d) EXPECT_EQ(embedding_grad.at({0, d}), 0.0f);
}

TEST(TaggerNet, BadShapesAreErrors) {
  Generator gen(4);
  EXPECT_THROW(
      TaggerNet(TaggerShape{{.cell = "transformer", .vocab_size = 3}, /*num_tags=*/2}, gen),
      ValueError);
  EXPECT_THROW(TaggerNet(TaggerShape{{.vocab_size = 3}, /*num_tags=*/0}, gen), ValueError);
  TaggerNet net(small("rnn", false), gen);
  EXPECT_THROW(net.forward(IndexTensor::from_vector({2, 2}, {1, 2, 3, 4}), {2}), ShapeError);
  EXPECT_THROW(net.forward(IndexTensor::from_vector({1, 2}, {1, 99}), {2}), ValueError);
}

}  // namespace
}  // namespace recur::tag
