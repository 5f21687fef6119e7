// The recurrent adapter: one RecurrentLayer and a Linear head on its last output steps, as the
// tutorials' many-to-one (S = 1) and many-to-many (S = T) models.
#include "model_adapters.h"
#include "recur/nn/linear.h"
#include "recur/nn/recurrent_init.h"
#include "recur/nn/recurrent_layer.h"
#include "recur/ops/ops.h"

namespace recur::compare {
namespace {

nn::CellType cell_of(ModelKind kind) {
  switch (kind) {
    case ModelKind::kLstm:
    case ModelKind::kLstmForgetBias1:
      return nn::CellType::Lstm;
    case ModelKind::kLayerNormLstm:
      return nn::CellType::LayerNormLstm;
    case ModelKind::kGru:
      return nn::CellType::Gru;
    default:
      return nn::CellType::RnnTanh;
  }
}

class RecurrentModel : public SequenceModel {
 public:
  RecurrentModel(ModelKind kind, const ModelShape& shape, int64_t hidden_size, Generator& gen)
      : kind_(kind), shape_(shape) {
    rnn = register_module("rnn", std::make_shared<nn::RecurrentLayer>(
                                     cell_of(kind),
                                     nn::RecurrentOptions{.input_size = shape.input_size,
                                                          .hidden_size = hidden_size,
                                                          .batch_first = true},
                                     gen));
    if (kind == ModelKind::kLstmForgetBias1) nn::init_forget_bias(*rnn, 1.0f);
    fc = register_module("fc",
                         std::make_shared<nn::Linear>(hidden_size, shape.output_size, true, gen));
  }

  Tensor forward(const Tensor& inputs) override {
    Tensor output = rnn->forward(inputs).output;  // [B, T, H]
    const int64_t T = output.size(1);
    return fc->forward(slice(output, 1, T - shape_.output_steps, T));
  }
  ModelKind kind() const override { return kind_; }
  int64_t width() const override { return rnn->options().hidden_size; }

  std::shared_ptr<nn::RecurrentLayer> rnn;
  std::shared_ptr<nn::Linear> fc;

 private:
  ModelKind kind_;
  ModelShape shape_;
};

}  // namespace

std::unique_ptr<SequenceModel> make_recurrent_model(ModelKind kind, const ModelShape& shape,
                                                    int64_t hidden_size, Generator& gen) {
  return std::make_unique<RecurrentModel>(kind, shape, hidden_size, gen);
}

}  // namespace recur::compare
