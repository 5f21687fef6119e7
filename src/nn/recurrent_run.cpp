#include "recurrent_run.h"

#include <algorithm>
#include <functional>

#include "recur/autograd/grad_mode.h"
#include "recur/autograd/node.h"
#include "recur/nn/recurrent_init.h"
#include "recurrent_engine.h"

namespace recur::nn::detail {

namespace {

// How the caller's input rows relate to the engine's time-major, length-sorted rows.
enum class InputLayout { TimeMajor, BatchFirst, Packed };

// dst[j, i, :] = src[i, j, :] for src [n0, n1, f].
void swap_first_axes(const float* src, int64_t n0, int64_t n1, int64_t f, float* dst) {
  for (int64_t i = 0; i < n0; ++i) {
    for (int64_t j = 0; j < n1; ++j) {
      std::copy(src + (i * n1 + j) * f, src + (i * n1 + j + 1) * f, dst + (j * n0 + i) * f);
    }
  }
}

// State [S, B, F] between the caller's batch order and the sorted order: sorted row i is the
// caller's row order[i] (order empty = identity).
void to_sorted(const float* src, int64_t S, int64_t B, int64_t F, const std::vector<int64_t>& order,
               float* dst) {
  for (int64_t s = 0; s < S; ++s) {
    for (int64_t i = 0; i < B; ++i) {
      const int64_t from = order.empty() ? i : order[i];
      std::copy(src + (s * B + from) * F, src + (s * B + from + 1) * F, dst + (s * B + i) * F);
    }
  }
}

void from_sorted(const float* src, int64_t S, int64_t B, int64_t F,
                 const std::vector<int64_t>& order, float* dst) {
  for (int64_t s = 0; s < S; ++s) {
    for (int64_t i = 0; i < B; ++i) {
      const int64_t to = order.empty() ? i : order[i];
      std::copy(src + (s * B + i) * F, src + (s * B + i + 1) * F, dst + (s * B + to) * F);
    }
  }
}

using DirectionParameters = RecurrentLayer::DirectionParameters;

// One parameter of a direction as the module holds it, as the engine reads it and as the engine
// writes its gradient.
struct ParamField {
  Tensor DirectionParameters::*tensor;
  const float* DirectionWeights::*weight;
  float* DirectionGrads::*grad;
};

constexpr ParamField kParamFields[] = {
    {&DirectionParameters::weight_ih, &DirectionWeights::w_ih, &DirectionGrads::w_ih},
    {&DirectionParameters::weight_hh, &DirectionWeights::w_hh, &DirectionGrads::w_hh},
    {&DirectionParameters::bias_ih, &DirectionWeights::b_ih, &DirectionGrads::b_ih},
    {&DirectionParameters::bias_hh, &DirectionWeights::b_hh, &DirectionGrads::b_hh},
    {&DirectionParameters::weight_hr, &DirectionWeights::w_hr, &DirectionGrads::w_hr},
};

// What a flat parameter tensor is: which (layer, direction) and which field, or which of the
// cell's own parameters (field null).
struct ParamSlot {
  int64_t direction;  // layer * D + direction
  const ParamField* field;
  int64_t cell_param = -1;
};

// Everything a forward and its backward share.
struct Context {
  StackSpec spec;
  StepLayout layout;
  InputLayout input_layout = InputLayout::TimeMajor;
  Shape input_shape;                  // as the caller passed it
  std::vector<int64_t> sorted;        // packed: sorted_indices (empty = identity)
  Tensor x_rows;                      // [N, I] engine rows
  std::vector<Tensor> param_tensors;  // flat, registration order (autograd inputs 3, 4, ...)
  std::vector<ParamSlot> slots;       // [i]: where param_tensors[i] belongs
  std::vector<DirectionWeights> weights;
  std::string name;  // the module, for messages
  float input_dropout = 0.0f, recurrent_dropout = 0.0f;
  const VariationalMasks* fixed_masks = nullptr;
  int64_t stack_directions() const { return spec.layers * spec.directions; }
};

Context make_context(const StackModule& module) {
  const RecurrentOptions& o = module.options;
  Context ctx;
  ctx.spec.cell = CellSpec::of(module.type, o.hidden_size, o.proj_size);
  ctx.spec.input_size = o.input_size;
  ctx.spec.layers = o.num_layers;
  ctx.spec.directions = o.bidirectional ? 2 : 1;
  ctx.spec.dropout = o.dropout;
  ctx.weights.resize(ctx.stack_directions());
  for (int64_t s = 0; s < ctx.stack_directions(); ++s) {
    for (const ParamField& field : kParamFields) {
      const Tensor& t = module.params[s].*field.tensor;
      if (!t.defined()) continue;
      ctx.param_tensors.push_back(t);
      ctx.slots.push_back({s, &field});
      ctx.weights[s].*field.weight = t.data();
    }
    const std::vector<Tensor>& own = module.params[s].cell;
    for (size_t k = 0; k < own.size(); ++k) {
      ctx.param_tensors.push_back(own[k]);
      ctx.slots.push_back({s, nullptr, static_cast<int64_t>(k)});
      ctx.weights[s].cell[k] = own[k].data();
    }
  }
  ctx.name = module.name;
  ctx.input_dropout = o.input_dropout;
  ctx.recurrent_dropout = o.recurrent_dropout;
  ctx.fixed_masks = module.fixed_masks;
  return ctx;
}

// Initial state in sorted order, or zeros; checks the caller's shape.
FloatBuffer initial_state(const Context& ctx, const Tensor& given, int64_t width,
                          const std::string& what) {
  const int64_t S = ctx.stack_directions(), B = ctx.layout.batch;
  FloatBuffer state(S * B * width, 0.0f);
  if (!given.defined()) return state;
  check_shape(given, {S, B, width}, what);
  to_sorted(given.data(), S, B, width, ctx.sorted, state.data());
  return state;
}

Tensor state_tensor(const Context& ctx, const FloatBuffer& sorted_state, int64_t width) {
  const int64_t S = ctx.stack_directions(), B = ctx.layout.batch;
  Tensor t = Tensor::empty({S, B, width});
  from_sorted(sorted_state.data(), S, B, width, ctx.sorted, t.data());
  return t;
}

// One mask row per sequence: 0 with probability p, else 1/(1-p).
FloatBuffer draw_mask(int64_t rows, int64_t width, float p, Generator& gen) {
  FloatBuffer mask(rows * width);
  const float scale = 1.0f / (1.0f - p);
  for (float& m : mask) m = gen.bernoulli(p) ? 0.0f : scale;
  return mask;
}

// The caller's masks [B, width] in sorted order, checked.
std::vector<FloatBuffer> given_masks(const Context& ctx, const std::vector<Tensor>& masks,
                                     int64_t count, const std::function<int64_t(int64_t)>& width,
                                     const std::string& what) {
  std::vector<FloatBuffer> rows;
  if (masks.empty()) return rows;
  if (static_cast<int64_t>(masks.size()) != count) {
    throw ValueError(ctx.name + ": " + std::to_string(masks.size()) + " " + what +
                     " masks, expected " + std::to_string(count));
  }
  const int64_t B = ctx.layout.batch;
  for (int64_t k = 0; k < count; ++k) {
    check_shape(masks[k], {B, width(k)}, ctx.name + " " + what + " mask " + std::to_string(k));
    rows.emplace_back(B * width(k));
    to_sorted(masks[k].data(), 1, B, width(k), ctx.sorted, rows.back().data());
  }
  return rows;
}

// The variational dropout masks of a training forward: the fixed ones, or drawn layer by layer
// (the input mask, then each direction's recurrent mask).
VariationalMaskRows variational_masks(const Context& ctx, Generator& gen) {
  const StackSpec& spec = ctx.spec;
  const int64_t L = spec.layers, D = spec.directions, B = ctx.layout.batch;
  const auto input_width = [&](int64_t l) { return spec.layer_input_size(l); };
  const auto state_width = [&](int64_t) { return spec.cell.out(); };
  VariationalMaskRows m;
  if (ctx.fixed_masks != nullptr) {
    m.input = given_masks(ctx, ctx.fixed_masks->input, L, input_width, "variational input");
    m.recurrent =
        given_masks(ctx, ctx.fixed_masks->recurrent, L * D, state_width, "variational recurrent");
    return m;
  }
  for (int64_t l = 0; l < L; ++l) {
    if (ctx.input_dropout > 0.0f)
      m.input.push_back(draw_mask(B, input_width(l), ctx.input_dropout, gen));
    for (int64_t d = 0; d < D && ctx.recurrent_dropout > 0.0f; ++d) {
      m.recurrent.push_back(draw_mask(B, state_width(l), ctx.recurrent_dropout, gen));
    }
  }
  return m;
}

class RecurrentBackward : public Node {
 public:
  RecurrentBackward(Context ctx, StackTape tape) : ctx_(std::move(ctx)), tape_(std::move(tape)) {}
  std::string name() const override { return std::string(ctx_.spec.cell.kind->name) + "Backward"; }

  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) override {
    const StackSpec& spec = ctx_.spec;
    const int64_t N = ctx_.layout.rows, B = ctx_.layout.batch;
    const int64_t S = ctx_.stack_directions(), Hout = spec.cell.out();
    const int64_t width = spec.directions * Hout;
    // The engine reads dy in its own row order: the caller's, except for batch_first.
    const Tensor& g_out = grad_outputs[0];
    FloatBuffer dy_rows;
    const float* dy = g_out.data();
    if (ctx_.input_layout == InputLayout::BatchFirst) {
      dy_rows = FloatBuffer(N * width);
      swap_first_axes(g_out.data(), B, N / B, width, dy_rows.data());
      dy = dy_rows.data();
    }
    FloatBuffer dh(S * B * Hout), dc;
    to_sorted(grad_outputs[1].data(), S, B, Hout, ctx_.sorted, dh.data());
    if (spec.cell.has_c()) {
      dc = FloatBuffer(S * B * spec.cell.hidden);
      to_sorted(grad_outputs[2].data(), S, B, spec.cell.hidden, ctx_.sorted, dc.data());
    }

    std::vector<Tensor> grads(3 + ctx_.param_tensors.size());
    std::vector<DirectionGrads> pg(ctx_.stack_directions());
    for (size_t i = 0; i < ctx_.param_tensors.size(); ++i) {
      if (!needs_input_grad(3 + i)) continue;
      grads[3 + i] = Tensor::empty(ctx_.param_tensors[i].shape());
      const ParamSlot& slot = ctx_.slots[i];
      if (slot.field != nullptr) {
        pg[slot.direction].*slot.field->grad = grads[3 + i].data();
      } else {
        pg[slot.direction].cell[slot.cell_param] = grads[3 + i].data();
      }
    }
    FloatBuffer dx_rows;
    if (needs_input_grad(0)) dx_rows = FloatBuffer(N * spec.input_size);
    stack_backward(spec, ctx_.layout, ctx_.x_rows.data(), ctx_.weights, tape_, dy, dh.data(),
                   dc.data(), dx_rows.empty() ? nullptr : dx_rows.data(), pg);

    if (!dx_rows.empty()) {
      grads[0] = Tensor::empty(ctx_.input_shape);
      if (ctx_.input_layout == InputLayout::BatchFirst) {
        swap_first_axes(dx_rows.data(), N / B, B, spec.input_size, grads[0].data());
      } else {
        std::copy(dx_rows.begin(), dx_rows.end(), grads[0].data());
      }
    }
    if (needs_input_grad(1)) grads[1] = state_tensor(ctx_, dh, Hout);
    if (needs_input_grad(2)) grads[2] = state_tensor(ctx_, dc, spec.cell.hidden);
    return grads;
  }

 private:
  Context ctx_;
  StackTape tape_;
};

struct CoreResult {
  Tensor y_rows;  // [N, D*H_out] engine rows
  Tensor h_n, c_n;
};

// Runs the stack on ctx.x_rows and, when gradients are wanted, records the node that connects
// `input` (the caller's tensor), h0, c0 and the parameters to the outputs. `finish` turns the
// engine rows into the caller's output tensor before it is connected.
template <class Finish>
CoreResult run_core(Context ctx, const Tensor& input, const Tensor& h0, const Tensor& c0,
                    bool training, Generator& gen, const Finish& finish, Tensor& output) {
  const StackSpec& spec = ctx.spec;
  const std::string who = ctx.name;
  if (c0.defined() && !spec.cell.has_c()) {
    throw ValueError(who + ": c0 is only used by cells with a cell state (LSTM)");
  }
  FloatBuffer h = initial_state(ctx, h0, spec.cell.out(), who + " h0");
  FloatBuffer c;
  if (spec.cell.has_c()) c = initial_state(ctx, c0, spec.cell.hidden, who + " c0");

  std::vector<Tensor> inputs{input, h0, c0};
  inputs.insert(inputs.end(), ctx.param_tensors.begin(), ctx.param_tensors.end());
  const bool record = needs_grad(inputs);
  StackTape tape;
  CoreResult r;
  r.y_rows = Tensor::empty({ctx.layout.rows, spec.directions * spec.cell.out()});
  stack_forward(spec, ctx.layout, ctx.x_rows.data(), ctx.weights, h.data(), c.data(),
                r.y_rows.data(), training, gen,
                training ? variational_masks(ctx, gen) : VariationalMaskRows{},
                record ? &tape : nullptr);
  r.h_n = state_tensor(ctx, h, spec.cell.out());
  if (spec.cell.has_c()) r.c_n = state_tensor(ctx, c, spec.cell.hidden);
  output = finish(r.y_rows);
  if (record) {
    auto node = std::make_shared<RecurrentBackward>(std::move(ctx), std::move(tape));
    std::vector<Tensor*> outs{&output, &r.h_n};
    if (r.c_n.defined()) outs.push_back(&r.c_n);
    connect(node, inputs, outs);
  }
  return r;
}

}  // namespace

RecurrentLayer::DirectionParameters register_direction(Module& module, CellType type,
                                                       int64_t input_size, int64_t hidden,
                                                       int64_t out, bool bias, int64_t proj,
                                                       const std::string& suffix) {
  const CellKind& kind = cell_kind(type);
  const int64_t G = kind.gates * hidden;
  DirectionParameters p;
  p.weight_ih = module.register_parameter("weight_ih" + suffix, Tensor::zeros({G, input_size}));
  p.weight_hh = module.register_parameter("weight_hh" + suffix, Tensor::zeros({G, out}));
  if (bias) {
    p.bias_ih = module.register_parameter("bias_ih" + suffix, Tensor::zeros({G}));
    p.bias_hh = module.register_parameter("bias_hh" + suffix, Tensor::zeros({G}));
  }
  if (proj > 0)
    p.weight_hr = module.register_parameter("weight_hr" + suffix, Tensor::zeros({out, hidden}));
  for (const CellParam& own : kind.params) {
    p.cell.push_back(module.register_parameter(own.name + suffix,
                                               Tensor::zeros({kind.param_size(own, hidden)})));
  }
  return p;
}

void reset_recurrent_parameters(Module& module, CellType type, int64_t hidden,
                                const std::vector<DirectionParameters>& params, Generator& gen) {
  init_recurrent_uniform(module.parameters(), hidden, gen);
  const CellKind& kind = cell_kind(type);
  for (const DirectionParameters& p : params) {
    for (size_t k = 0; k < p.cell.size(); ++k) p.cell[k].detach().fill_(kind.params[k].init);
  }
}

RecurrentOutput run_dense(const StackModule& module, const Tensor& input, const Tensor& h0,
                          const Tensor& c0, bool training, Generator& gen) {
  const RecurrentOptions& o = module.options;
  const std::string who = module.name + " input";
  const std::string pattern =
      std::string(o.batch_first ? "[B, T, " : "[T, B, ") + std::to_string(o.input_size) + "]";
  if (!input.defined()) throw ValueError(who + ": undefined tensor");
  check_shape(input, {-1, -1, o.input_size}, who, pattern);
  const int64_t T = input.size(o.batch_first ? 1 : 0), B = input.size(o.batch_first ? 0 : 1);
  if (T == 0 || B == 0) {
    throw ShapeError(who + ": expected at least one step and one sequence, got " +
                     shape_str(input.shape()));
  }
  Context ctx = make_context(module);
  ctx.layout = StepLayout::dense(T, B);
  ctx.input_shape = input.shape();
  if (o.batch_first) {
    ctx.input_layout = InputLayout::BatchFirst;
    ctx.x_rows = Tensor::empty({T * B, o.input_size});
    swap_first_axes(input.data(), B, T, o.input_size, ctx.x_rows.data());
  } else {
    ctx.x_rows = input.detach().view({T * B, o.input_size});
  }
  const int64_t width = ctx.spec.directions * ctx.spec.cell.out();
  Tensor output;
  auto finish = [&](const Tensor& y_rows) {
    if (!o.batch_first) return y_rows.view({T, B, width});
    Tensor y = Tensor::empty({B, T, width});
    swap_first_axes(y_rows.data(), T, B, width, y.data());
    return y;
  };
  CoreResult r = run_core(std::move(ctx), input, h0, c0, training, gen, finish, output);
  return {output, r.h_n, r.c_n};
}

PackedRecurrentOutput run_packed(const StackModule& module, const PackedSequence& input,
                                 const Tensor& h0, const Tensor& c0, bool training,
                                 Generator& gen) {
  const RecurrentOptions& o = module.options;
  const std::string who = module.name + " input (packed data)";
  check_shape(input.data, {-1, o.input_size}, who, "[N, " + std::to_string(o.input_size) + "]");
  Context ctx = make_context(module);
  ctx.layout = StepLayout::packed(input.batch_sizes);
  ctx.input_layout = InputLayout::Packed;
  ctx.input_shape = input.data.shape();
  ctx.sorted = input.sorted_indices;
  ctx.x_rows = input.data.detach();
  Tensor output;
  auto finish = [](const Tensor& y_rows) { return y_rows; };
  CoreResult r = run_core(std::move(ctx), input.data, h0, c0, training, gen, finish, output);
  PackedSequence out{output, input.batch_sizes, input.sorted_indices, input.unsorted_indices};
  return {out, r.h_n, r.c_n};
}

}  // namespace recur::nn::detail
