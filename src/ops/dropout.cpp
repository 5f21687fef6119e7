#include "recur/ops/dropout.h"

#include <string>

#include "elementwise.h"
#include "op_node.h"

namespace recur {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen) {
  if (!(p >= 0.0f && p < 1.0f)) {
    throw ValueError("dropout: probability p must be in [0, 1), got " + std::to_string(p));
  }
  if (!training || p == 0.0f) return x;
  // mask holds 0 for dropped elements and 1/(1-p) for kept ones, so backward is g * mask.
  const float scale = 1.0f / (1.0f - p);
  Tensor mask = Tensor::empty(x.shape());
  for (float& m : mask.span()) m = gen.bernoulli(p) ? 0.0f : scale;
  Tensor y = ops_detail::zip(x, mask, [](float v, float m) { return v * m; });
  ops_detail::record("DropoutBackward", {x}, {&y}, [mask](const ops_detail::Grads& g, const Node&) {
    return ops_detail::Grads{ops_detail::zip(g[0], mask, [](float v, float m) { return v * m; })};
  });
  return y;
}

}  // namespace recur
