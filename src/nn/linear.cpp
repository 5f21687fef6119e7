#include "recur/nn/linear.h"

#include <cmath>

#include "recur/nn/init.h"
#include "recur/ops/matmul.h"

namespace recur::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias, Generator& gen)
    : in_features_(in_features), out_features_(out_features) {
  if (in_features < 0 || out_features < 0) {
    throw ValueError("Linear: sizes must be >= 0, got in_features=" + std::to_string(in_features) +
                     ", out_features=" + std::to_string(out_features));
  }
  weight = register_parameter("weight", Tensor::zeros({out_features, in_features}));
  if (bias) this->bias = register_parameter("bias", Tensor::zeros({out_features}));
  reset_parameters(gen);
}

void Linear::reset_parameters(Generator& gen) {
  // kaiming_uniform(a = sqrt(5)) reduces to U(-1/sqrt(in), 1/sqrt(in)); PyTorch uses the same
  // bound for the bias.
  init::kaiming_uniform_(weight, gen, std::sqrt(5.0f));
  if (bias.defined()) {
    const float bound = in_features_ > 0 ? 1.0f / std::sqrt(static_cast<float>(in_features_)) : 0;
    init::uniform_(bias, gen, -bound, bound);
  }
}

Tensor Linear::forward(const Tensor& x) const {
  if (x.dim() < 1 || x.size(-1) != in_features_) {
    throw ShapeError("Linear input: expected [..., " + std::to_string(in_features_) + "], got " +
                     shape_str(x.shape()));
  }
  return linear(x, weight, bias);
}

}  // namespace recur::nn
