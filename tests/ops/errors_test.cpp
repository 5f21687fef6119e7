// Bad input: every op rejects it with a ShapeError or ValueError whose message names the op and
// what was expected.
#include <gtest/gtest.h>

#include <string>

#include "recur/ops/ops.h"

namespace recur {
namespace {

// Runs fn, expects an exception of type E whose message contains `needle`.
template <class E, class Fn>
void expect_error(Fn fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "no exception; expected one mentioning: " << needle;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << needle;
  }
}

const Tensor x23 = Tensor::zeros({2, 3});

TEST(OpsErrors, BroadcastMismatch) {
  expect_error<ShapeError>([] { add(x23, Tensor::zeros({4})); },
                           "add: shapes [2, 3] and [4] cannot be broadcast");
  expect_error<ShapeError>([] { x23* Tensor::zeros({3, 3}); }, "mul: shapes [2, 3] and [3, 3]");
  expect_error<ShapeError>([] { div(Tensor::zeros({2, 1, 4}), x23); }, "div: shapes");
  expect_error<ShapeError>([] { sub(x23, Tensor::zeros({2})); }, "sub: shapes");
}

TEST(OpsErrors, MatmulAndLinearShapes) {
  expect_error<ShapeError>(
      [] {
        matmul(x23, Tensor::zeros({2, 3}));
      },
      "matmul: shapes [2, 3] and [2, 3] cannot be multiplied");
  expect_error<ShapeError>([] { matmul(Tensor::zeros({3}), x23); }, "matmul");
  expect_error<ShapeError>(
      [] {
        matmul(Tensor::zeros({2, 2, 3}), Tensor::zeros({3, 3, 4}));
      },
      "equal leading");
  expect_error<ShapeError>(
      [] {
        linear(x23, Tensor::zeros({4, 2}));
      },
      "linear: input [2, 3] does not match weight [4, 2]");
  expect_error<ShapeError>(
      [] {
        linear(x23, Tensor::zeros({4, 3}), Tensor::zeros({3}));
      },
      "linear bias: expected [4], got [3]");
  expect_error<ShapeError>([] { linear(x23, Tensor::zeros({12})); }, "linear weight");
}

TEST(OpsErrors, BadDims) {
  expect_error<ShapeError>([] { sum(x23, 2); }, "sum: dim 2 out of range for a tensor of rank 2");
  expect_error<ShapeError>([] { mean(x23, -3); }, "mean: dim -3");
  expect_error<ShapeError>([] { softmax(x23, 5); }, "softmax: dim 5");
  expect_error<ShapeError>([] { log_softmax(x23, -3); }, "log_softmax");
  expect_error<ShapeError>([] { transpose(x23, 0, 2); }, "transpose");
  expect_error<ShapeError>([] { unsqueeze(x23, 3); }, "unsqueeze");
  expect_error<ShapeError>([] { squeeze(x23, 0); }, "squeeze: dim 0 of shape [2, 3] has size 2");
  expect_error<ShapeError>(
      [] {
        cat({x23, Tensor::zeros({2, 2})}, 0);
      },
      "cat: tensor 1 has shape [2, 2], tensor 0 has [2, 3]");
  expect_error<ShapeError>([] { cat({x23, Tensor::zeros({2, 3, 1})}, 0); }, "cat");
  expect_error<ValueError>([] { cat({}, 0); }, "cat: needs at least one tensor");
  expect_error<ShapeError>(
      [] {
        stack({x23, Tensor::zeros({3, 2})}, 0);
      },
      "all shapes must be equal");
  expect_error<ShapeError>([] { split(x23, {1, 1}, 1); }, "split: sizes add up to 2");
  expect_error<ShapeError>([] { slice(x23, 1, 2, 4); }, "slice: range [2, 4) out of bounds");
  expect_error<ShapeError>([] { slice(x23, 1, 2, 1); }, "slice");
  expect_error<ShapeError>([] { select(x23, 0, 2); }, "select: index 2 out of range");
  expect_error<ShapeError>([] { reshape(x23, {4, -1}); }, "view");
  expect_error<ShapeError>([] { layer_norm(x23, {2}); },
                           "layer_norm: input [2, 3] does not end with normalized_shape [2]");
  expect_error<ShapeError>([] { layer_norm(x23, {3}, Tensor::ones({2})); },
                           "layer_norm: weight has shape [2]");
}

TEST(OpsErrors, OutOfRangeIndices) {
  expect_error<ValueError>(
      [] {
        index_select(x23, 1, {0, 3});
      },
      "index_select: index 3 at position 1 out of range [0, 3)");
  expect_error<ValueError>([] { index_select(x23, 0, {-1}); }, "index -1");
  expect_error<ValueError>(
      [] {
        embedding(x23, {0, 2}, {2});
      },
      "embedding: index 2 at position 1 out of range [0, 2)");
  expect_error<ValueError>([] { embedding(x23, {-1}, {1}); }, "embedding: index -1");
  expect_error<ShapeError>([] { embedding(x23, {0, 1}, {3}); }, "index_shape [3] needs 3");
  expect_error<ValueError>(
      [] {
        cross_entropy(x23, {0, 3});
      },
      "cross_entropy: target 3 at position 1 out of range [0, 3)");
  expect_error<ValueError>([] { cross_entropy(x23, {-1, 0}); }, "target -1 at position 0");
}

TEST(OpsErrors, DropoutProbability) {
  for (float p : {-0.1f, 1.0f, 1.5f, std::nanf("")}) {
    expect_error<ValueError>([p] { dropout(x23, p, true); },
                             "dropout: probability p must be in [0, 1)");
    expect_error<ValueError>([p] { dropout(x23, p, false); }, "dropout");
  }
}

TEST(OpsErrors, LossShapesAndOptions) {
  expect_error<ShapeError>([] { mse_loss(x23, Tensor::zeros({3})); },
                           "mse_loss: pred shape [2, 3] and target shape [3] differ");
  expect_error<ShapeError>([] { l1_loss(x23, Tensor::zeros({3, 2})); }, "l1_loss: pred shape");
  expect_error<ShapeError>([] { huber_loss(x23, Tensor::zeros({2})); }, "huber_loss");
  expect_error<ValueError>([] { huber_loss(x23, x23, 0.0f); }, "delta must be positive");
  expect_error<ShapeError>([] { binary_cross_entropy_with_logits(x23, Tensor::zeros({2})); },
                           "logits shape [2, 3] and target shape [2] differ");
  expect_error<ShapeError>(
      [] { binary_cross_entropy_with_logits(x23, x23, Reduction::Mean, Tensor::ones({2})); },
      "pos_weight");
  expect_error<ShapeError>(
      [] {
        cross_entropy(x23, {0, 1, 2});
      },
      "logits [2, 3] hold 2 positions but targets has 3 entries");
  CrossEntropyOptions o;
  o.weight = Tensor::ones({2});
  expect_error<ShapeError>(
      [o] {
        cross_entropy(x23, {0, 1}, o);
      },
      "cross_entropy weight: expected [C], got [2]");
  o = {};
  o.mask = Tensor::ones({3});
  expect_error<ShapeError>([o] { cross_entropy(x23, {0, 1}, o); }, "mask [3]");
  o.mask = Tensor::from_vector({2}, {1, 0.5f});
  expect_error<ValueError>([o] { cross_entropy(x23, {0, 1}, o); }, "mask entry 1 is 0.5");
  o = {};
  o.label_smoothing = 1.5f;
  expect_error<ValueError>([o] { cross_entropy(x23, {0, 1}, o); }, "label_smoothing");
  expect_error<ShapeError>([] { cross_entropy(Tensor::zeros({2, 0}), {0, 1}); }, "C > 0");
}

}  // namespace
}  // namespace recur
