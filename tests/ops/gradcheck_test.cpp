// One table of (op, input shapes, input ranges) checked against finite differences: every
// differentiable op over a grid of shapes with size-1 dimensions, rank 0 and empty batches.
#include "gradcheck.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "ops_test_util.h"
#include "recur/ops/ops.h"

namespace recur {
namespace {

using testing::Fill;
using testing::TensorFunction;
using Inputs = std::vector<Tensor>;

struct OpCase {
  std::string name;
  std::vector<Shape> shapes;
  TensorFunction fn;
  std::vector<Fill> fills = {};  // per input; default uniform(-1, 1)
};

const Fill kAwayFromZero{0.1f, 1.0f, true};
const Fill kPositive{0.5f, 2.0f, false};

std::string shape_tag(const Shape& s) {
  if (s.empty()) return "scalar";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

std::string case_name(const std::string& op, const std::vector<Shape>& shapes) {
  std::string out = op;
  for (const Shape& s : shapes) out += "_" + shape_tag(s);
  return out;
}

const std::vector<Shape> kUnaryShapes = {{}, {1}, {5}, {2, 3}, {1, 4}, {3, 1}, {0, 3}, {2, 3, 2}};
const std::vector<std::pair<Shape, Shape>> kBinaryShapes = {
    {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 3}, {1}},    {{2, 1}, {1, 3}}, {{4, 1, 3}, {2, 1}},
    {{}, {2, 3}},     {{0, 3}, {3}}, {{0, 3}, {1, 3}}, {{1}, {1, 1}},    {{3, 1, 2}, {3, 4, 1}}};

void add_unary(std::vector<OpCase>& cases, const std::string& name, Tensor (*op)(const Tensor&),
               Fill fill = {}) {
  for (const Shape& s : kUnaryShapes) {
    cases.push_back(
        {case_name(name, {s}), {s}, [op](const Inputs& in) { return op(in[0]); }, {fill}});
  }
}

void add_binary(std::vector<OpCase>& cases, const std::string& name,
                Tensor (*op)(const Tensor&, const Tensor&), Fill fill_b = {}) {
  for (const auto& [a, b] : kBinaryShapes) {
    cases.push_back({case_name(name, {a, b}),
                     {a, b},
                     [op](const Inputs& in) { return op(in[0], in[1]); },
                     {Fill{}, fill_b}});
  }
}

void add_case(std::vector<OpCase>& cases, const std::string& name, std::vector<Shape> shapes,
              TensorFunction fn, std::vector<Fill> fills = {}) {
  cases.push_back({case_name(name, shapes), std::move(shapes), std::move(fn), std::move(fills)});
}

std::vector<OpCase> arithmetic_cases() {
  std::vector<OpCase> c;
  add_binary(c, "add", add);
  add_binary(c, "sub", sub);
  add_binary(c, "mul", mul);
  add_binary(c, "div", div, kAwayFromZero);
  add_unary(c, "neg", neg);
  for (const Shape& s : kUnaryShapes) {
    add_case(c, "scalar_ops", {s}, [](const Inputs& in) {
      return ((in[0] + 2.0f) * 3.0f - 1.0f) / 2.0f + (1.0f - in[0]) * 0.5f;
    });
    add_case(c, "rdiv", {s}, [](const Inputs& in) { return 2.0f / in[0]; }, {kAwayFromZero});
  }
  return c;
}

std::vector<OpCase> activation_cases() {
  std::vector<OpCase> c;
  add_unary(c, "tanh", tanh);
  add_unary(c, "sigmoid", sigmoid, {-4.0f, 4.0f});
  add_unary(c, "relu", relu, kAwayFromZero);
  add_unary(c, "gelu", gelu, {-3.0f, 3.0f});
  add_unary(c, "exp", exp);
  add_unary(c, "log", log, kPositive);
  add_unary(c, "sqrt", sqrt, kPositive);
  add_unary(c, "abs", abs, kAwayFromZero);
  add_unary(c, "square", square);
  return c;
}

std::vector<OpCase> matmul_cases() {
  std::vector<OpCase> c;
  auto mm = [](const Inputs& in) { return matmul(in[0], in[1]); };
  for (std::vector<Shape> s : std::vector<std::vector<Shape>>{{{3, 4}, {4, 2}},
                                                              {{2, 3, 4}, {4, 2}},
                                                              {{1, 4}, {4, 1}},
                                                              {{0, 4}, {4, 2}},
                                                              {{3, 0}, {0, 2}},
                                                              {{2, 3, 4}, {2, 4, 5}},
                                                              {{2, 1, 3, 2}, {2, 1, 2, 1}},
                                                              {{0, 3, 4}, {0, 4, 2}}}) {
    add_case(c, "matmul", s, mm);
  }
  auto mm_t = [](const Inputs& in) { return matmul_transposed(in[0], in[1]); };
  for (std::vector<Shape> s : std::vector<std::vector<Shape>>{
           {{2, 3, 4}, {2, 5, 4}}, {{3, 1, 4}, {3, 6, 4}}, {{2, 1, 3, 2}, {2, 1, 4, 2}}}) {
    add_case(c, "matmul_transposed", s, mm_t);
  }
  auto lin = [](const Inputs& in) { return linear(in[0], in[1], in[2]); };
  auto lin_nobias = [](const Inputs& in) { return linear(in[0], in[1]); };
  for (const Shape& x : std::vector<Shape>{{5, 3}, {2, 4, 3}, {1, 3}, {0, 3}, {3}}) {
    add_case(c, "linear", {x, {4, 3}, {4}}, lin);
    add_case(c, "linear_nobias", {x, {4, 3}}, lin_nobias);
  }
  add_case(c, "linear", {{2, 1}, {1, 1}, {1}}, lin);
  return c;
}

std::vector<OpCase> reduction_cases() {
  std::vector<OpCase> c;
  add_unary(c, "sum", static_cast<Tensor (*)(const Tensor&)>(sum));
  for (const Shape& s : kUnaryShapes) {
    if (!s.empty() && s[0] == 0) continue;  // the mean of nothing is NaN by definition
    add_case(c, "mean", {s}, [](const Inputs& in) { return mean(in[0]); });
  }
  for (const Shape& s : std::vector<Shape>{{2, 3}, {1, 4}, {3, 1}, {2, 3, 2}, {0, 3}}) {
    for (int64_t dim : {0, -1}) {
      for (bool keep : {false, true}) {
        const std::string tag = "_d" + std::to_string(dim + 1) + (keep ? "k" : "");
        add_case(c, "sum" + tag, {s},
                 [dim, keep](const Inputs& in) { return sum(in[0], dim, keep); });
        if (s[0] != 0 || dim != 0) {
          add_case(c, "mean" + tag, {s},
                   [dim, keep](const Inputs& in) { return mean(in[0], dim, keep); });
        }
      }
    }
  }
  return c;
}

std::vector<OpCase> shape_cases() {
  std::vector<OpCase> c;
  add_case(c, "reshape", {{2, 3, 2}}, [](const Inputs& in) { return reshape(in[0], {3, -1}); });
  add_case(c, "reshape", {{0, 3}}, [](const Inputs& in) { return reshape(in[0], {3, 0}); });
  add_case(c, "reshape", {{1}}, [](const Inputs& in) { return reshape(in[0], {}); });
  for (const Shape& s : std::vector<Shape>{{2, 3}, {2, 3, 4}, {1, 3, 1}, {0, 3}}) {
    add_case(c, "transpose01", {s}, [](const Inputs& in) { return transpose(in[0], 0, 1); });
    add_case(c, "transpose_last", {s}, [](const Inputs& in) { return transpose(in[0], -1, 0); });
  }
  add_case(c, "cat0", {{2, 3}, {1, 3}, {0, 3}}, [](const Inputs& in) {
    return cat({in[0], in[1], in[2]}, 0);
  });
  add_case(c, "cat1", {{2, 1, 2}, {2, 3, 2}}, [](const Inputs& in) {
    return cat({in[0], in[1]}, 1);
  });
  add_case(c, "cat_last", {{2, 1}, {2, 2}}, [](const Inputs& in) {
    return cat({in[0], in[1]}, -1);
  });
  add_case(c, "stack0", {{2, 3}, {2, 3}}, [](const Inputs& in) {
    return stack({in[0], in[1]}, 0);
  });
  add_case(c, "stack_last", {{2, 3}, {2, 3}, {2, 3}}, [](const Inputs& in) {
    return stack({in[0], in[1], in[2]}, -1);
  });
  add_case(c, "stack", {{0, 3}, {0, 3}}, [](const Inputs& in) { return stack({in[0], in[1]}, 1); });
  // Every piece used (in a new order), and only one piece used (the others get zero gradients).
  add_case(c, "split_all", {{2, 5}}, [](const Inputs& in) {
    auto p = split(in[0], {1, 0, 4}, 1);
    return cat({p[2], p[1], p[0] * 3.0f}, 1);
  });
  add_case(c, "split_one", {{6, 2}}, [](const Inputs& in) { return split(in[0], {2, 4}, 0)[1]; });
  add_case(c, "slice", {{4, 3}}, [](const Inputs& in) { return slice(in[0], 0, 1, 3); });
  add_case(c, "slice", {{2, 5, 2}}, [](const Inputs& in) { return slice(in[0], -2, 2, 5); });
  add_case(c, "slice_empty", {{4, 3}}, [](const Inputs& in) { return slice(in[0], 1, 2, 2); });
  add_case(c, "select", {{4, 3}}, [](const Inputs& in) { return select(in[0], 0, 2); });
  add_case(c, "select", {{2, 3, 2}}, [](const Inputs& in) { return select(in[0], 1, -1); });
  add_case(c, "select", {{1}}, [](const Inputs& in) { return select(in[0], 0, 0); });
  add_case(c, "index_select", {{4, 3}}, [](const Inputs& in) {
    return index_select(in[0], 0, {3, 0, 3, 1});
  });
  add_case(c, "index_select", {{2, 3, 2}}, [](const Inputs& in) {
    return index_select(in[0], 1, {2, 2});
  });
  add_case(c, "index_select", {{0, 3}}, [](const Inputs& in) {
    return index_select(in[0], 1, {0, 2});
  });
  for (int64_t d : {0, 1, -1}) {
    add_case(c, "unsqueeze" + std::to_string(d + 1), {{2, 3}},
             [d](const Inputs& in) { return unsqueeze(in[0], d); });
  }
  add_case(c, "squeeze", {{2, 1, 3}}, [](const Inputs& in) { return squeeze(in[0], 1); });
  add_case(c, "squeeze", {{1}}, [](const Inputs& in) { return squeeze(in[0], 0); });
  return c;
}

std::vector<OpCase> softmax_cases() {
  std::vector<OpCase> c;
  for (const Shape& s : std::vector<Shape>{{2, 3}, {1, 4}, {3, 1}, {0, 3}, {2, 3, 2}, {5}}) {
    for (int64_t dim : {0, -1}) {
      const std::string tag = dim == 0 ? "_d0" : "_dlast";
      add_case(c, "softmax" + tag, {s}, [dim](const Inputs& in) { return softmax(in[0], dim); },
               {{-3.0f, 3.0f}});
      add_case(c, "log_softmax" + tag, {s},
               [dim](const Inputs& in) { return log_softmax(in[0], dim); }, {{-3.0f, 3.0f}});
    }
  }
  add_case(c, "softmax_d1", {{2, 3, 2}}, [](const Inputs& in) { return softmax(in[0], 1); });
  return c;
}

std::vector<OpCase> layer_cases() {
  std::vector<OpCase> c;
  for (const Shape& s : std::vector<Shape>{{4, 5}, {0, 3}, {1}, {2, 3, 2}}) {
    add_case(c, "dropout", {s}, [](const Inputs& in) {
      Generator gen(7);  // the same mask in every evaluation
      return dropout(in[0], 0.3f, true, gen);
    });
  }
  auto ln = [](Shape ns) {
    return [ns](const Inputs& in) { return layer_norm(in[0], ns, in[1], in[2]); };
  };
  add_case(c, "layer_norm", {{3, 4}, {4}, {4}}, ln({4}));
  add_case(c, "layer_norm", {{2, 3, 4}, {3, 4}, {3, 4}}, ln({3, 4}));
  add_case(c, "layer_norm", {{0, 4}, {4}, {4}}, ln({4}));
  add_case(c, "layer_norm", {{3, 1}, {1}, {1}}, ln({1}));
  add_case(c, "layer_norm_plain", {{2, 5}},
           [](const Inputs& in) { return layer_norm(in[0], {5}); });
  add_case(c, "embedding", {{5, 3}}, [](const Inputs& in) {
    return embedding(in[0], {1, 4, 1, 0}, {2, 2});
  });
  add_case(c, "embedding_empty", {{5, 3}}, [](const Inputs& in) {
    return embedding(in[0], {}, {0, 2});
  });
  return c;
}

const std::vector<std::pair<std::string, Reduction>> kReductions = {
    {"none", Reduction::None}, {"mean", Reduction::Mean}, {"sum", Reduction::Sum}};

std::vector<OpCase> loss_cases() {
  std::vector<OpCase> c;
  // pred magnitudes in [1.2, 2], targets in [-1, 1]: |pred - target| >= 0.2 stays clear of the
  // kinks of l1 (0) and of huber with delta 0.1 (linear part) or 5 (quadratic part).
  const std::vector<Fill> apart = {{1.2f, 2.0f, true}, {-1.0f, 1.0f}};
  const std::vector<Fill> bce = {{-3.0f, 3.0f}, {0.0f, 1.0f}, {0.5f, 3.0f}};
  for (const auto& [tag, r] : kReductions) {
    for (const Shape& s : std::vector<Shape>{{2, 3}, {1}, {0, 3}, {4}}) {
      if (r == Reduction::Mean && s[0] == 0) continue;  // NaN by definition
      add_case(
          c, "mse_" + tag, {s, s}, [r](const Inputs& in) { return mse_loss(in[0], in[1], r); },
          apart);
      add_case(
          c, "l1_" + tag, {s, s}, [r](const Inputs& in) { return l1_loss(in[0], in[1], r); },
          apart);
      for (float delta : {0.1f, 5.0f}) {
        add_case(
            c, "huber_" + tag, {s, s},
            [r, delta](const Inputs& in) { return huber_loss(in[0], in[1], delta, r); }, apart);
      }
      add_case(
          c, "bce_logits_" + tag, {s, s},
          [r](const Inputs& in) { return binary_cross_entropy_with_logits(in[0], in[1], r); }, bce);
    }
    add_case(
        c, "bce_logits_pos_weight_" + tag, {{4, 3}, {4, 3}},
        [r](const Inputs& in) {
          const Tensor pos_weight = Tensor::from_vector({3}, {0.5f, 1.0f, 3.0f});
          return binary_cross_entropy_with_logits(in[0], in[1], r, pos_weight);
        },
        bce);
    // Cross-entropy: plain, ignore_index, class weights, label smoothing, mask, all at once.
    const std::vector<int64_t> targets = {0, 2, 1, 2, 0};
    const std::vector<int64_t> with_ignored = {0, -100, 1, 2, -100};
    Tensor weight = Tensor::from_vector({3}, {0.5f, 2.0f, 1.5f});
    Tensor mask = Tensor::from_vector({5}, {1, 1, 0, 1, 0});
    auto ce = [r](std::vector<int64_t> t, CrossEntropyOptions o) {
      o.reduction = r;
      return [t, o](const Inputs& in) { return cross_entropy(in[0], t, o); };
    };
    const std::vector<Fill> logits = {{-3.0f, 3.0f}};
    CrossEntropyOptions weighted, smoothed, masked, everything;
    weighted.weight = weight;
    smoothed.label_smoothing = 0.2f;
    masked.mask = mask;
    everything.weight = weight;
    everything.label_smoothing = 0.3f;
    everything.mask = mask;
    add_case(c, "ce_" + tag, {{5, 3}}, ce(targets, {}), logits);
    add_case(c, "ce_ignore_" + tag, {{5, 3}}, ce(with_ignored, {}), logits);
    add_case(c, "ce_weight_" + tag, {{5, 3}}, ce(targets, weighted), logits);
    add_case(c, "ce_smooth_" + tag, {{5, 3}}, ce(targets, smoothed), logits);
    add_case(c, "ce_mask_" + tag, {{5, 3}}, ce(targets, masked), logits);
    add_case(c, "ce_all_" + tag, {{5, 3}}, ce(with_ignored, everything), logits);
    add_case(c, "ce_seq_" + tag, {{1, 5, 3}}, ce(targets, {}), logits);
    if (r != Reduction::Mean) add_case(c, "ce_empty_" + tag, {{0, 3}}, ce({}, {}), logits);
  }
  return c;
}

std::vector<OpCase> all_cases() {
  std::vector<OpCase> all;
  for (auto make : {arithmetic_cases, activation_cases, matmul_cases, reduction_cases, shape_cases,
                    softmax_cases, layer_cases, loss_cases}) {
    for (OpCase& c : make()) all.push_back(std::move(c));
  }
  // Names must be unique for gtest: number repeats.
  std::map<std::string, int> seen;
  for (OpCase& c : all) {
    const int n = seen[c.name]++;
    if (n > 0) c.name += "_" + std::to_string(n);
  }
  return all;
}

// gtest prints parameters; the name says it all.
void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

class OpGradcheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpGradcheck, MatchesFiniteDifferences) {
  const OpCase& c = GetParam();
  Generator gen(42);
  Inputs inputs;
  for (size_t i = 0; i < c.shapes.size(); ++i) {
    inputs.push_back(testing::leaf(c.shapes[i], i < c.fills.size() ? c.fills[i] : Fill{}, gen));
  }
  // The forward pass must also give the shape autograd saw for every input.
  const Tensor out = c.fn(inputs);
  ASSERT_TRUE(out.requires_grad());
  EXPECT_TRUE(testing::gradcheck(c.fn, inputs).assertion());
}

INSTANTIATE_TEST_SUITE_P(Ops, OpGradcheck, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) {
                           std::string name = info.param.name;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace recur
