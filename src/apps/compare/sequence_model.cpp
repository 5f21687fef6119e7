#include "recur/apps/compare/sequence_model.h"

#include <numeric>

#include "model_adapters.h"
#include "recur/tensor/error.h"

namespace recur::compare {

// In ModelKind's order.
std::vector<std::string> model_kind_names() {
  return {"rnn", "lstm", "gru", "transformer", "lstm_fb1", "ln_lstm"};
}

ModelKind model_kind_from_name(const std::string& name) {
  const std::vector<std::string> names = model_kind_names();
  std::string expected;
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k] == name) return static_cast<ModelKind>(k);
    expected += (k == 0 ? "" : ", ") + names[k];
  }
  throw ValueError("unknown model \"" + name + "\": expected one of " + expected);
}

std::string model_kind_name(ModelKind kind) {
  return model_kind_names()[static_cast<size_t>(kind)];
}

std::string model_label(ModelKind kind) {
  switch (kind) {
    case ModelKind::kRnn:
      return "vanilla RNN";
    case ModelKind::kLstm:
      return "LSTM";
    case ModelKind::kGru:
      return "GRU";
    case ModelKind::kTransformer:
      return "Transformer";
    case ModelKind::kLstmForgetBias1:
      return "LSTM, forget bias 1";
    case ModelKind::kLayerNormLstm:
      return "LN-LSTM";
  }
  return "?";
}

ModelShape model_shape(const TaskSpec& spec) {
  return {.input_size = spec.input_size,
          .output_size = spec.output_size,
          .steps = spec.steps,
          .output_steps = spec.output_steps};
}

int64_t width_step(ModelKind kind) {
  // d_model even for the sine/cosine pairs of the positional table, and divisible by the heads.
  return kind == ModelKind::kTransformer ? std::lcm(int64_t{2}, kTransformerHeads) : 1;
}

std::unique_ptr<SequenceModel> make_model(ModelKind kind, const ModelShape& shape, int64_t width,
                                          Generator& gen) {
  if (width < width_step(kind) || width % width_step(kind) != 0) {
    throw ValueError(model_label(kind) + ": width " + std::to_string(width) +
                     " is not a positive multiple of " + std::to_string(width_step(kind)));
  }
  if (kind == ModelKind::kTransformer) return make_transformer_model(shape, width, gen);
  return make_recurrent_model(kind, shape, width, gen);
}

}  // namespace recur::compare
