#include "recur/autograd/backward.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "recur/autograd/grad_mode.h"
#include "recur/autograd/node.h"

namespace recur {

namespace {

// Sum of two gradients as a new tensor, so that a gradient returned by one node and stored in
// two places is never modified in place.
Tensor sum_of(const Tensor& a, const Tensor& b) {
  Tensor out = Tensor::empty(a.shape());
  const float *x = a.data(), *y = b.data();
  float* z = out.data();
  const int64_t n = a.numel();
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) z[i] = x[i] + y[i];
  return out;
}

// dst += src, elementwise.
void add_into(float* dst, const Tensor& src) {
  const float* s = src.data();
  const int64_t n = src.numel();
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) dst[i] += s[i];
}

// A node output's gradient while its contributions arrive. The first is kept as returned (its
// producer may hold it elsewhere too); the second makes a sum in a buffer the engine owns, and
// every later one is added into that buffer in place. A tensor read at every step of a decoder
// (an encoder's memory) receives one contribution per step: new tensors for each would copy
// the whole sum every time.
struct GradSlot {
  Tensor sum;
  bool owned = false;
  void add(const Tensor& g) {
    if (!sum.defined()) {
      sum = g;
    } else if (!owned) {
      sum = sum_of(sum, g);
      owned = true;
    } else {
      add_into(sum.data(), g);
    }
  }
};

void check_grad_shape(const Tensor& grad, const Shape& expected, const Node& producer, size_t i) {
  if (grad.shape() != expected) {
    throw ShapeError("autograd: " + producer.name() + " returned a gradient of shape " +
                     shape_str(grad.shape()) + " for input " + std::to_string(i) + " of shape " +
                     shape_str(expected));
  }
}

// Where gradients end up: either accumulated into leaves' .grad, or captured for grad().
struct Sink {
  // Captured gradients by leaf impl, or by (node, output) for non-leaf tensors.
  std::unordered_map<const TensorImpl*, Tensor>* leaves = nullptr;
  std::map<std::pair<const Node*, int>, Tensor>* outputs = nullptr;

  void to_leaf(TensorImpl& leaf, const Tensor& grad) const {
    if (leaves != nullptr) {
      auto it = leaves->find(&leaf);
      if (it != leaves->end()) it->second = it->second.defined() ? sum_of(it->second, grad) : grad;
      return;
    }
    if (!leaf.grad) {
      leaf.grad = grad.clone().impl_ptr();
    } else {
      add_into(leaf.grad->storage->data() + leaf.grad->offset, grad);
    }
  }
  void at_node_output(const Node* node, int nr, const Tensor& grad) const {
    if (outputs == nullptr) return;
    auto it = outputs->find({node, nr});
    if (it != outputs->end()) it->second = grad;
  }
};

void propagate(const Tensor& root, const Tensor& grad_output, const Sink& sink) {
  if (!root.requires_grad()) {
    throw Error("backward: the tensor does not require grad and has no grad_fn");
  }
  Tensor seed = grad_output;
  if (!seed.defined()) {
    if (root.numel() != 1) {
      throw ShapeError("backward: a gradient is needed for a non-scalar tensor of shape " +
                       shape_str(root.shape()));
    }
    seed = Tensor::ones(root.shape());
  } else if (seed.shape() != root.shape()) {
    throw ShapeError("backward: gradient of shape " + shape_str(seed.shape()) +
                     " for a tensor of shape " + shape_str(root.shape()));
  }
  NoGradGuard no_grad;  // backward functions build no graph of their own
  if (root.is_leaf()) {
    sink.to_leaf(root.impl(), seed);
    return;
  }

  // Count, for every reachable node, how many edges lead into it.
  std::unordered_map<const Node*, int> pending;
  std::vector<Node*> stack{root.grad_fn().get()};
  std::unordered_set<const Node*> seen{root.grad_fn().get()};
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    for (const Edge& e : node->inputs()) {
      if (!e.node) continue;
      ++pending[e.node.get()];
      if (seen.insert(e.node.get()).second) stack.push_back(e.node.get());
    }
  }

  std::unordered_map<const Node*, std::vector<GradSlot>> buffers;
  auto buffer_of = [&](Node* node) -> std::vector<GradSlot>& {
    auto& buf = buffers[node];
    if (buf.empty()) buf.resize(node->output_shapes().size());
    return buf;
  };
  buffer_of(root.grad_fn().get())[static_cast<size_t>(root.impl().output_nr)].add(seed);

  std::vector<Node*> ready{root.grad_fn().get()};
  while (!ready.empty()) {
    Node* node = ready.back();
    ready.pop_back();
    std::vector<Tensor> grads;
    for (GradSlot& slot : buffer_of(node)) grads.push_back(std::move(slot.sum));
    buffers.erase(node);
    for (size_t k = 0; k < grads.size(); ++k) {
      if (!grads[k].defined()) grads[k] = Tensor::zeros(node->output_shapes()[k]);
      sink.at_node_output(node, static_cast<int>(k), grads[k]);
    }
    bool any_active = false;
    for (const Edge& e : node->inputs()) any_active = any_active || e.active();
    std::vector<Tensor> input_grads;
    if (any_active) input_grads = node->backward(grads);

    const auto& edges = node->inputs();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      const Tensor g = i < input_grads.size() ? input_grads[i] : Tensor();
      if (e.leaf && g.defined()) {
        check_grad_shape(g, e.leaf->shape, *node, i);
        sink.to_leaf(*e.leaf, g);
      }
      if (!e.node) continue;
      if (g.defined()) {
        check_grad_shape(g, e.node->output_shapes()[static_cast<size_t>(e.output_nr)], *node, i);
        buffer_of(e.node.get())[static_cast<size_t>(e.output_nr)].add(g);
      }
      if (--pending[e.node.get()] == 0) ready.push_back(e.node.get());
    }
  }
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& grad_output) {
  propagate(root, grad_output, Sink{});
}

std::vector<Tensor> grad(const Tensor& root, const std::vector<Tensor>& inputs,
                         const Tensor& grad_output) {
  std::unordered_map<const TensorImpl*, Tensor> leaves;
  std::map<std::pair<const Node*, int>, Tensor> outputs;
  for (const Tensor& t : inputs) {
    if (t.is_leaf())
      leaves[t.impl_ptr().get()] = Tensor();
    else
      outputs[{t.grad_fn().get(), t.impl().output_nr}] = Tensor();
  }
  propagate(root, grad_output, Sink{&leaves, &outputs});
  std::vector<Tensor> result;
  for (const Tensor& t : inputs) {
    Tensor g =
        t.is_leaf() ? leaves[t.impl_ptr().get()] : outputs[{t.grad_fn().get(), t.impl().output_nr}];
    result.push_back(g.defined() ? g : Tensor::zeros(t.shape()));
  }
  return result;
}

}  // namespace recur
