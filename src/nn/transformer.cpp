#include "recur/nn/transformer.h"

#include <cmath>
#include <string>

#include "recur/ops/arithmetic.h"
#include "recur/ops/shape.h"
#include "recur/ops/transformer_ops.h"

namespace recur::nn {

namespace {

// "[T, B, 8]" or "[B, T, 8]": the layout of a sequence input in messages.
std::string sequence_layout(bool batch_first, int64_t d_model) {
  const std::string d = std::to_string(d_model);
  return batch_first ? "[B, T, " + d + "]" : "[T, B, " + d + "]";
}

void check_dropout_probability(float p, const std::string& what) {
  if (!(p >= 0.0f && p < 1.0f)) {
    throw ValueError(what + ": dropout must be in [0, 1), got " + std::to_string(p));
  }
}

// ValueError unless a position table of max_len rows covers the T steps of x.
void check_positions(int64_t steps, int64_t max_len, const std::string& what) {
  if (steps > max_len) {
    throw ValueError(what + ": the input has " + std::to_string(steps) +
                     " steps, more than max_len = " + std::to_string(max_len));
  }
}

}  // namespace

TransformerActivation transformer_activation_from_name(const std::string& name) {
  if (name == "relu") return TransformerActivation::Relu;
  if (name == "gelu") return TransformerActivation::Gelu;
  throw ValueError("Transformer activation '" + name + "': expected relu or gelu");
}

std::string transformer_activation_name(TransformerActivation activation) {
  return activation == TransformerActivation::Gelu ? "gelu" : "relu";
}

// --- TransformerEncoderLayer --------------------------------------------------------------

TransformerEncoderLayer::TransformerEncoderLayer(const TransformerEncoderLayerOptions& options,
                                                 Generator& gen)
    : options_(options), gen_(&gen) {
  const std::string name = type_name();
  const int64_t d = options.d_model;
  if (d <= 0 || options.nhead <= 0 || d % options.nhead != 0) {
    throw ValueError(name + ": d_model (" + std::to_string(d) +
                     ") must be a positive multiple of nhead (" + std::to_string(options.nhead) +
                     ")");
  }
  if (options.dim_feedforward <= 0) {
    throw ValueError(name + ": dim_feedforward must be > 0, got " +
                     std::to_string(options.dim_feedforward));
  }
  check_dropout_probability(options.dropout, name);
  if (!(options.layer_norm_eps > 0.0f)) {
    throw ValueError(name + ": layer_norm_eps must be > 0, got " +
                     std::to_string(options.layer_norm_eps));
  }
  // Registration order is PyTorch's, so named_parameters() lists the same sequence.
  self_attn = register_module(
      "self_attn", std::make_shared<MultiheadAttention>(d, options.nhead, options.dropout, true,
                                                        options.batch_first, gen));
  linear1 =
      register_module("linear1", std::make_shared<Linear>(d, options.dim_feedforward, true, gen));
  dropout = register_module("dropout", std::make_shared<Dropout>(options.dropout, gen));
  linear2 =
      register_module("linear2", std::make_shared<Linear>(options.dim_feedforward, d, true, gen));
  norm1 = register_module("norm1", std::make_shared<LayerNorm>(Shape{d}, options.layer_norm_eps));
  norm2 = register_module("norm2", std::make_shared<LayerNorm>(Shape{d}, options.layer_norm_eps));
  dropout1 = register_module("dropout1", std::make_shared<Dropout>(options.dropout, gen));
  dropout2 = register_module("dropout2", std::make_shared<Dropout>(options.dropout, gen));
}

void check_transformer_input(const Tensor& src, const AttentionMask& src_mask,
                             const AttentionMask& src_key_padding_mask,
                             const TransformerEncoderLayerOptions& options,
                             const std::string& what) {
  check_shape(src, {-1, -1, options.d_model}, what + " src",
              sequence_layout(options.batch_first, options.d_model));
  const int64_t B = src.size(options.batch_first ? 0 : 1);
  const int64_t T = src.size(options.batch_first ? 1 : 0);
  if (T == 0) throw ShapeError(what + " src: expected at least one step, got T = 0");
  check_mask_shape(src_key_padding_mask, {B, T}, what + " src_key_padding_mask", "[B, T]");
  const bool per_head = !src_mask.empty() && src_mask.shape().size() == 3;
  check_mask_shape(src_mask, per_head ? Shape{B * options.nhead, T, T} : Shape{T, T},
                   what + " src_mask",
                   per_head ? "[B * nhead, T, T]" : "[T, T] or [B * nhead, T, T]");
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const AttentionMask& src_mask,
                                        const AttentionMask& src_key_padding_mask) const {
  check_transformer_input(src, src_mask, src_key_padding_mask, options_, type_name());
  Tensor x = src;
  if (options_.norm_first) {
    x = x + self_attention_block(norm(*norm1, x), src_mask, src_key_padding_mask);
    return x + feed_forward_block(norm(*norm2, x));
  }
  x = norm(*norm1, x, self_attention_block(x, src_mask, src_key_padding_mask));
  return norm(*norm2, x, feed_forward_block(x));
}

Tensor TransformerEncoderLayer::norm(const LayerNorm& layer, const Tensor& x,
                                     const Tensor& residual) const {
  return add_layer_norm(x, residual, layer.weight, layer.bias, layer.eps());
}

Tensor TransformerEncoderLayer::drop(const Dropout& layer, const Tensor& x) const {
  return hashed_dropout(x, layer.p(), layer.is_training(), *gen_);
}

Tensor TransformerEncoderLayer::self_attention_block(
    const Tensor& x, const AttentionMask& src_mask,
    const AttentionMask& src_key_padding_mask) const {
  const Tensor attended =
      self_attn->forward(x, x, x, src_key_padding_mask, /*need_weights=*/false, src_mask).context;
  return drop(*dropout1, attended);
}

Tensor TransformerEncoderLayer::feed_forward_block(const Tensor& x) const {
  const Tensor hidden = linear_activation(x, linear1->weight, linear1->bias,
                                          options_.activation == TransformerActivation::Gelu
                                              ? FeedForwardActivation::Gelu
                                              : FeedForwardActivation::Relu);
  return drop(*dropout2, linear2->forward(drop(*dropout, hidden)));
}

// --- TransformerEncoder -------------------------------------------------------------------

TransformerEncoder::TransformerEncoder(const TransformerEncoderLayer& encoder_layer,
                                       int64_t num_layers, std::shared_ptr<LayerNorm> final_norm,
                                       Generator& gen) {
  if (num_layers < 1) {
    throw ValueError("TransformerEncoder: num_layers must be >= 1, got " +
                     std::to_string(num_layers));
  }
  // A plain Module as PyTorch's ModuleList: it only names the layers "layers.<i>".
  auto list = register_module("layers", std::make_shared<Module>());
  const TensorMap weights = encoder_layer.state_dict();
  for (int64_t i = 0; i < num_layers; ++i) {
    auto layer = std::make_shared<TransformerEncoderLayer>(encoder_layer.options(), gen);
    layer->load_state_dict(weights);
    layers.push_back(list->register_module(std::to_string(i), layer));
  }
  if (final_norm) norm = register_module("norm", std::move(final_norm));
}

Tensor TransformerEncoder::forward(const Tensor& src, const AttentionMask& mask,
                                   const AttentionMask& src_key_padding_mask) const {
  check_transformer_input(src, mask, src_key_padding_mask, layers.front()->options(), type_name());
  Tensor output = src;
  for (const auto& layer : layers) output = layer->forward(output, mask, src_key_padding_mask);
  return norm ? norm->forward(output) : output;
}

// --- Positional encodings -----------------------------------------------------------------

PositionalEncoding::PositionalEncoding(int64_t d_model, float dropout_p, int64_t max_len,
                                       bool batch_first, Generator& gen)
    : d_model_(d_model), batch_first_(batch_first) {
  if (d_model <= 0 || d_model % 2 != 0 || max_len <= 0) {
    throw ValueError(
        "PositionalEncoding: d_model must be even and > 0 and max_len > 0, got "
        "d_model " +
        std::to_string(d_model) + ", max_len " + std::to_string(max_len));
  }
  check_dropout_probability(dropout_p, type_name());
  // In float32 step by step as the tutorial's torch code computes it, so the table matches.
  Tensor table = Tensor::zeros({max_len, 1, d_model});
  const float step = static_cast<float>(-std::log(10000.0) / static_cast<double>(d_model));
  float* p = table.data();
  for (int64_t i = 0; i < d_model / 2; ++i) {
    const float div = std::exp(static_cast<float>(2 * i) * step);
    for (int64_t pos = 0; pos < max_len; ++pos) {
      const float angle = static_cast<float>(pos) * div;
      p[pos * d_model + 2 * i] = std::sin(angle);
      p[pos * d_model + 2 * i + 1] = std::cos(angle);
    }
  }
  pe = register_buffer("pe", table);
  dropout = register_module("dropout", std::make_shared<Dropout>(dropout_p, gen));
}

Tensor PositionalEncoding::forward(const Tensor& x) const {
  check_shape(x, {-1, -1, d_model_}, type_name() + " x", sequence_layout(batch_first_, d_model_));
  const int64_t T = x.size(batch_first_ ? 1 : 0);
  check_positions(T, pe.size(0), type_name());
  const Tensor table = pe.rows(0, T);  // [T, 1, d]
  return dropout->forward(x + (batch_first_ ? transpose(table, 0, 1) : table));
}

LearnedPositionalEncoding::LearnedPositionalEncoding(int64_t d_model, float dropout_p,
                                                     int64_t max_len, bool batch_first,
                                                     Generator& gen)
    : batch_first_(batch_first) {
  check_dropout_probability(dropout_p, type_name());
  embedding = register_module("embedding",
                              std::make_shared<Embedding>(max_len, d_model, std::nullopt, gen));
  dropout = register_module("dropout", std::make_shared<Dropout>(dropout_p, gen));
}

Tensor LearnedPositionalEncoding::forward(const Tensor& x) const {
  const int64_t d = embedding->embedding_dim();
  check_shape(x, {-1, -1, d}, type_name() + " x", sequence_layout(batch_first_, d));
  const int64_t T = x.size(batch_first_ ? 1 : 0);
  check_positions(T, embedding->num_embeddings(), type_name());
  const Tensor positions = embedding->forward(IndexTensor::arange(T));  // [T, d]
  return dropout->forward(x + (batch_first_ ? positions : unsqueeze(positions, 1)));
}

}  // namespace recur::nn
