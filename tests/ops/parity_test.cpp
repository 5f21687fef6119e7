// Parity with PyTorch 1.13: outputs and input gradients of the losses, softmax, log_softmax,
// gelu, layer_norm and linear, and of the indexing ops (with the positions they return), against
// the committed fixtures written by tools/fixtures/make_ops_fixtures.py and
// make_indexing_fixtures.py (read the first for the case layout). Every case in a file is run,
// so adding a case to a script needs no change here.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "recur/io/safetensors.h"
#include "recur/ops/ops.h"
#include "test_support.h"

namespace recur {
namespace {

using Params = std::map<std::string, std::string>;

// "op=mse;reduction=mean" -> {op: mse, reduction: mean}
Params parse_params(const std::string& text) {
  Params out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ';')) {
    const size_t eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

Reduction reduction_of(const Params& p) {
  const std::string& r = p.at("reduction");
  if (r == "none") return Reduction::None;
  if (r == "sum") return Reduction::Sum;
  return Reduction::Mean;
}

std::vector<int64_t> to_indices(const Tensor& t) {
  std::vector<int64_t> out;
  for (float v : t.span()) out.push_back(static_cast<int64_t>(std::lround(v)));
  return out;
}

// |actual - expected| <= 1e-6 + 1e-5 |expected| elementwise.
void expect_close(const Tensor& actual, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (int64_t i = 0; i < actual.numel(); ++i) {
    const float a = actual.data()[i];
    const float e = expected.data()[i];
    EXPECT_LE(std::fabs(a - e), 1e-6f + 1e-5f * std::fabs(e))
        << what << " element " << i << ": recur " << a << ", torch " << e;
  }
}

class Case {
 public:
  Case(const TensorMap& tensors, std::string name) : tensors_(tensors), name_(std::move(name)) {}
  // A fixture tensor; `leaf` asks for a fresh copy that requires grad (checked afterwards).
  Tensor get(const std::string& key) const {
    auto it = tensors_.find(name_ + "." + key);
    if (it == tensors_.end()) throw IoError("fixture has no tensor " + name_ + "." + key);
    return it->second;
  }
  bool has(const std::string& key) const { return tensors_.count(name_ + "." + key) > 0; }
  Tensor input(const std::string& key) {
    Tensor t = get(key).clone().set_requires_grad(true);
    inputs_.emplace_back(key, t);
    return t;
  }
  // Positions stored as float32 (see the fixture scripts).
  IndexTensor index(const std::string& key) const {
    return IndexTensor::from_float(get(key), name_ + "." + key);
  }
  void check(const Tensor& y) {
    Tensor expected = get("y");
    // tools/fixtures/safetensors_io.py stores rank-0 arrays as [1] (np.ascontiguousarray).
    if (y.dim() == 0 && expected.shape() == Shape{1}) expected = expected.view({});
    expect_close(y, expected, name_ + " output");
    if (!has("gy")) return;  // a case without gradients (argmax, one_hot)
    y.backward(get("gy").view(y.shape()));
    for (const auto& [key, t] : inputs_) {
      ASSERT_TRUE(t.grad().defined()) << name_ << ": no gradient for " << key;
      expect_close(t.grad(), get("d" + key), name_ + " gradient of " + key);
    }
  }

 private:
  const TensorMap& tensors_;
  std::string name_;
  std::vector<std::pair<std::string, Tensor>> inputs_;
};

// The values of a max/topk result, after checking its positions against the fixture's.
Tensor checked_picks(const Case& c, const ValuesIndices& r) {
  EXPECT_EQ(r.indices, c.index("indices"));
  return r.values;
}

// The indexing ops; an undefined Tensor for other ops.
Tensor run_indexing_case(Case& c, const Params& p) {
  const std::string& op = p.at("op");
  const auto num = [&](const char* key) { return std::stoll(p.at(key)); };
  if (op == "argmax") return argmax(c.get("x"), num("dim")).to_float();
  if (op == "max") return checked_picks(c, max(c.input("x"), num("dim"), num("keepdim") != 0));
  if (op == "topk") {
    return checked_picks(c, topk(c.input("x"), num("k"), num("dim"), num("largest") != 0));
  }
  if (op == "gather") return gather(c.input("x"), num("dim"), c.index("index"));
  if (op == "index_select") return index_select(c.input("x"), num("dim"), c.index("index"));
  if (op == "masked_fill") {
    return masked_fill(c.input("x"), c.index("mask"), std::stof(p.at("value")));
  }
  if (op == "where") return where(c.index("mask"), c.input("a"), c.input("b"));
  if (op == "one_hot") return one_hot(c.index("index"), num("num_classes"));
  return Tensor();
}

Tensor run_case(Case& c, const Params& p) {
  const std::string& op = p.at("op");
  if (Tensor y = run_indexing_case(c, p); y.defined()) return y;
  if (op == "mse") return mse_loss(c.input("pred"), c.input("target"), reduction_of(p));
  if (op == "l1") return l1_loss(c.input("pred"), c.input("target"), reduction_of(p));
  if (op == "huber") {
    return huber_loss(c.input("pred"), c.input("target"), std::stof(p.at("delta")),
                      reduction_of(p));
  }
  if (op == "bce_logits") {
    return binary_cross_entropy_with_logits(c.input("logits"), c.input("target"), reduction_of(p),
                                            c.has("pos_weight") ? c.get("pos_weight") : Tensor());
  }
  if (op == "cross_entropy") {
    CrossEntropyOptions o;
    o.reduction = reduction_of(p);
    o.ignore_index = std::stoll(p.at("ignore_index"));
    o.label_smoothing = std::stof(p.at("label_smoothing"));
    if (c.has("weight")) o.weight = c.get("weight");
    if (c.has("mask")) o.mask = c.get("mask");
    return cross_entropy(c.input("logits"), to_indices(c.get("targets")), o);
  }
  if (op == "softmax") return softmax(c.input("x"), std::stoll(p.at("dim")));
  if (op == "log_softmax") return log_softmax(c.input("x"), std::stoll(p.at("dim")));
  if (op == "gelu") return gelu(c.input("x"));
  if (op == "layer_norm") {
    Tensor x = c.input("x");
    return layer_norm(x, {x.size(-1)}, c.input("weight"), c.input("bias"));
  }
  if (op == "linear") return linear(c.input("x"), c.input("weight"), c.input("bias"));
  throw ValueError("parity fixture: unknown op '" + op + "'");
}

void run_file(const std::string& file, size_t min_cases) {
  const io::SafetensorsFile f = io::read_safetensors(testing::fixture_path("ops/" + file));
  ASSERT_GE(f.metadata.size(), min_cases) << file << " lost cases";
  for (const auto& [name, text] : f.metadata) {
    SCOPED_TRACE(name);
    Case c(f.tensors, name);
    c.check(run_case(c, parse_params(text)));
  }
}

TEST(OpsParity, LossesMatchPyTorch) { run_file("losses.safetensors", 42); }

TEST(OpsParity, ActivationsAndLayersMatchPyTorch) { run_file("activations.safetensors", 9); }

TEST(OpsParity, IndexingMatchesPyTorch) { run_file("indexing.safetensors", 23); }

}  // namespace
}  // namespace recur
