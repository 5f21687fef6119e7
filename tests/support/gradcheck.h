// Finite-difference gradient checking for tests of differentiable ops and layers.
//
// gradcheck(fn, inputs) draws fixed random weights W shaped like fn's output and compares the
// gradients autograd computes for L = sum(fn(inputs) * W) with central differences
// (L(x + h) - L(x - h)) / (x+h - (x-h)) taken one input element at a time. Only inputs with
// requires_grad() are checked (pass a layer's weights as inputs too: tensors captured by fn are
// not perturbed; the check works on copies, so the callers' .grad stay untouched). On failure the
// message names the worst element: which input, its flat and multi-dimensional index, both
// gradients and the error.
//
//   auto r = recur::testing::gradcheck(
//       [](const std::vector<Tensor>& in) { return tanh(in[0]) * in[1]; }, {x, y});
//   EXPECT_TRUE(r) << r.message;       // or EXPECT_TRUE(r.assertion())
//
// Accuracy (why the defaults are what they are). Tensors are float32, so:
// - The loss L is accumulated in double from the float outputs, never in float. Outputs that do
//   not depend on the perturbed element are bit-identical in both evaluations and cancel
//   exactly, so the numeric difference carries only the rounding of the outputs that changed
//   (~6e-8 relative each), not that of the whole sum.
// - The step is relative, h = eps * max(1, |x|) with eps = 1e-2, and the divisor is the step
//   actually representable in float ((x+h) - (x-h) computed in float). With h ~ 1e-2 the
//   rounding error of the quotient is ~1e-7 * |out| / 1e-2 ~ 1e-5 |out|, and the truncation error
//   of the central difference is ~h^2 |f'''| / 6 ~ 2e-5 |f'''|; a larger eps grows the second,
//   a smaller one the first.
// - Hence the tolerance |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|) with
//   atol = 2e-3 and rtol = 1e-2: two orders above both error sources for well-scaled inputs
//   (|x| and |out| of order 1), while a wrong gradient (missing factor, wrong sign, dropped
//   broadcast term) is off by O(1).
// - fn must be deterministic (seed any randomness inside it) and the inputs must stay a step h
//   away from kinks (relu/abs at 0, the Huber threshold), where no finite difference is valid.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur::testing {

using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

struct GradcheckOptions {
  float eps = 1e-2f;   // relative step: h = eps * max(1, |x|)
  float atol = 2e-3f;  // see the header comment for why
  float rtol = 1e-2f;
  uint64_t seed = 1234;  // seed of the random output weights W
};

struct GradcheckResult {
  bool ok = true;
  std::string message;     // empty when ok; else names the worst element
  float worst_error = 0;   // largest |analytic - numeric| / (atol + rtol * scale) seen (<= 1 ok)
  size_t worst_input = 0;  // where that was
  int64_t worst_index = -1;
  explicit operator bool() const { return ok; }
  ::testing::AssertionResult assertion() const;
};

GradcheckResult gradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace recur::testing
