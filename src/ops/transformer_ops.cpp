#include "recur/ops/transformer_ops.h"

#include <cmath>
#include <string>
#include <vector>

#include "lane_reduce.h"
#include "op_node.h"
#include "recur/kernels/activations.h"
#include "recur/kernels/gemm.h"
#include "recur/kernels/vector_ops.h"

namespace recur {

namespace {

using ops_detail::Grads;
using ops_detail::lane_dot;
using ops_detail::lane_sum;

// One row: h = (x + r - mean) * rstd (r may be null), returns rstd.
float normalize_row(const float* x, const float* r, float* h, int64_t n, float eps) {
  if (r != nullptr) {
    for (int64_t j = 0; j < n; ++j) h[j] = x[j] + r[j];
  } else {
    for (int64_t j = 0; j < n; ++j) h[j] = x[j];
  }
  const float mean = lane_sum(h, n) / static_cast<float>(n);
  for (int64_t j = 0; j < n; ++j) h[j] -= mean;
  const float rstd = 1.0f / std::sqrt(lane_dot(h, h, n) / static_cast<float>(n) + eps);
  for (int64_t j = 0; j < n; ++j) h[j] *= rstd;
  return rstd;
}

void check_row_vector(const Tensor& t, int64_t n, const char* what) {
  if (t.defined()) check_shape(t, {n}, std::string("add_layer_norm ") + what);
}

uint64_t splitmix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

Tensor add_layer_norm(const Tensor& x, const Tensor& residual, const Tensor& weight,
                      const Tensor& bias, float eps) {
  if (x.dim() < 1) check_rank(x, 1, "add_layer_norm x", "[..., N]");
  const int64_t N = x.size(-1);
  const int64_t R = N == 0 ? 0 : x.numel() / N;
  if (residual.defined()) check_shape(residual, x.shape(), "add_layer_norm residual");
  check_row_vector(weight, N, "weight");
  check_row_vector(bias, N, "bias");

  const bool grad = needs_grad({x, residual, weight, bias});
  Tensor y = Tensor::empty(x.shape());
  Tensor x_hat = grad ? Tensor::empty(x.shape()) : y;  // without backward, y is the scratch
  std::vector<float> rstd(static_cast<size_t>(grad ? R : 0));
  const float* w = weight.defined() ? weight.data() : nullptr;
  const float* b = bias.defined() ? bias.data() : nullptr;
  for (int64_t r = 0; r < R; ++r) {
    float* h = x_hat.data() + r * N;
    const float s = normalize_row(
        x.data() + r * N, residual.defined() ? residual.data() + r * N : nullptr, h, N, eps);
    if (grad) rstd[static_cast<size_t>(r)] = s;
    float* out = y.data() + r * N;
    for (int64_t j = 0; j < N; ++j) {
      out[j] = h[j] * (w != nullptr ? w[j] : 1.0f) + (b != nullptr ? b[j] : 0.0f);
    }
  }
  if (!grad) return y;

  ops_detail::record(
      "AddLayerNormBackward", {x, residual, weight, bias}, {&y},
      [x_hat, rstd = std::move(rstd), w = weight.defined() ? weight.detach() : Tensor(), N, R](
          const Grads& g, const Node& node) {
        const float* pg = g[0].data();
        const float* ph = x_hat.data();
        Tensor dx = Tensor::empty(x_hat.shape());
        std::vector<float> gh(static_cast<size_t>(N));
        for (int64_t r = 0; r < R; ++r) {
          // dx = rstd * (gh - mean(gh) - x_hat * mean(gh * x_hat)), gh = g * weight.
          const float* gr = pg + r * N;
          const float* hr = ph + r * N;
          for (int64_t j = 0; j < N; ++j)
            gh[static_cast<size_t>(j)] = gr[j] * (w.defined() ? w.data()[j] : 1.0f);
          const float mean_gh = lane_sum(gh.data(), N) / static_cast<float>(N);
          const float mean_gh_h = lane_dot(gh.data(), hr, N) / static_cast<float>(N);
          const float s = rstd[static_cast<size_t>(r)];
          float* d = dx.data() + r * N;
          for (int64_t j = 0; j < N; ++j) {
            d[j] = s * (gh[static_cast<size_t>(j)] - mean_gh - hr[j] * mean_gh_h);
          }
        }
        Tensor dw, db;
        if (node.needs_input_grad(2) || node.needs_input_grad(3)) {
          dw = Tensor::zeros({N});
          db = Tensor::zeros({N});
          float* pw = dw.data();
          float* pb = db.data();
          for (int64_t r = 0; r < R; ++r) {
            for (int64_t j = 0; j < N; ++j) {
              pw[j] += pg[r * N + j] * ph[r * N + j];
              pb[j] += pg[r * N + j];
            }
          }
        }
        // The sum's gradient is the same for both addends (the engine never writes into it).
        return Grads{dx, node.needs_input_grad(1) ? dx : Tensor(),
                     node.needs_input_grad(2) ? dw : Tensor(),
                     node.needs_input_grad(3) ? db : Tensor()};
      });
  return y;
}

Tensor linear_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                         FeedForwardActivation activation) {
  check_rank(weight, 2, "linear_activation weight", "[out_features, in_features]");
  const int64_t out_f = weight.size(0), in_f = weight.size(1);
  if (x.dim() < 1 || x.size(-1) != in_f) {
    throw ShapeError("linear_activation: input " + shape_str(x.shape()) +
                     " does not match weight " + shape_str(weight.shape()) + " (expected [..., " +
                     std::to_string(in_f) + "])");
  }
  if (bias.defined()) check_shape(bias, {out_f}, "linear_activation bias");
  const int64_t R = in_f == 0 ? 0 : x.numel() / in_f;
  Shape out_shape = x.shape();
  out_shape.back() = out_f;
  const bool gelu = activation == FeedForwardActivation::Gelu;
  // relu's backward needs only its output (y > 0 where x W^T + b > 0), gelu's its input.
  Tensor pre = Tensor::empty(out_shape);
  Tensor y = gelu ? Tensor::empty(out_shape) : pre;
  kernels::gemm(kernels::Trans::No, kernels::Trans::Yes, R, out_f, in_f, 1.0f, x.data(), in_f,
                weight.data(), in_f, 0.0f, pre.data(), out_f);
  for (int64_t r = 0; r < R; ++r) {
    float* row = pre.data() + r * out_f;
    if (bias.defined()) kernels::add_bias_rows(1, out_f, bias.data(), row, out_f);
    if (gelu) {
      kernels::gelu(row, y.data() + r * out_f, out_f);
    } else {
      kernels::relu(row, row, out_f);
    }
  }
  ops_detail::record(
      "LinearActivationBackward", {x, weight, bias}, {&y},
      [x = x.detach(), w = weight.detach(), saved = pre.detach(), gelu, R, in_f, out_f](
          const Grads& g, const Node& node) {
        Tensor dpre = Tensor::empty(saved.shape());
        if (gelu) {
          kernels::gelu_backward(saved.data(), g[0].data(), dpre.data(), dpre.numel());
        } else {
          kernels::relu_backward(saved.data(), g[0].data(), dpre.data(), dpre.numel());
        }
        Tensor dx, dw, db;
        if (node.needs_input_grad(0)) {
          dx = Tensor::empty(x.shape());
          kernels::gemm(kernels::Trans::No, kernels::Trans::No, R, in_f, out_f, 1.0f, dpre.data(),
                        out_f, w.data(), in_f, 0.0f, dx.data(), in_f);
        }
        if (node.needs_input_grad(1)) {
          dw = Tensor::empty(w.shape());
          kernels::gemm(kernels::Trans::Yes, kernels::Trans::No, out_f, in_f, R, 1.0f, dpre.data(),
                        out_f, x.data(), in_f, 0.0f, dw.data(), in_f);
        }
        if (node.needs_input_grad(2)) {
          db = Tensor::zeros({out_f});
          kernels::sum_rows(R, out_f, dpre.data(), out_f, db.data());
        }
        return Grads{dx, dw, db};
      });
  return y;
}

void hashed_dropout_mask(float* mask, int64_t n, float p, Generator& gen) {
  const uint64_t key = gen.next_u64();
  // uniform01() < p with 24-bit uniforms u * 2^-24 is u < ceil(p * 2^24).
  const auto threshold = static_cast<uint64_t>(std::ceil(static_cast<double>(p) * 0x1.0p24));
  const float keep = 1.0f / (1.0f - p);
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t u = splitmix64(key + static_cast<uint64_t>(i + 1) * 0x9E3779B97F4A7C15ULL) >> 40;
    mask[i] = u < threshold ? 0.0f : keep;
  }
}

Tensor hashed_dropout(const Tensor& x, float p, bool training, Generator& gen) {
  if (!(p >= 0.0f && p < 1.0f)) {
    throw ValueError("hashed_dropout: probability p must be in [0, 1), got " + std::to_string(p));
  }
  if (!training || p == 0.0f) return x;
  Tensor mask = Tensor::empty(x.shape());
  hashed_dropout_mask(mask.data(), mask.numel(), p, gen);
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  const float* pm = mask.data();
  float* py = y.data();
  for (int64_t i = 0; i < x.numel(); ++i) py[i] = px[i] * pm[i];
  ops_detail::record("HashedDropoutBackward", {x}, {&y}, [mask](const Grads& g, const Node&) {
    Tensor dx = Tensor::empty(mask.shape());
    const float* pg = g[0].data();
    const float* pm = mask.data();
    float* pd = dx.data();
    for (int64_t i = 0; i < mask.numel(); ++i) pd[i] = pg[i] * pm[i];
    return Grads{dx};
  });
  return y;
}

}  // namespace recur
