// The reverse-mode engine: runs each reachable Node once, in an order where every node has all
// of its output gradients before it runs, and accumulates into the .grad of leaves. Tensor's
// backward() calls this.
#pragma once

#include "recur/tensor/tensor.h"

namespace recur {

// Seeds `root` with `grad_output` (ones of root's shape if undefined and root has one element)
// and propagates. Gradients accumulate (+=) into leaves, as in PyTorch.
void run_backward(const Tensor& root, const Tensor& grad_output = Tensor());

// Computes d(root)/d(inputs) without touching any .grad; returns one tensor per input
// (zeros where root does not depend on it). Used by gradient checks and higher-level code.
std::vector<Tensor> grad(const Tensor& root, const std::vector<Tensor>& inputs,
                         const Tensor& grad_output = Tensor());

}  // namespace recur
