// Elementwise nonlinearities and math functions, each one autograd node with a hand-written
// backward. gelu is PyTorch's default exact form 0.5 * x * (1 + erf(x / sqrt(2))).
// At the kinks (relu and abs at 0) the gradient is 0, as in PyTorch. tanh, sigmoid, relu, gelu
// and exp run on the vectorised kernels of recur/kernels/activations.h.
#pragma once

#include "recur/tensor/tensor.h"

namespace recur {

Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor gelu(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);   // NaN/-inf outside (0, inf), as std::log
Tensor sqrt(const Tensor& x);  // NaN below 0, as std::sqrt
Tensor abs(const Tensor& x);
Tensor square(const Tensor& x);  // x * x with one node

}  // namespace recur
