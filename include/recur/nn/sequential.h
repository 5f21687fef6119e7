// Sequential: modules applied one after another, each taking and returning one Tensor. Children
// are named "0", "1", ... in order, so parameters are "0.weight", "2.bias", ... as in
// torch.nn.Sequential. Parameterless steps (activations) are wrapped in a Functional module so
// they take an index, as nn.Tanh() does in PyTorch.
//
//   auto net = std::make_shared<nn::Sequential>();
//   net->push_back(std::make_shared<nn::Linear>(4, 8, true, gen));
//   net->push_back([](const Tensor& x) { return tanh(x); }, "Tanh");
//   net->push_back(std::make_shared<nn::Linear>(8, 1, true, gen));
//   Tensor y = net->forward(x);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "recur/nn/module.h"

namespace recur::nn {

// A parameterless module around a function.
class Functional : public Module {
 public:
  using Fn = std::function<Tensor(const Tensor&)>;
  explicit Functional(Fn fn, std::string name = "Functional")
      : fn_(std::move(fn)), name_(std::move(name)) {}

  std::string type_name() const override { return name_; }
  Tensor forward(const Tensor& x) const { return fn_(x); }

 private:
  Fn fn_;
  std::string name_;
};

class Sequential : public Module {
 public:
  Sequential() = default;
  template <class... Ms>
  explicit Sequential(std::shared_ptr<Ms>... modules) {
    (push_back(std::move(modules)), ...);
  }

  std::string type_name() const override { return "Sequential"; }

  // Appends a module with `Tensor forward(const Tensor&)` and returns it.
  template <class M>
  std::shared_ptr<M> push_back(std::shared_ptr<M> module) {
    register_module(std::to_string(steps_.size()), module);
    // The raw pointer is owned by the children list, which lives as long as steps_.
    steps_.push_back([m = module.get()](const Tensor& x) { return m->forward(x); });
    return module;
  }
  // Appends a parameterless step.
  std::shared_ptr<Functional> push_back(Functional::Fn fn, std::string name = "Functional") {
    return push_back(std::make_shared<Functional>(std::move(fn), std::move(name)));
  }

  Tensor forward(const Tensor& x) const;

  size_t size() const { return steps_.size(); }
  // The i-th module as its own type; ValueError if i is out of range or the type differs.
  template <class M>
  std::shared_ptr<M> at(size_t i) const {
    auto typed = std::dynamic_pointer_cast<M>(children().at(checked_index(i)));
    if (!typed) throw ValueError("Sequential: module " + std::to_string(i) + " has another type");
    return typed;
  }

 private:
  size_t checked_index(size_t i) const;

  std::vector<std::function<Tensor(const Tensor&)>> steps_;
};

}  // namespace recur::nn
