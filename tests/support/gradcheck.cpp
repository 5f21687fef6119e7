#include "gradcheck.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "recur/autograd/backward.h"
#include "recur/autograd/grad_mode.h"
#include "recur/tensor/random.h"

namespace recur::testing {

namespace {

// sum(out * weights) in double (see the header for why double).
double weighted_sum(const Tensor& out, const std::vector<float>& weights) {
  double acc = 0.0;
  const float* p = out.data();
  for (int64_t i = 0; i < out.numel(); ++i) {
    acc += static_cast<double>(p[i]) * static_cast<double>(weights[static_cast<size_t>(i)]);
  }
  return acc;
}

std::string index_str(const Shape& shape, int64_t flat) {
  Shape idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return shape_str(idx);
}

// Same numbers, fresh leaves, so the check never touches the caller's .grad.
std::vector<Tensor> fresh_leaves(const std::vector<Tensor>& inputs) {
  std::vector<Tensor> out;
  for (const Tensor& t : inputs) {
    Tensor c = t.clone();
    if (t.requires_grad()) c.set_requires_grad(true);
    out.push_back(c);
  }
  return out;
}

}  // namespace

::testing::AssertionResult GradcheckResult::assertion() const {
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << message;
}

GradcheckResult gradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  std::vector<Tensor> leaves = fresh_leaves(inputs);
  const Tensor out = fn(leaves);

  Generator gen(options.seed);
  std::vector<float> weights(static_cast<size_t>(out.numel()));
  for (float& w : weights) w = gen.uniform(-1.0f, 1.0f);

  std::vector<Tensor> checked;
  std::vector<size_t> checked_pos;
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].requires_grad()) {
      checked.push_back(leaves[i]);
      checked_pos.push_back(i);
    }
  }
  GradcheckResult result;
  if (checked.empty()) return result;
  if (!out.requires_grad()) {
    result.ok = false;
    result.message = "gradcheck: output does not require grad (no graph was recorded)";
    return result;
  }
  const Tensor seed = Tensor::from_vector(out.shape(), weights);
  const std::vector<Tensor> analytic = grad(out, checked, seed);

  NoGradGuard no_grad;  // the finite differences need no graph
  struct Worst {
    double exact = 0, numeric = 0, allowed = 0, scale = 0;
  } worst;
  for (size_t c = 0; c < checked.size(); ++c) {
    float* px = checked[c].data();
    for (int64_t k = 0; k < checked[c].numel(); ++k) {
      const float original = px[k];
      const float h = options.eps * std::max(1.0f, std::fabs(original));
      const float plus = original + h;
      const float minus = original - h;
      px[k] = plus;
      const double f_plus = weighted_sum(fn(leaves), weights);
      px[k] = minus;
      const double f_minus = weighted_sum(fn(leaves), weights);
      px[k] = original;
      const double numeric = (f_plus - f_minus) / (static_cast<double>(plus) - minus);
      const double exact = analytic[c].data()[k];
      const double scale = std::max(std::fabs(exact), std::fabs(numeric));
      const double allowed = options.atol + options.rtol * scale;
      double ratio = std::fabs(exact - numeric) / allowed;
      if (std::isnan(ratio)) ratio = INFINITY;
      if (result.worst_index < 0 || ratio > result.worst_error) {
        result.worst_error = static_cast<float>(ratio);
        result.worst_input = checked_pos[c];
        result.worst_index = k;
        worst = {exact, numeric, allowed, scale};
      }
    }
  }
  if (result.worst_error > 1.0f) {
    const Shape& shape = leaves[result.worst_input].shape();
    std::ostringstream msg;
    msg << "gradcheck: input " << result.worst_input << " (shape " << shape_str(shape)
        << ") element " << result.worst_index << " at " << index_str(shape, result.worst_index)
        << ": autograd " << worst.exact << ", finite difference " << worst.numeric << ", |diff| "
        << std::fabs(worst.exact - worst.numeric) << " > allowed " << worst.allowed << " (atol "
        << options.atol << " + rtol " << options.rtol << " * " << worst.scale << ")";
    result.ok = false;
    result.message = msg.str();
  }
  return result;
}

}  // namespace recur::testing
