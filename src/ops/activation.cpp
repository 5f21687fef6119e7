#include "recur/ops/activation.h"

#include <cmath>

#include "elementwise.h"
#include "op_node.h"
#include "recur/kernels/activations.h"

namespace recur {

namespace {

using ops_detail::Grads;

// One elementwise op: y = f(x) forward, dx = df(x, y) * dy backward.
template <class F, class DF>
Tensor unary_op(const char* name, const Tensor& x, F f, DF df) {
  Tensor y = ops_detail::map_unary(x, f);
  ops_detail::record(
      name, {x}, {&y}, [x = x.detach(), y = y.detach(), df](const Grads& g, const Node&) {
        return Grads{ops_detail::zip3(
            g[0], x, y, [df](float gv, float xv, float yv) { return gv * df(xv, yv); })};
      });
  return y;
}

using ForwardKernel = void (*)(const float* x, float* y, int64_t n);
// dx = dy * f'(.), from the saved input or output (as the kernel documents).
using BackwardKernel = void (*)(const float* saved, const float* dy, float* dx, int64_t n);

// An activation computed by the vectorised kernels of recur/kernels/activations.h.
Tensor kernel_op(const char* name, const Tensor& x, ForwardKernel forward, BackwardKernel backward,
                 bool backward_uses_output) {
  Tensor y = Tensor::empty(x.shape());
  forward(x.data(), y.data(), x.numel());
  const Tensor saved = backward_uses_output ? y.detach() : x.detach();
  ops_detail::record(name, {x}, {&y}, [saved, backward](const Grads& g, const Node&) {
    Tensor dx = Tensor::empty(saved.shape());
    backward(saved.data(), g[0].data(), dx.data(), saved.numel());
    return Grads{dx};
  });
  return y;
}

}  // namespace

Tensor tanh(const Tensor& x) {
  return kernel_op("TanhBackward", x, kernels::tanh, kernels::tanh_backward, true);
}

Tensor sigmoid(const Tensor& x) {
  return kernel_op("SigmoidBackward", x, kernels::sigmoid, kernels::sigmoid_backward, true);
}

Tensor relu(const Tensor& x) {
  return kernel_op("ReluBackward", x, kernels::relu, kernels::relu_backward, false);
}

Tensor gelu(const Tensor& x) {
  return kernel_op("GeluBackward", x, kernels::gelu, kernels::gelu_backward, false);
}

Tensor exp(const Tensor& x) {
  Tensor y = Tensor::empty(x.shape());
  kernels::exp(x.data(), y.data(), x.numel());
  ops_detail::record("ExpBackward", {x}, {&y}, [y = y.detach()](const Grads& g, const Node&) {
    return Grads{ops_detail::zip(g[0], y, [](float gv, float yv) { return gv * yv; })};
  });
  return y;
}

Tensor log(const Tensor& x) {
  return unary_op(
      "LogBackward", x, [](float v) { return std::log(v); },
      [](float v, float) { return 1.0f / v; });
}

Tensor sqrt(const Tensor& x) {
  return unary_op(
      "SqrtBackward", x, [](float v) { return std::sqrt(v); },
      [](float, float y) { return 0.5f / y; });
}

Tensor abs(const Tensor& x) {
  return unary_op(
      "AbsBackward", x, [](float v) { return std::fabs(v); },
      [](float v, float) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); });
}

Tensor square(const Tensor& x) {
  return unary_op(
      "SquareBackward", x, [](float v) { return v * v; }, [](float v, float) { return 2.0f * v; });
}

}  // namespace recur
