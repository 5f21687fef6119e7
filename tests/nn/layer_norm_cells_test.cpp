// The layer-normalised cells beyond the parity fixtures (tests/fixtures/rnn/ln_*): their own
// parameters' names, shapes and initial values, and the property that defines them: each
// product is normalised, so scaling W_ih or W_hh changes nothing.
#include <gtest/gtest.h>

#include "recur/nn/layer_norm_gru.h"
#include "recur/nn/layer_norm_lstm.h"

namespace recur::testing {
namespace {

nn::RecurrentOptions options() {
  nn::RecurrentOptions o;
  o.input_size = 3;
  o.hidden_size = 8;
  o.num_layers = 2;
  o.bidirectional = true;
  return o;
}

TEST(LayerNormCells, OwnParametersFollowPyTorchsOnesWithGainsAtOne) {
  Generator gen(1);
  nn::LayerNormLSTM lstm(options(), gen);
  const auto named = lstm.named_parameters();
  ASSERT_EQ(named.size(), 2u * 2u * 8u);  // layers x directions x (4 PyTorch + 4 own)
  EXPECT_EQ(named[4].first, "ln_weight_ih_l0");
  EXPECT_EQ(named[4].second.shape(), (Shape{32}));
  EXPECT_EQ(named[6].first, "ln_weight_c_l0");
  EXPECT_EQ(named[6].second.shape(), (Shape{8}));
  EXPECT_EQ(named[15].first, "ln_bias_c_l0_reverse");
  const auto& p = lstm.parameters_of(1, 1);
  ASSERT_EQ(p.cell.size(), 4u);
  for (float v : p.cell[0].to_vector()) EXPECT_EQ(v, 1.0f);
  for (float v : p.cell[3].to_vector()) EXPECT_EQ(v, 0.0f);
  // reset_parameters puts the gains back, not a uniform draw.
  p.cell[1].detach().fill_(0.25f);
  lstm.reset_parameters(gen);
  for (float v : p.cell[1].to_vector()) EXPECT_EQ(v, 1.0f);

  nn::LayerNormGRU gru(options(), gen);
  EXPECT_EQ(gru.parameters_of(0, 0).cell.size(), 2u);
  EXPECT_EQ(gru.parameters_of(0, 0).cell[1].shape(), (Shape{24}));
}

// Output of `layer` on x after multiplying every W_ih (or W_hh) by `scale`.
Tensor output_with_scaled(nn::RecurrentLayer& layer, const Tensor& x, bool input_side,
                          float scale) {
  for (int64_t l = 0; l < 2; ++l) {
    for (int64_t d = 0; d < 2; ++d) {
      const auto& p = layer.parameters_of(l, d);
      Tensor w = (input_side ? p.weight_ih : p.weight_hh).detach();
      for (float& v : w.span()) v *= scale;
    }
  }
  return layer.forward(x).output;
}

TEST(LayerNormCells, ScalingAProductsWeightsChangesNothing) {
  for (nn::CellType type : {nn::CellType::LayerNormLstm, nn::CellType::LayerNormGru}) {
    for (bool input_side : {true, false}) {
      Generator gen(4);
      nn::RecurrentLayer layer(type, options(), gen);
      const Tensor x = Tensor::uniform({5, 2, 3}, -1, 1, gen);
      const Tensor before = layer.forward(x).output;
      const Tensor after = output_with_scaled(layer, x, input_side, 3.0f);
      // Not exactly: eps = 1e-5 inside sqrt(var + eps) weighs less once the spread is 9x.
      EXPECT_LE(max_abs_diff(before, after), 1e-3f)
          << nn::cell_flag_name(type) << (input_side ? " W_ih" : " W_hh");
    }
  }
  // The plain LSTM is not invariant: the check above can fail.
  Generator gen(4);
  nn::RecurrentLayer lstm(nn::CellType::Lstm, options(), gen);
  const Tensor x = Tensor::uniform({5, 2, 3}, -1, 1, gen);
  const Tensor before = lstm.forward(x).output;
  EXPECT_GT(max_abs_diff(before, output_with_scaled(lstm, x, true, 3.0f)), 1e-2f);
}

}  // namespace
}  // namespace recur::testing
