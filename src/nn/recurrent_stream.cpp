#include "recur/nn/recurrent_stream.h"

#include <algorithm>
#include <thread>

#include "recur/kernels/step_matmul.h"
#include "recurrent_engine.h"

namespace recur::nn {

namespace {

// Multiply-adds per step below which a slice is not worth a thread: the hand-over to a thread
// and the barrier cost 0.2-0.4 us, and run-to-run jitter doubles when a step needs both cores.
// Measured at B = 1, H = 128, I = 32 on two cores: the LSTM (82k) 4.8 -> 2.6 us and the GRU (61k)
// 3.6 -> 2.1-2.5 us with two slices, the vanilla RNN (20k) 1.2 -> 1.0-2.4 us (kept whole).
constexpr int64_t kMinSliceMacs = 16384;

// Threads beyond the cores would wait at every barrier for a core to come free. Slices are at
// least 16 units wide; a projection keeps the layer whole (it needs every unit's output), and so
// does a cell whose gate pass normalises over all units.
int64_t slice_count(int threads, int64_t macs, int64_t hidden, int64_t proj, bool whole_rows) {
  if (proj > 0 || whole_rows) return 1;
  const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<int64_t>(1,
                           std::min({int64_t{threads}, cores, macs / kMinSliceMacs, hidden / 16}));
}

// The rows of a gate-major weight [gates * H, cols] (PyTorch's layout) that belong to units
// [begin, end), gate after gate: the weight of a cell made of those units alone.
std::vector<float> unit_rows(const float* w, int64_t gates, int64_t H, int64_t cols, int64_t begin,
                             int64_t end) {
  std::vector<float> rows;
  for (int64_t g = 0; g < gates; ++g) {
    rows.insert(rows.end(), w + (g * H + begin) * cols, w + (g * H + end) * cols);
  }
  return rows;
}

// Rows of a [rows, a_cols] and b [rows, b_cols] joined: [rows, a_cols + b_cols].
std::vector<float> side_by_side(const std::vector<float>& a, int64_t a_cols,
                                const std::vector<float>& b, int64_t b_cols) {
  const auto n = static_cast<int64_t>(a.size()) / a_cols;
  std::vector<float> out;
  out.reserve(a.size() + b.size());
  for (int64_t r = 0; r < n; ++r) {
    out.insert(out.end(), a.begin() + r * a_cols, a.begin() + (r + 1) * a_cols);
    out.insert(out.end(), b.begin() + r * b_cols, b.begin() + (r + 1) * b_cols);
  }
  return out;
}

}  // namespace

void RecurrentStream::StepWeight::acc(int64_t B, const float* v, int64_t ldv, float* y,
                                      int64_t ldy) const {
  if (half.empty()) {
    kernels::step_matmul_acc(B, v, ldv, f32.all(), y, ldy);
  } else {
    kernels::step_matmul_acc(B, v, ldv, half.all(), y, ldy);
  }
}

RecurrentStream::StepWeight RecurrentStream::StepWeight::pack(const std::vector<float>& w,
                                                              int64_t cols,
                                                              kernels::WeightPrecision precision,
                                                              const std::string& what) {
  const auto rows = static_cast<int64_t>(w.size()) / cols;
  StepWeight out;
  if (precision == kernels::WeightPrecision::kFloat32) {
    out.f32 = kernels::PackedMatrix::from_transposed(rows, cols, w.data());
    return out;
  }
  try {
    out.half = kernels::PackedMatrix16::from_transposed(rows, cols, w.data(), precision);
  } catch (const ValueError& e) {
    throw ValueError("RecurrentStream: " + what + ": " + e.what());
  }
  return out;
}

RecurrentStream::RecurrentStream(const RecurrentLayer& layer, int64_t batch_size, int threads)
    : RecurrentStream(layer, batch_size, StreamOptions{.threads = std::max(threads, 1)}) {}

RecurrentStream::RecurrentStream(const RecurrentLayer& layer, int64_t batch_size,
                                 StreamOptions options)
    : type_(layer.cell_type()),
      kind_(&detail::cell_kind(type_)),
      precision_(options.weights),
      batch_(batch_size) {
  const RecurrentOptions& o = layer.options();
  const int threads = options.threads;
  if (threads < 1) {
    throw ValueError("RecurrentStream: threads must be >= 1, got " + std::to_string(threads));
  }
  kernels::weight_precision_name(precision_);  // ValueError for a value outside the enum
  if (o.bidirectional) {
    throw ValueError("RecurrentStream: a bidirectional " + layer.type_name() +
                     " cannot run step by step (its reverse direction needs the whole sequence)");
  }
  if (batch_size <= 0) {
    throw ValueError("RecurrentStream: batch_size must be > 0, got " + std::to_string(batch_size));
  }
  hidden_ = o.hidden_size;
  out_ = layer.output_hidden_size();
  proj_ = o.proj_size;
  const int64_t ngates = kind_->gates, H = hidden_, B = batch_;
  const detail::CellSpec cell{kind_, H, proj_};
  int64_t members = 1;
  for (int64_t l = 0; l < o.num_layers; ++l) {
    const auto& p = layer.parameters_of(l, 0);
    Layer layer_state;
    layer_state.input_size = p.weight_ih.size(1);
    const int64_t slices = slice_count(threads, B * ngates * H * (layer_state.input_size + out_), H,
                                       proj_, kind_->whole_rows);
    members = std::max(members, slices);
    const detail::DirectionWeights w{nullptr, nullptr,
                                     p.bias_ih.defined() ? p.bias_ih.data() : nullptr,
                                     p.bias_hh.defined() ? p.bias_hh.data() : nullptr, nullptr};
    const std::vector<float> bias = detail::folded_bias(cell, w);
    for (int64_t k = 0; k < slices; ++k) {
      Slice s;
      // Boundaries on 16-unit (cache line) multiples: slices never write one line of h or c.
      s.begin = H * k / slices / 16 * 16;
      s.end = k + 1 == slices ? H : H * (k + 1) / slices / 16 * 16;
      const auto rows = [&](const float* v, int64_t cols) {
        return unit_rows(v, ngates, H, cols, s.begin, s.end);
      };
      const std::string where = " of layer " + std::to_string(l);
      const int64_t I = layer_state.input_size;
      const auto w_ih = rows(p.weight_ih.data(), I), w_hh = rows(p.weight_hh.data(), out_);
      if (cell.separate() == 0) {
        s.w_xh = StepWeight::pack(side_by_side(w_ih, I, w_hh, out_), I + out_, precision_,
                                  "[weight_ih, weight_hh] (rows 0-" + std::to_string(I - 1) +
                                      " weight_ih's columns, then weight_hh's)" + where);
        s.xh.resize(B * (I + out_));
      } else {
        s.w_ih = StepWeight::pack(w_ih, I, precision_, "weight_ih" + where);
        s.w_hh = StepWeight::pack(w_hh, out_, precision_, "weight_hh" + where);
      }
      if (p.weight_hr.defined()) {
        s.w_hr = kernels::PackedMatrix::from_transposed(out_, H, p.weight_hr.data());
      }
      s.bias = rows(bias.data(), 1);
      if (cell.separate() > 0 && w.b_hh != nullptr) s.b_hh = rows(w.b_hh, 1);
      if (kind_->own_biases && w.b_ih != nullptr) s.b_ih = rows(w.b_ih, 1);
      for (const Tensor& own : p.cell) s.own.emplace_back(own.data(), own.data() + own.numel());
      const int64_t units = s.end - s.begin, width = ngates * units;
      s.gates.resize(B * width);
      if (cell.separate() > 0) s.gh.resize(B * width);
      s.h.resize(B * (proj_ > 0 ? out_ : units));
      if (kind_->cell_state) s.c.resize(B * units);
      if (proj_ > 0) s.h_raw.resize(B * units);
      layer_state.slices.push_back(std::move(s));
    }
    for (auto& h : layer_state.h) h.assign(B * out_, 0.0f);
    if (kind_->cell_state) layer_state.c.assign(B * H, 0.0f);
    layers_.push_back(std::move(layer_state));
  }
  if (members > 1) {
    team_ = std::make_unique<kernels::StepTeam>(static_cast<int>(members));
    if (options.choose_by_timing) choice_ = std::make_unique<kernels::TeamChoice>();
  }
}

// One step of one slice: its gates from the layer's input x and all of the previous state, then
// the gate pass on its own units, whose new state goes to the layer's next h and to c.
void RecurrentStream::slice_step(Layer& layer, Slice& s, const float* x) {
  const int64_t B = batch_, units = s.end - s.begin;
  const auto width = static_cast<int64_t>(s.bias.size());
  const int64_t out_units = proj_ > 0 ? out_ : units;  // a projection has a single slice
  const detail::CellSpec cell{kind_, units, proj_};
  const bool separate = cell.separate() > 0;
  float* gates = s.gates.data();
  detail::copy_rows(B, width, s.bias.data(), 0, gates, width);
  if (!s.w_xh.empty()) {
    const int64_t I = layer.input_size;
    detail::copy_rows(B, I, x, I, s.xh.data(), I + out_);
    detail::copy_rows(B, out_, layer.h[current_].data(), out_, s.xh.data() + I, I + out_);
    s.w_xh.acc(B, s.xh.data(), I + out_, gates, width);
  } else {
    s.w_ih.acc(B, x, layer.input_size, gates, width);
    if (separate) std::fill(s.gh.begin(), s.gh.end(), 0.0f);
    s.w_hh.acc(B, layer.h[current_].data(), out_, separate ? s.gh.data() : gates, width);
  }
  // The slice's own state, into its contiguous scratch and back. Only the gate passes of cells
  // that mix h_{t-1} into h_t read h (GRU: h' = n + z (h - n)); the others only write it.
  if (kind_->mixes_h) {
    detail::copy_rows(B, units, layer.h[current_].data() + s.begin, out_, s.h.data(), units);
  }
  if (!s.c.empty())
    detail::copy_rows(B, units, layer.c.data() + s.begin, hidden_, s.c.data(), units);
  detail::DirectionWeights w;
  w.b_hh = s.b_hh.empty() ? nullptr : s.b_hh.data();
  w.b_ih = s.b_ih.empty() ? nullptr : s.b_ih.data();
  for (size_t k = 0; k < s.own.size(); ++k) w.cell[k] = s.own[k].data();
  w.hr_packed = s.w_hr.empty() ? nullptr : &s.w_hr;
  detail::step_gates(cell, w, B,
                     {.gates = gates,
                      .gh = s.gh.data(),
                      .h = s.h.data(),
                      .c = s.c.data(),
                      .h_raw = s.h_raw.data()});
  detail::copy_rows(B, out_units, s.h.data(), out_units, layer.h[1 - current_].data() + s.begin,
                    out_);
  if (!s.c.empty())
    detail::copy_rows(B, units, s.c.data(), units, layer.c.data() + s.begin, hidden_);
}

void RecurrentStream::step_on_team(const float* x_t) {
  team_->run([this, x_t](int member) {
    const float* x = x_t;
    for (Layer& layer : layers_) {
      // A layer too small to split leaves the members past its slices idle.
      if (member < static_cast<int>(layer.slices.size())) {
        slice_step(layer, layer.slices[member], x);
      }
      // The next layer reads all of this layer's new state (after the last, run's return waits).
      if (&layer != &layers_.back()) team_->barrier();
      x = layer.h[1 - current_].data();
    }
  });
}

void RecurrentStream::step_alone(const float* x_t) {
  const float* x = x_t;
  for (Layer& layer : layers_) {
    for (Slice& s : layer.slices) slice_step(layer, s, x);
    x = layer.h[1 - current_].data();
  }
}

const float* RecurrentStream::step(const float* x_t) {
  if (team_ == nullptr) {
    step_alone(x_t);
  } else if (choice_ == nullptr) {
    step_on_team(x_t);
  } else {
    choice_->step([&](kernels::TeamChoice::Way way) {
      if (way == kernels::TeamChoice::Way::kTeam) {
        step_on_team(x_t);
      } else {
        step_alone(x_t);
      }
    });
  }
  current_ = 1 - current_;
  return layers_.back().h[current_].data();
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
    std::fill(s.h[current_].begin(), s.h[current_].end(), 0.0f);
    std::fill(s.c.begin(), s.c.end(), 0.0f);
  }
}

void RecurrentStream::reset(int64_t b) {
  if (b < 0 || b >= batch_) {
    throw ValueError("RecurrentStream::reset: sequence " + std::to_string(b) +
                     " is outside the batch of " + std::to_string(batch_));
  }
  for (Layer& s : layers_) {
    std::fill(s.h[current_].begin() + b * out_, s.h[current_].begin() + (b + 1) * out_, 0.0f);
    if (!s.c.empty()) std::fill(s.c.begin() + b * hidden_, s.c.begin() + (b + 1) * hidden_, 0.0f);
  }
}

void RecurrentStream::set_state(const Tensor& h, const Tensor& c) {
  const int64_t L = static_cast<int64_t>(layers_.size());
  if (h.defined()) check_shape(h, {L, batch_, out_}, "RecurrentStream h");
  if (c.defined()) {
    if (!kind_->cell_state) {
      throw ValueError("RecurrentStream: c is only used by cells with a cell state (LSTM), not " +
                       cell_type_name(type_));
    }
    check_shape(c, {L, batch_, hidden_}, "RecurrentStream c");
  }
  for (int64_t l = 0; l < L; ++l) {
    Layer& s = layers_[l];
    if (h.defined()) {
      std::copy(h.data() + l * batch_ * out_, h.data() + (l + 1) * batch_ * out_,
                s.h[current_].begin());
    } else {
      std::fill(s.h[current_].begin(), s.h[current_].end(), 0.0f);
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
  for (const Layer& s : layers_) all.insert(all.end(), s.h[current_].begin(), s.h[current_].end());
  return Tensor::from_vector({static_cast<int64_t>(layers_.size()), batch_, out_}, all);
}

Tensor RecurrentStream::c() const {
  if (!kind_->cell_state) return {};
  std::vector<float> all;
  for (const Layer& s : layers_) all.insert(all.end(), s.c.begin(), s.c.end());
  return Tensor::from_vector({static_cast<int64_t>(layers_.size()), batch_, hidden_}, all);
}

}  // namespace recur::nn
