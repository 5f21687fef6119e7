// Internal: how an op in src/ops records its one autograd node. Most ops need nothing but a
// backward closure, so instead of a Node subclass per op they hand a lambda to record():
//
//   Tensor y = ...forward...;
//   record("TanhBackward", {x}, {&y}, [y = y.detach()](const Grads& g, const Node& node) {
//     return Grads{...dx...};
//   });
//
// record() does nothing unless gradients are enabled and an input requires grad, so ops can call
// it unconditionally. Closures must capture outputs of the same op detached (see node.h).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "recur/autograd/node.h"

namespace recur::ops_detail {

using Grads = std::vector<Tensor>;
using BackwardFn = std::function<Grads(const Grads& grad_outputs, const Node& node)>;

class LambdaNode : public Node {
 public:
  LambdaNode(const char* name, BackwardFn fn) : name_(name), fn_(std::move(fn)) {}
  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) override {
    return fn_(grad_outputs, *this);
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
  BackwardFn fn_;
};

inline void record(const char* name, const std::vector<Tensor>& inputs,
                   const std::vector<Tensor*>& outputs, BackwardFn fn) {
  if (!needs_grad(inputs)) return;
  connect(std::make_shared<LambdaNode>(name, std::move(fn)), inputs, outputs);
}

}  // namespace recur::ops_detail
