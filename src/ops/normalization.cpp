#include "recur/ops/normalization.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "op_node.h"

namespace recur {

namespace {

void check_normalized_shape(const Tensor& x, const Shape& normalized_shape) {
  const size_t k = normalized_shape.size();
  const bool ok = x.shape().size() >= k &&
                  std::equal(normalized_shape.begin(), normalized_shape.end(), x.shape().end() - k);
  if (!ok || k == 0) {
    throw ShapeError("layer_norm: input " + shape_str(x.shape()) +
                     " does not end with normalized_shape " + shape_str(normalized_shape));
  }
}

void check_affine(const Tensor& t, const Shape& normalized_shape, const char* what) {
  if (t.defined() && t.shape() != normalized_shape) {
    throw ShapeError(std::string("layer_norm: ") + what + " has shape " + shape_str(t.shape()) +
                     ", expected normalized_shape " + shape_str(normalized_shape));
  }
}

}  // namespace

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight,
                  const Tensor& bias, float eps) {
  check_normalized_shape(x, normalized_shape);
  check_affine(weight, normalized_shape, "weight");
  check_affine(bias, normalized_shape, "bias");
  const int64_t N = shape_numel(normalized_shape);
  const int64_t R = N == 0 ? 0 : x.numel() / N;

  // x_hat = (x - mean) * rstd per row; saved for backward together with rstd.
  Tensor x_hat = Tensor::empty(x.shape());
  std::vector<float> rstd(static_cast<size_t>(R));
  for (int64_t r = 0; r < R; ++r) {
    const float* row = x.data() + r * N;
    double s = 0.0;
    for (int64_t j = 0; j < N; ++j) s += row[j];
    const double mu = s / static_cast<double>(N);
    double ss = 0.0;
    for (int64_t j = 0; j < N; ++j) ss += (row[j] - mu) * (row[j] - mu);
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(N) + eps);
    rstd[static_cast<size_t>(r)] = static_cast<float>(inv);
    float* out = x_hat.data() + r * N;
    for (int64_t j = 0; j < N; ++j) out[j] = static_cast<float>((row[j] - mu) * inv);
  }
  Tensor y = Tensor::empty(x.shape());
  for (int64_t r = 0; r < R; ++r) {
    const float* h = x_hat.data() + r * N;
    float* out = y.data() + r * N;
    for (int64_t j = 0; j < N; ++j) {
      out[j] = h[j] * (weight.defined() ? weight.data()[j] : 1.0f) +
               (bias.defined() ? bias.data()[j] : 0.0f);
    }
  }

  ops_detail::record(
      "LayerNormBackward", {x, weight, bias}, {&y},
      [x_hat, rstd = std::move(rstd), w = weight.defined() ? weight.detach() : Tensor(),
       ns = normalized_shape, N, R](const ops_detail::Grads& g, const Node& node) {
        const float* pg = g[0].data();
        const float* ph = x_hat.data();
        Tensor dx, dw, db;
        if (node.needs_input_grad(0)) {
          dx = Tensor::empty(x_hat.shape());
          std::vector<float> gh(static_cast<size_t>(N));
          for (int64_t r = 0; r < R; ++r) {
            // dx = rstd * (gh - mean(gh) - x_hat * mean(gh * x_hat)), gh = g * weight.
            double mean_gh = 0.0, mean_gh_h = 0.0;
            for (int64_t j = 0; j < N; ++j) {
              const float v = pg[r * N + j] * (w.defined() ? w.data()[j] : 1.0f);
              gh[static_cast<size_t>(j)] = v;
              mean_gh += v;
              mean_gh_h += v * ph[r * N + j];
            }
            mean_gh /= static_cast<double>(N);
            mean_gh_h /= static_cast<double>(N);
            const float s = rstd[static_cast<size_t>(r)];
            for (int64_t j = 0; j < N; ++j) {
              dx.data()[r * N + j] = static_cast<float>(
                  s * (gh[static_cast<size_t>(j)] - mean_gh - ph[r * N + j] * mean_gh_h));
            }
          }
        }
        if (node.needs_input_grad(1) || node.needs_input_grad(2)) {
          dw = Tensor::zeros(ns);
          db = Tensor::zeros(ns);
          for (int64_t r = 0; r < R; ++r) {
            for (int64_t j = 0; j < N; ++j) {
              dw.data()[j] += pg[r * N + j] * ph[r * N + j];
              db.data()[j] += pg[r * N + j];
            }
          }
          if (!node.needs_input_grad(1)) dw = Tensor();
          if (!node.needs_input_grad(2)) db = Tensor();
        }
        return ops_detail::Grads{dx, dw, db};
      });
  return y;
}

}  // namespace recur
