// The Transformer adapter: the inputs projected to d_model, sinusoidal positions added, a pre-norm
// TransformerEncoder (pre-norm trains without a learning-rate warm-up, Xiong et al. 2020, so it
// can share the recurrent models' Adam settings), a final LayerNorm and the Linear head.
#include "model_adapters.h"
#include "recur/nn/layer_norm.h"
#include "recur/nn/linear.h"
#include "recur/nn/transformer.h"
#include "recur/ops/ops.h"

namespace recur::compare {
namespace {

class TransformerModel : public SequenceModel {
 public:
  TransformerModel(const ModelShape& shape, int64_t d_model, Generator& gen)
      : shape_(shape), d_model_(d_model) {
    input = register_module("input",
                            std::make_shared<nn::Linear>(shape.input_size, d_model, true, gen));
    positions = register_module(
        "pos", std::make_shared<nn::PositionalEncoding>(d_model, 0.0f, shape.steps, true, gen));
    const nn::TransformerEncoderLayer layer({.d_model = d_model,
                                             .nhead = kTransformerHeads,
                                             .dim_feedforward = 2 * d_model,
                                             .dropout = 0.0f,
                                             .batch_first = true,
                                             .norm_first = true},
                                            gen);
    encoder = register_module("encoder", std::make_shared<nn::TransformerEncoder>(
                                             layer, kTransformerLayers,
                                             std::make_shared<nn::LayerNorm>(Shape{d_model}), gen));
    fc = register_module("fc", std::make_shared<nn::Linear>(d_model, shape.output_size, true, gen));
  }

  Tensor forward(const Tensor& inputs) override {
    const int64_t T = inputs.size(1);
    // Answers over several steps must not look ahead (the copy task's output steps follow their
    // inputs); a single answer at the end may attend to everything.
    const nn::AttentionMask mask =
        shape_.output_steps > 1 ? nn::AttentionMask::causal(T) : nn::AttentionMask{};
    Tensor h = encoder->forward(positions->forward(input->forward(inputs)), mask);
    return fc->forward(slice(h, 1, T - shape_.output_steps, T));
  }
  ModelKind kind() const override { return ModelKind::kTransformer; }
  int64_t width() const override { return d_model_; }

  std::shared_ptr<nn::Linear> input;
  std::shared_ptr<nn::PositionalEncoding> positions;
  std::shared_ptr<nn::TransformerEncoder> encoder;
  std::shared_ptr<nn::Linear> fc;

 private:
  ModelShape shape_;
  int64_t d_model_;
};

}  // namespace

std::unique_ptr<SequenceModel> make_transformer_model(const ModelShape& shape, int64_t d_model,
                                                      Generator& gen) {
  return std::make_unique<TransformerModel>(shape, d_model, gen);
}

}  // namespace recur::compare
