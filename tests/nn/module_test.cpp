// Module: names, registration rules, modes, state_dict round trips and load errors.
#include "recur/nn/module.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "recur/nn/dropout.h"
#include "recur/nn/linear.h"
#include "recur/nn/sequential.h"
#include "recur/ops/activation.h"

namespace recur::nn {
namespace {

std::vector<std::string> names_of(const std::vector<Module::NamedTensor>& named) {
  std::vector<std::string> out;
  for (const auto& [name, t] : named) out.push_back(name);
  return out;
}

// A module shaped like an RNN layer with a head: parameters registered in a fixed order.
class Net : public Module {
 public:
  explicit Net(Generator& gen) {
    scale = register_parameter("scale", Tensor::ones({2}));
    body = register_module("body", std::make_shared<Sequential>());
    body->push_back(std::make_shared<Linear>(3, 4, true, gen));
    body->push_back([](const Tensor& x) { return tanh(x); }, "Tanh");
    body->push_back(std::make_shared<Linear>(4, 2, false, gen));
    weight_ih_l0 = register_parameter("weight_ih_l0", Tensor::zeros({4, 3}));
    steps = register_buffer("steps", Tensor::zeros({1}));
    drop = register_module("drop", std::make_shared<Dropout>(0.5f));
  }
  std::string type_name() const override { return "Net"; }

  Tensor scale, weight_ih_l0, steps;
  std::shared_ptr<Sequential> body;
  std::shared_ptr<Dropout> drop;
};

TEST(Module, NamedParametersUseDottedNamesInRegistrationOrder) {
  Generator gen(0);
  Net net(gen);
  EXPECT_EQ(names_of(net.named_parameters()),
            (std::vector<std::string>{"scale", "weight_ih_l0", "body.0.weight", "body.0.bias",
                                      "body.2.weight"}));
  EXPECT_EQ(names_of(net.named_parameters(/*recurse=*/false)),
            (std::vector<std::string>{"scale", "weight_ih_l0"}));
  EXPECT_EQ(names_of(net.named_buffers()), std::vector<std::string>{"steps"});
  EXPECT_EQ(net.num_parameters(), 2 + 12 + 12 + 4 + 8);
  for (const Tensor& p : net.parameters()) EXPECT_TRUE(p.requires_grad());
  EXPECT_FALSE(net.steps.requires_grad());
}

TEST(Module, ChildrenAreListedInOrder) {
  Generator gen(0);
  Net net(gen);
  auto children = net.named_children();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].first, "body");
  EXPECT_EQ(children[1].first, "drop");
  EXPECT_EQ(net.body->at<Functional>(1)->type_name(), "Tanh");
  EXPECT_THROW(net.body->at<Linear>(1), ValueError);
  EXPECT_THROW(net.body->at<Linear>(3), ValueError);
}

TEST(Module, StateDictHoldsParametersAndBuffersAndAliasesThem) {
  Generator gen(0);
  Net net(gen);
  TensorMap state = net.state_dict();
  std::vector<std::string> keys;
  for (const auto& [k, v] : state) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"body.0.bias", "body.0.weight", "body.2.weight",
                                            "scale", "steps", "weight_ih_l0"}));
  EXPECT_TRUE(state["body.0.weight"].shares_storage_with(net.body->at<Linear>(0)->weight));
  EXPECT_FALSE(state["scale"].requires_grad());  // detached, like PyTorch's state_dict
  state["scale"].fill_(7.0f);
  EXPECT_EQ(net.scale.at({1}), 7.0f);
  EXPECT_TRUE(allclose(net.tensor("body.2.weight"), net.body->at<Linear>(2)->weight));
  EXPECT_THROW(net.tensor("body.9.weight"), ValueError);
}

TEST(Module, TiedParametersAreListedOnce) {
  Generator gen(0);
  Module m;
  auto a = m.register_module("a", std::make_shared<Linear>(2, 2, false, gen));
  auto b = m.register_module("b", std::make_shared<Module>());
  b->register_parameter("w", a->weight);
  EXPECT_EQ(names_of(m.named_parameters()), std::vector<std::string>{"a.weight"});
  EXPECT_EQ(m.state_dict().size(), 2u);  // state_dict keeps both names, as PyTorch
}

TEST(Module, RegistrationRejectsBadNames) {
  Module m;
  m.register_parameter("w", Tensor::zeros({1}));
  EXPECT_THROW(m.register_parameter("w", Tensor::zeros({1})), ValueError);
  EXPECT_THROW(m.register_buffer("w", Tensor::zeros({1})), ValueError);
  EXPECT_THROW(m.register_module("w", std::make_shared<Module>()), ValueError);
  EXPECT_THROW(m.register_parameter("a.b", Tensor::zeros({1})), ValueError);
  EXPECT_THROW(m.register_parameter("", Tensor::zeros({1})), ValueError);
  EXPECT_THROW(m.register_parameter("u", Tensor()), ValueError);
  EXPECT_THROW(m.register_module("c", std::shared_ptr<Module>()), ValueError);
}

TEST(Module, TrainAndEvalPropagateToEveryDescendant) {
  Generator gen(0);
  Net net(gen);
  EXPECT_TRUE(net.is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.body->is_training());
  EXPECT_FALSE(net.body->at<Linear>(0)->is_training());
  EXPECT_FALSE(net.drop->is_training());
  net.train();
  EXPECT_TRUE(net.drop->is_training());
  EXPECT_TRUE(net.body->at<Functional>(1)->is_training());
}

TEST(Module, ZeroGradDropsEveryGradient) {
  Generator gen(0);
  Net net(gen);
  for (Tensor p : net.parameters()) p.set_grad(Tensor::ones(p.shape()));
  net.zero_grad();
  for (const Tensor& p : net.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Module, LoadStateDictCopiesValuesIntoTheSameTensors) {
  Generator gen1(1), gen2(2);
  Net a(gen1), b(gen2);
  const float* storage = b.body->at<Linear>(0)->weight.data();
  LoadResult r = b.load_state_dict(a.state_dict());
  EXPECT_TRUE(r.missing_keys.empty());
  EXPECT_TRUE(r.unexpected_keys.empty());
  EXPECT_EQ(b.body->at<Linear>(0)->weight.data(), storage);
  for (const auto& [name, t] : a.state_dict()) {
    EXPECT_EQ(max_abs_diff(t, b.tensor(name)), 0.0f) << name;
  }
}

TEST(Module, StrictLoadNamesEveryMissingUnexpectedAndMisshapedKey) {
  Generator gen(0);
  Net net(gen);
  TensorMap state = net.state_dict();
  const Tensor before = net.scale.clone();
  state.erase("body.0.bias");
  state.erase("steps");
  state["extra.weight"] = Tensor::zeros({1});
  state["scale"] = Tensor::zeros({3});
  try {
    net.load_state_dict(state);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Error(s) in loading state_dict for Net"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Missing key(s) in state_dict: \"body.0.bias\", \"steps\"."),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("Unexpected key(s) in state_dict: \"extra.weight\"."), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("size mismatch for scale: copying a param with shape [3] from checkpoint, "
                       "the shape in current model is [2]."),
              std::string::npos)
        << msg;
  }
  EXPECT_EQ(max_abs_diff(net.scale, before), 0.0f);  // nothing copied on failure
}

TEST(Module, NonStrictLoadReportsAndLoadsWhatMatches) {
  Generator gen(0);
  Net net(gen);
  TensorMap state;
  state["scale"] = Tensor::full({2}, 3.0f);
  state["bogus"] = Tensor::zeros({2});
  LoadResult r = net.load_state_dict(state, /*strict=*/false);
  EXPECT_EQ(net.scale.at({0}), 3.0f);
  EXPECT_EQ(r.unexpected_keys, std::vector<std::string>{"bogus"});
  EXPECT_EQ(r.missing_keys.size(), 5u);
  state["scale"] = Tensor::zeros({5});
  EXPECT_THROW(net.load_state_dict(state, false), ValueError);  // size mismatch always fails
}

TEST(Module, SaveAndLoadRoundTripThroughSafetensors) {
  Generator gen1(1), gen2(2);
  Net a(gen1), b(gen2);
  const std::string path =
      (std::filesystem::temp_directory_path() / "recur_module_test.safetensors").string();
  save(a, path);
  load(b, path);
  for (const auto& [name, t] : a.state_dict()) {
    EXPECT_EQ(max_abs_diff(t, b.tensor(name)), 0.0f) << name;
  }
  Module other;
  other.register_parameter("w", Tensor::zeros({1}));
  try {
    load(other, path);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace recur::nn
