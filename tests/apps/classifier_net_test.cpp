#include "recur/apps/classify/classifier_net.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "recur/autograd/grad_mode.h"
#include "recur/ops/ops.h"

namespace recur::classify {
namespace {

ClassifierShape small(const std::string& cell, bool bidirectional) {
  return {{.cell = cell,
           .vocab_size = 12,
           .embedding_dim = 5,
           .hidden_size = 7,
           .num_layers = 2,
           .bidirectional = bidirectional},
          /*num_classes=*/3};
}

// A sequence's logits must not depend on the padding or on its batch mates.
TEST(ClassifierNet, LogitsOfASequenceDoNotDependOnItsBatch) {
  for (const char* cell : {"lstm", "gru", "rnn"}) {
    for (bool bidirectional : {false, true}) {
      Generator gen(1);
      ClassifierNet net(small(cell, bidirectional), gen);
      NoGradGuard no_grad;
      const IndexTensor batch =
          IndexTensor::from_vector({3, 4}, {3, 4, 5, 0, 6, 0, 0, 0, 7, 8, 9, 10});
      const Tensor logits = net.forward(batch, {3, 1, 4});
      ASSERT_EQ(logits.shape(), (Shape{3, 3}));
      const Tensor alone = net.forward(IndexTensor::from_vector({1, 3}, {3, 4, 5}), {3});
      for (int64_t c = 0; c < 3; ++c) {
        EXPECT_NEAR(logits.at({0, c}), alone.at({0, c}), 1e-5) << cell << bidirectional;
      }
    }
  }
}

TEST(ClassifierNet, ParameterNamesAreThoseOfThePyTorchModule) {
  Generator gen(2);
  ClassifierNet net(small("gru", true), gen);
  std::vector<std::string> names;
  for (const auto& [name, t] : net.named_parameters()) names.push_back(name);
  for (const char* expected : {"embedding.weight", "gru.weight_ih_l0", "gru.weight_hh_l1_reverse",
                               "fc.weight", "fc.bias"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(ClassifierNet, GradientsReachEveryParameterButThePaddingRow) {
  Generator gen(3);
  ClassifierNet net(small("lstm", false), gen);
  const Tensor logits = net.forward(IndexTensor::from_vector({2, 3}, {1, 2, 3, 4, 0, 0}), {3, 1});
  cross_entropy(logits, std::vector<int64_t>{0, 2}).backward();
  for (const auto& [name, p] : net.named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    double norm = 0;
    for (float g : p.grad().span()) norm += std::abs(g);
    EXPECT_GT(norm, 0.0) << name;
  }
  const Tensor embedding_grad = net.embedding->named_parameters()[0].second.grad();
  for (int64_t d = 0; d < 5; ++d) EXPECT_EQ(embedding_grad.at({0, d}), 0.0f);
}

TEST(ClassifierNet, BadShapesAreErrors) {
  Generator gen(4);
  EXPECT_THROW(
      ClassifierNet(ClassifierShape{{.cell = "transformer", .vocab_size = 3}, /*num_classes=*/2},
                    gen),
      ValueError);
  ClassifierNet net(small("rnn", false), gen);
  EXPECT_THROW(net.forward(IndexTensor::from_vector({2, 2}, {1, 2, 3, 4}), {2}), ShapeError);
  EXPECT_THROW(net.forward(IndexTensor::from_vector({1, 2}, {1, 99}), {2}), ValueError);
}

}  // namespace
}  // namespace recur::classify
