// Sampling works row by row in double: a row's filtered distribution is built from its logits
// (sampling_weights) and one id drawn from it (draw_index). Nothing here is differentiable.
#include "recur/ops/sampling.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace recur {

namespace {

std::string float_str(float v) {
  if (std::isnan(v)) return "nan";
  return std::to_string(v);
}

// Uniform in [0, 1) with 53 random bits (Generator::uniform01 has only 24).
double uniform53(Generator& gen) { return static_cast<double>(gen.next_u64() >> 11) * 0x1.0p-53; }

// An index drawn with probability w[i] / total (w >= 0, total = their sum in index order) by
// inverse CDF; never an index of weight 0.
int64_t draw_index(const std::vector<double>& w, double total, Generator& gen) {
  const double target = uniform53(gen) * total;
  double cumulative = 0.0;
  int64_t last_positive = -1;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] <= 0.0) continue;
    last_positive = static_cast<int64_t>(i);
    cumulative += w[i];
    if (target < cumulative) return last_positive;
  }
  return last_positive;  // target rounded up to the total
}

double normalise(std::vector<double>& w) {
  double total = 0.0;
  for (double v : w) total += v;
  for (double& v : w) v /= total;
  return total;
}

// Logits viewed as [rows, V]; ShapeError unless [V] or [B, V] with V >= 1.
struct RowsView {
  int64_t rows = 0;
  int64_t width = 0;
};

RowsView rows_of(const Tensor& t, const char* op, const char* what) {
  if ((t.dim() != 1 && t.dim() != 2) || t.size(-1) == 0) {
    throw ShapeError(std::string(op) + ": " + what + " must be [V] or [B, V] with V >= 1, got " +
                     shape_str(t.shape()));
  }
  return {t.dim() == 2 ? t.size(0) : 1, t.size(-1)};
}

// ValueError unless the row has no NaN or +inf and at least one finite logit.
void check_logit_row(const Tensor& logits, int64_t r, const float* x, int64_t width) {
  bool any_finite = false;
  for (int64_t v = 0; v < width; ++v) {
    if (std::isnan(x[v]) || x[v] == INFINITY) {
      throw ValueError("sample: logit " + float_str(x[v]) + " at position " +
                       position_str(logits.shape(), r * width + v) + " (NaN and +inf are not " +
                       "allowed)");
    }
    any_finite = any_finite || std::isfinite(x[v]);
  }
  if (!any_finite) {
    throw ValueError("sample: row " + std::to_string(r) + " of logits " +
                     shape_str(logits.shape()) + " has no finite logit");
  }
}

int64_t argmax_row(const float* x, int64_t width) {
  return std::max_element(x, x + width) - x;  // the first of equal maxima
}

// Zeroes every weight whose logit is below the k-th largest logit.
void keep_top_k(const float* x, int64_t width, int64_t k, std::vector<double>& w) {
  if (k >= width) return;
  std::vector<float> sorted(x, x + width);
  std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<>());
  const float kth = sorted[static_cast<size_t>(k - 1)];
  for (int64_t v = 0; v < width; ++v) {
    if (x[v] < kth) w[static_cast<size_t>(v)] = 0.0;
  }
}

// Keeps the smallest set of most probable tokens (ties in index order) whose probabilities
// (w, summing to 1) add up to >= p; zeroes the rest.
void keep_top_p(double p, std::vector<double>& w) {
  std::vector<size_t> order(w.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return w[a] > w[b]; });
  double cumulative = 0.0;
  for (size_t i : order) {
    if (cumulative < p)
      cumulative += w[i];
    else
      w[i] = 0.0;
  }
}

// The row's filtered, normalised distribution (temperature > 0).
std::vector<double> sampling_weights(const float* x, int64_t width, const SamplingOptions& o) {
  const float top = *std::max_element(x, x + width);
  std::vector<double> w(static_cast<size_t>(width));
  // (x - top) / T in double: no overflow for tiny T, and exp(0) = 1 for the top logit.
  for (int64_t v = 0; v < width; ++v) {
    w[static_cast<size_t>(v)] = std::exp((static_cast<double>(x[v]) - top) / o.temperature);
  }
  if (o.top_k) keep_top_k(x, width, *o.top_k, w);
  normalise(w);
  if (o.top_p < 1.0f) {
    keep_top_p(o.top_p, w);
    normalise(w);
  }
  return w;
}

bool greedy(const SamplingOptions& o) { return o.temperature == 0.0f; }

}  // namespace

void validate(const SamplingOptions& o) {
  if (!(std::isfinite(o.temperature) && o.temperature >= 0.0f)) {
    throw ValueError("sampling: temperature must be finite and >= 0 (0 = greedy), got " +
                     float_str(o.temperature));
  }
  if (o.top_k && *o.top_k < 1) {
    throw ValueError("sampling: top_k must be >= 1 (or unset to keep all), got " +
                     std::to_string(*o.top_k));
  }
  if (!(o.top_p > 0.0f && o.top_p <= 1.0f)) {
    throw ValueError("sampling: top_p must be in (0, 1], got " + float_str(o.top_p));
  }
}

// logits [B, V] -> [B], [V] -> []
IndexTensor sample(const Tensor& logits, const SamplingOptions& options, Generator& gen) {
  validate(options);
  const RowsView r = rows_of(logits, "sample", "logits");
  IndexTensor ids = IndexTensor::zeros({r.rows});
  for (int64_t b = 0; b < r.rows; ++b) {
    const float* x = logits.data() + b * r.width;
    check_logit_row(logits, b, x, r.width);
    if (greedy(options)) {
      ids.data()[b] = argmax_row(x, r.width);
    } else {
      const std::vector<double> w = sampling_weights(x, r.width, options);
      ids.data()[b] = draw_index(w, 1.0, gen);
    }
  }
  return logits.dim() == 1 ? ids.reshape({}) : ids;
}

Tensor sampling_distribution(const Tensor& logits, const SamplingOptions& options) {
  validate(options);
  const RowsView r = rows_of(logits, "sampling_distribution", "logits");
  Tensor out = Tensor::zeros(logits.shape());
  for (int64_t b = 0; b < r.rows; ++b) {
    const float* x = logits.data() + b * r.width;
    check_logit_row(logits, b, x, r.width);
    float* y = out.data() + b * r.width;
    if (greedy(options)) {
      y[argmax_row(x, r.width)] = 1.0f;
      continue;
    }
    const std::vector<double> w = sampling_weights(x, r.width, options);
    for (int64_t v = 0; v < r.width; ++v) y[v] = static_cast<float>(w[static_cast<size_t>(v)]);
  }
  return out;
}

// probs [B, V] -> [B, n], [V] -> [n]
IndexTensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement,
                        Generator& gen) {
  const RowsView r = rows_of(probs, "multinomial", "probs");
  if (num_samples < 1) {
    throw ValueError("multinomial: num_samples must be >= 1, got " + std::to_string(num_samples));
  }
  IndexTensor ids = IndexTensor::zeros({r.rows, num_samples});
  for (int64_t b = 0; b < r.rows; ++b) {
    const float* p = probs.data() + b * r.width;
    std::vector<double> w(p, p + r.width);
    int64_t nonzero = 0;
    for (int64_t v = 0; v < r.width; ++v) {
      if (!(std::isfinite(p[v]) && p[v] >= 0.0f)) {
        throw ValueError("multinomial: probability " + float_str(p[v]) + " at position " +
                         position_str(probs.shape(), b * r.width + v) + " is not finite and >= 0");
      }
      nonzero += p[v] > 0.0f;
    }
    if (nonzero == 0 || (!replacement && num_samples > nonzero)) {
      throw ValueError("multinomial: row " + std::to_string(b) + " has " + std::to_string(nonzero) +
                       " nonzero probabilities, too few for " + std::to_string(num_samples) +
                       " draws" + (replacement ? "" : " without replacement"));
    }
    for (int64_t s = 0; s < num_samples; ++s) {
      double total = 0.0;
      for (double v : w) total += v;
      const int64_t id = draw_index(w, total, gen);
      ids.data()[b * num_samples + s] = id;
      if (!replacement) w[static_cast<size_t>(id)] = 0.0;
    }
  }
  return probs.dim() == 1 ? ids.reshape({num_samples}) : ids;
}

}  // namespace recur
