#include "recur/nn/init.h"

#include <cmath>
#include <vector>

namespace recur::nn::init {

namespace {

float fan_for(const Tensor& t, FanMode mode) {
  const Fans fans = calculate_fan_in_and_fan_out(t);
  return static_cast<float>(mode == FanMode::FanIn ? fans.fan_in : fans.fan_out);
}

// Thin QR of a tall matrix a [m, n] (m >= n, row-major) by
// Gram-Schmidt with one re-orthogonalisation pass (accurate to double rounding), giving the Q
// whose R has a positive diagonal: the same Q LAPACK's geqrf gives after PyTorch's sign fix.
std::vector<double> orthonormal_columns(std::vector<double> a, int64_t m, int64_t n) {
  auto at = [&](int64_t i, int64_t j) -> double& { return a[i * n + j]; };
  for (int64_t j = 0; j < n; ++j) {
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t k = 0; k < j; ++k) {
        double dot = 0.0;
        for (int64_t i = 0; i < m; ++i) dot += at(i, k) * at(i, j);
        for (int64_t i = 0; i < m; ++i) at(i, j) -= dot * at(i, k);
      }
    }
    double norm = 0.0;
    for (int64_t i = 0; i < m; ++i) norm += at(i, j) * at(i, j);
    norm = std::sqrt(norm);
    if (norm == 0.0) throw ValueError("orthogonal_: random matrix was rank deficient");
    for (int64_t i = 0; i < m; ++i) at(i, j) /= norm;
  }
  return a;
}

}  // namespace

Fans calculate_fan_in_and_fan_out(const Tensor& t) {
  if (t.dim() < 2) {
    throw ValueError("fan in and fan out need a tensor of at least 2 dimensions, got " +
                     shape_str(t.shape()));
  }
  int64_t receptive = 1;
  for (int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

float calculate_gain(const std::string& nonlinearity, float param) {
  if (nonlinearity == "linear" || nonlinearity == "sigmoid" || nonlinearity == "identity" ||
      nonlinearity.starts_with("conv")) {
    return 1.0f;
  }
  if (nonlinearity == "tanh") return 5.0f / 3.0f;
  if (nonlinearity == "relu") return std::sqrt(2.0f);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0f / (1.0f + param * param));
  if (nonlinearity == "selu") return 3.0f / 4.0f;
  throw ValueError("calculate_gain: unsupported nonlinearity \"" + nonlinearity + "\"");
}

Tensor zeros_(Tensor t) { return constant_(t, 0.0f); }
Tensor ones_(Tensor t) { return constant_(t, 1.0f); }
Tensor constant_(Tensor t, float value) {
  t.fill_(value);
  return t;
}

Tensor uniform_(Tensor t, Generator& gen, float low, float high) {
  if (!(low <= high)) {
    throw ValueError("uniform_: expected low <= high, got " + std::to_string(low) + " > " +
                     std::to_string(high));
  }
  for (float& v : t.span()) v = gen.uniform(low, high);
  return t;
}

Tensor normal_(Tensor t, Generator& gen, float mean, float stddev) {
  if (!(stddev >= 0.0f)) throw ValueError("normal_: stddev must be >= 0");
  for (float& v : t.span()) v = gen.normal(mean, stddev);
  return t;
}

Tensor kaiming_uniform_(Tensor t, Generator& gen, float a, FanMode mode,
                        const std::string& nonlinearity) {
  const float stddev = calculate_gain(nonlinearity, a) / std::sqrt(fan_for(t, mode));
  const float bound = std::sqrt(3.0f) * stddev;
  return uniform_(t, gen, -bound, bound);
}

Tensor kaiming_normal_(Tensor t, Generator& gen, float a, FanMode mode,
                       const std::string& nonlinearity) {
  const float stddev = calculate_gain(nonlinearity, a) / std::sqrt(fan_for(t, mode));
  return normal_(t, gen, 0.0f, stddev);
}

Tensor xavier_uniform_(Tensor t, Generator& gen, float gain) {
  const Fans fans = calculate_fan_in_and_fan_out(t);
  const float stddev = gain * std::sqrt(2.0f / static_cast<float>(fans.fan_in + fans.fan_out));
  const float bound = std::sqrt(3.0f) * stddev;
  return uniform_(t, gen, -bound, bound);
}

Tensor xavier_normal_(Tensor t, Generator& gen, float gain) {
  const Fans fans = calculate_fan_in_and_fan_out(t);
  const float stddev = gain * std::sqrt(2.0f / static_cast<float>(fans.fan_in + fans.fan_out));
  return normal_(t, gen, 0.0f, stddev);
}

Tensor orthogonal_(Tensor t, Generator& gen, float gain) {
  if (t.dim() < 2) {
    throw ValueError("orthogonal_: needs a tensor of at least 2 dimensions, got " +
                     shape_str(t.shape()));
  }
  if (t.numel() == 0) return t;
  const int64_t rows = t.size(0);
  const int64_t cols = t.numel() / rows;
  // Work on the tall orientation [m, n], m >= n; the wide case is its transpose.
  const bool wide = rows < cols;
  const int64_t m = wide ? cols : rows;
  const int64_t n = wide ? rows : cols;
  std::vector<double> flat(static_cast<size_t>(rows * cols));
  for (double& v : flat) v = gen.normal();
  std::vector<double> tall(flat.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const double v = flat[r * cols + c];
      if (wide) {
        tall[c * n + r] = v;
      } else {
        tall[r * n + c] = v;
      }
    }
  }
  const std::vector<double> q = orthonormal_columns(std::move(tall), m, n);
  float* out = t.data();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const double v = wide ? q[c * n + r] : q[r * n + c];
      out[r * cols + c] = static_cast<float>(gain * v);
    }
  }
  return t;
}

}  // namespace recur::nn::init
