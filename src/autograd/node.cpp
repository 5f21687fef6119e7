#include "recur/autograd/node.h"

#include "recur/autograd/grad_mode.h"

namespace recur {

namespace {

Edge edge_to(const Tensor& input) {
  if (!input.defined() || !input.requires_grad()) return {};
  const auto& impl = input.impl_ptr();
  if (impl->grad_fn) return {impl->grad_fn, impl->output_nr, nullptr};
  return {nullptr, 0, impl};
}

template <class Inputs>
bool any_requires_grad(const Inputs& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.defined() && t.requires_grad()) return true;
  }
  return false;
}

}  // namespace

bool needs_grad(std::initializer_list<Tensor> inputs) { return any_requires_grad(inputs); }
bool needs_grad(const std::vector<Tensor>& inputs) { return any_requires_grad(inputs); }

void connect(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs,
             const std::vector<Tensor*>& outputs) {
  node->inputs_.clear();
  for (const Tensor& input : inputs) node->inputs_.push_back(edge_to(input));
  node->output_shapes_.clear();
  int nr = 0;
  for (Tensor* out : outputs) {
    node->output_shapes_.push_back(out->shape());
    TensorImpl& impl = out->impl();
    impl.grad_fn = node;
    impl.output_nr = nr++;
    impl.requires_grad = false;
  }
}

void connect(const std::shared_ptr<Node>& node, std::initializer_list<Tensor> inputs,
             std::initializer_list<Tensor*> outputs) {
  connect(node, std::vector<Tensor>(inputs), std::vector<Tensor*>(outputs));
}

}  // namespace recur
