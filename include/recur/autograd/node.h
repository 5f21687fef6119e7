// The autograd graph. Each differentiable operation that ran with gradients enabled leaves one
// Node: it knows its inputs (as edges) and how to turn the gradients of its outputs into the
// gradients of its inputs. Nodes are coarse: a whole recurrent layer is one Node with a
// hand-written BPTT backward, so the graph stays short.
//
// Writing an operation:
//   Tensor y = compute(x);
//   if (needs_grad({x})) {
//     auto node = std::make_shared<MyBackward>(saved...);   // derives from Node
//     connect(node, {x}, {&y});
//   }
// Saved tensors that are outputs of the same node must be stored detached (y.detach()), or the
// output would keep its own node alive in a cycle.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur {

// Where a gradient goes: into another node's output slot, or into a leaf's .grad.
struct Edge {
  std::shared_ptr<Node> node;        // producer of the input, or null
  int output_nr = 0;                 // which output of `node`
  std::shared_ptr<TensorImpl> leaf;  // leaf that requires grad, or null
  bool active() const { return node != nullptr || leaf != nullptr; }
};

class Node {
 public:
  virtual ~Node() = default;
  // Receives one gradient per output (zeros where no gradient flowed) and returns one per
  // input, in the order the inputs were connected. A returned undefined Tensor means "no
  // gradient for this input".
  virtual std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) = 0;
  virtual std::string name() const = 0;

  const std::vector<Edge>& inputs() const { return inputs_; }
  const std::vector<Shape>& output_shapes() const { return output_shapes_; }
  // True when input i needs a gradient; backward may skip work for the others.
  bool needs_input_grad(size_t i) const { return i < inputs_.size() && inputs_[i].active(); }

 private:
  friend void connect(const std::shared_ptr<Node>&, std::initializer_list<Tensor>,
                      std::initializer_list<Tensor*>);
  friend void connect(const std::shared_ptr<Node>&, const std::vector<Tensor>&,
                      const std::vector<Tensor*>&);
  std::vector<Edge> inputs_;
  std::vector<Shape> output_shapes_;
};

// True when gradients are enabled and any input requires grad.
bool needs_grad(std::initializer_list<Tensor> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// Records `node` as the producer of `outputs` with the given inputs (undefined inputs allowed:
// they get inactive edges).
void connect(const std::shared_ptr<Node>& node, std::initializer_list<Tensor> inputs,
             std::initializer_list<Tensor*> outputs);
void connect(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs,
             const std::vector<Tensor*>& outputs);

}  // namespace recur
