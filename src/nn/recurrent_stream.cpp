#include "recur/nn/recurrent_stream.h"

#include <algorithm>

#include "recur/kernels/step_matmul.h"
#include "recurrent_engine.h"

namespace recur::nn {

namespace {

kernels::PackedMatrix packed_transpose(const Tensor& w) {
  return kernels::PackedMatrix::from_transposed(w.size(0), w.size(1), w.data());
}

}  // namespace

RecurrentStream::RecurrentStream(const RecurrentLayer& layer, int64_t batch_size)
    : type_(layer.cell_type()), batch_(batch_size) {
  const RecurrentOptions& o = layer.options();
  if (o.bidirectional) {
    throw ValueError("RecurrentStream: a bidirectional " + layer.type_name() +
                     " cannot run step by step (its reverse direction needs the whole sequence)");
  }
  if (batch_size <= 0) {
    throw ValueError("RecurrentStream: batch_size must be > 0, got " + std::to_string(batch_size));
  }
  hidden_ = o.hidden_size;
  out_ = layer.output_hidden_size();
  gates_ = gate_count(type_) * hidden_;
  const detail::CellSpec cell{type_, hidden_, o.proj_size};
  for (int64_t l = 0; l < o.num_layers; ++l) {
    const auto& p = layer.parameters_of(l, 0);
    Layer s;
    s.input_size = p.weight_ih.size(1);
    s.w_ih = packed_transpose(p.weight_ih);
    s.w_hh = packed_transpose(p.weight_hh);
    if (p.weight_hr.defined()) s.w_hr = packed_transpose(p.weight_hr);
    const detail::DirectionWeights w{nullptr, nullptr,
                                     p.bias_ih.defined() ? p.bias_ih.data() : nullptr,
                                     p.bias_hh.defined() ? p.bias_hh.data() : nullptr, nullptr};
    s.bias = detail::folded_bias(cell, w);
    if (type_ == CellType::Gru && w.b_hh != nullptr) s.b_hh.assign(w.b_hh, w.b_hh + gates_);
    s.h.assign(batch_ * out_, 0.0f);
    if (type_ == CellType::Lstm) s.c.assign(batch_ * hidden_, 0.0f);
    layers_.push_back(std::move(s));
  }
  gates_buf_.resize(batch_ * gates_);
  if (type_ == CellType::Gru) gh_buf_.resize(batch_ * gates_);
  if (o.proj_size > 0) raw_buf_.resize(batch_ * hidden_);
}

// y [B, n] += v [B, K] * w [K, n]. Always the single-threaded packed kernel: a stream's step
// is one small product, below what a threaded BLAS call pays for.
void RecurrentStream::matmul_acc(const float* v, const kernels::PackedMatrix& w, float* y) const {
  kernels::step_matmul_acc(batch_, v, w.rows(), w.all(), y, w.cols());
}

void RecurrentStream::layer_step(Layer& s, const float* x) {
  const int64_t B = batch_, G = gates_;
  float* gates = gates_buf_.data();
  for (int64_t b = 0; b < B; ++b) std::copy(s.bias.begin(), s.bias.end(), gates + b * G);
  matmul_acc(x, s.w_ih, gates);
  // The rest of the step is the engine's, on this layer's own packed copies.
  detail::DirectionWeights w;
  w.b_hh = s.b_hh.empty() ? nullptr : s.b_hh.data();
  w.hh_packed = &s.w_hh;
  w.hr_packed = s.w_hr.empty() ? nullptr : &s.w_hr;
  const detail::CellSpec cell{type_, hidden_, s.w_hr.empty() ? 0 : out_};
  detail::step_forward(cell, w, B, gates, gh_buf_.data(), s.h.data(), s.c.data(), raw_buf_.data(),
                       nullptr, nullptr);
}

const float* RecurrentStream::step(const float* x_t) {
  const float* x = x_t;
  for (Layer& s : layers_) {
    layer_step(s, x);
    x = s.h.data();
  }
  return x;
}

Tensor RecurrentStream::step(const Tensor& x_t) {
  if (!x_t.defined()) throw ValueError("RecurrentStream input: undefined tensor");
  check_shape(x_t, {batch_, layers_[0].input_size}, "RecurrentStream input");
  const float* y = step(x_t.data());
  Tensor out = Tensor::empty({batch_, out_});
  std::copy(y, y + batch_ * out_, out.data());
  return out;
}

void RecurrentStream::reset() {
  for (Layer& s : layers_) {
    std::fill(s.h.begin(), s.h.end(), 0.0f);
    std::fill(s.c.begin(), s.c.end(), 0.0f);
  }
}

void RecurrentStream::reset(int64_t b) {
  if (b < 0 || b >= batch_) {
    throw ValueError("RecurrentStream::reset: sequence " + std::to_string(b) +
                     " is outside the batch of " + std::to_string(batch_));
  }
  for (Layer& s : layers_) {
    std::fill(s.h.begin() + b * out_, s.h.begin() + (b + 1) * out_, 0.0f);
    if (!s.c.empty()) std::fill(s.c.begin() + b * hidden_, s.c.begin() + (b + 1) * hidden_, 0.0f);
  }
}

void RecurrentStream::set_state(const Tensor& h, const Tensor& c) {
  const int64_t L = static_cast<int64_t>(layers_.size());
  if (h.defined()) check_shape(h, {L, batch_, out_}, "RecurrentStream h");
  if (c.defined()) {
    if (type_ != CellType::Lstm) throw ValueError("RecurrentStream: c is only used by LSTM");
    check_shape(c, {L, batch_, hidden_}, "RecurrentStream c");
  }
  for (int64_t l = 0; l < L; ++l) {
    Layer& s = layers_[l];
    if (h.defined()) {
      std::copy(h.data() + l * batch_ * out_, h.data() + (l + 1) * batch_ * out_, s.h.begin());
    } else {
      std::fill(s.h.begin(), s.h.end(), 0.0f);
    }
    if (c.defined()) {
      std::copy(c.data() + l * batch_ * hidden_, c.data() + (l + 1) * batch_ * hidden_,
                s.c.begin());
    } else {
      std::fill(s.c.begin(), s.c.end(), 0.0f);
    }
  }
}

Tensor RecurrentStream::h() const {
  std::vector<float> all;
  for (const Layer& s : layers_) all.insert(all.end(), s.h.begin(), s.h.end());
  return Tensor::from_vector({static_cast<int64_t>(layers_.size()), batch_, out_}, all);
}

Tensor RecurrentStream::c() const {
  if (type_ != CellType::Lstm) return {};
  std::vector<float> all;
  for (const Layer& s : layers_) all.insert(all.end(), s.c.begin(), s.c.end());
  return Tensor::from_vector({static_cast<int64_t>(layers_.size()), batch_, hidden_}, all);
}

}  // namespace recur::nn
