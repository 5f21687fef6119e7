// The models `recur compare` sets against each other, each a small adapter around one of recur's
// layers that reads a task's inputs [B, T, input_size] and answers at the last S steps
// [B, S, output_size] through a Linear head:
//
//   rnn, lstm, gru   one nn::RecurrentLayer (batch_first, tanh for the vanilla RNN) of `width`
//                    hidden units; the head reads its output at the last S steps.
//   transformer      Linear(input_size, width) -> sinusoidal nn::PositionalEncoding ->
//                    nn::TransformerEncoder of 2 pre-norm layers (2 heads, feed-forward 2 * width,
//                    no dropout) with a final LayerNorm -> the head at the last S steps. With
//                    S > 1 a causal mask keeps each step from seeing later ones; with S = 1 the
//                    last step attends to the whole sequence.
//
//   compare::ModelShape shape = compare::model_shape(task.spec());
//   auto model = compare::make_model(compare::ModelKind::kLstm, shape, /*width=*/45, gen);
//   Tensor out = model->forward(batch.inputs);     // [B, S, output_size]
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recur/apps/compare/task.h"
#include "recur/nn/module.h"

namespace recur::compare {

// Besides the four the tutorials compare: the LSTM with its forget-gate bias started at 1 (the
// literature's LSTM, Gers et al. 2000; PyTorch starts it near 0) and the layer-normalised LSTM.
enum class ModelKind { kRnn, kLstm, kGru, kTransformer, kLstmForgetBias1, kLayerNormLstm };

// "rnn", "lstm", "gru", "transformer", "lstm_fb1", "ln_lstm"; ValueError listing them otherwise.
ModelKind model_kind_from_name(const std::string& name);
std::string model_kind_name(ModelKind kind);
std::vector<std::string> model_kind_names();
// What a table calls the model: "vanilla RNN", "LSTM", "GRU", "Transformer", ...
std::string model_label(ModelKind kind);

// What a task asks of a model's input and output.
struct ModelShape {
  int64_t input_size = 0, output_size = 0;
  int64_t steps = 0;         // T of the inputs (the Transformer's positional table)
  int64_t output_steps = 1;  // S
};
ModelShape model_shape(const TaskSpec& spec);

class SequenceModel : public nn::Module {
 public:
  // [B, steps, input_size] -> [B, output_steps, output_size].
  virtual Tensor forward(const Tensor& inputs) = 0;
  virtual ModelKind kind() const = 0;
  virtual int64_t width() const = 0;  // hidden size or d_model
};

// ValueError naming the model when `width` is not one the kind can have (see width_step).
std::unique_ptr<SequenceModel> make_model(ModelKind kind, const ModelShape& shape, int64_t width,
                                          Generator& gen);

// Widths come in multiples of this: 1 for the recurrent models; the Transformer's d_model must be
// even (its positional table) and divisible by its head count.
int64_t width_step(ModelKind kind);

}  // namespace recur::compare
