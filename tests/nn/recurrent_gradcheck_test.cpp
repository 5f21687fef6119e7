// Finite-difference checks of the recurrent layers' hand-written BPTT backward: gradients of
// the input, h0, c0 and every parameter (the layer-normalised cells' gains too), for each cell
// type, with two layers, both directions, projection (LSTM), and a packed, unsorted batch. Each of
// output, h_n and c_n is checked as the function's result in turn.
#include <gtest/gtest.h>

#include "gradcheck.h"
#include "recur/nn/recurrent_layer.h"

namespace recur::testing {
namespace {

struct GradcheckCase {
  const char* name;
  nn::CellType cell;
  int64_t proj_size;
  bool packed;
  // Layer normalisation over 3 units (or a cell state of 3) is too curved for float central
  // differences; the normalised cells are checked with 8, and on inputs away from 0 (LN(x W^T)
  // of an x near 0 normalises a near-zero vector: a gradient of 1/spread).
  int64_t hidden = 3;
  float input_low = -1.0f;
  bool variational = false;  // training mode with fixed variational dropout masks
};

// Test names and messages show the case's name, not the struct's bytes.
void PrintTo(const GradcheckCase& c, std::ostream* os) { *os << c.name; }

class RecurrentGradcheck : public ::testing::TestWithParam<GradcheckCase> {};

// Inverted-dropout masks (p = 0.3) for every layer input and direction of a 2-layer,
// bidirectional layer over B sequences.
nn::VariationalMasks fixed_masks(int64_t B, int64_t input_size, int64_t Hout, Generator& gen) {
  auto draw = [&](int64_t width) {
    Tensor m = Tensor::empty({B, width});
    for (float& v : m.span()) v = gen.bernoulli(0.3f) ? 0.0f : 1.0f / 0.7f;
    return m;
  };
  return {{draw(input_size), draw(2 * Hout)}, {draw(Hout), draw(Hout), draw(Hout), draw(Hout)}};
}

TEST_P(RecurrentGradcheck, MatchesFiniteDifferences) {
  const GradcheckCase& gc = GetParam();
  Generator gen(7);
  nn::RecurrentOptions o;
  o.input_size = 2;
  o.hidden_size = gc.hidden;
  o.num_layers = 2;
  o.bidirectional = true;
  o.proj_size = gc.proj_size;
  nn::RecurrentLayer layer(gc.cell, o, gen);
  const int64_t T = 3, B = 3, S = 4, Hout = gc.proj_size > 0 ? gc.proj_size : gc.hidden;
  const bool lstm = nn::has_cell_state(gc.cell);

  // Packed: lengths {2, 3, 1} in batch order, i.e. sorted order {1, 0, 2}, 6 rows.
  const std::vector<int64_t> batch_sizes{3, 2, 1}, sorted{1, 0, 2};
  std::vector<Tensor> inputs;
  inputs.push_back(gc.packed ? Tensor::uniform({6, 2}, gc.input_low, 1, gen)
                             : Tensor::uniform({T, B, 2}, gc.input_low, 1, gen));
  inputs.push_back(Tensor::uniform({S, B, Hout}, -1, 1, gen));
  if (lstm) inputs.push_back(Tensor::uniform({S, B, gc.hidden}, -1, 1, gen));
  for (Tensor& t : inputs) t.set_requires_grad(true);
  // The layer's own parameter tensors are inputs too: gradcheck perturbs them in place.
  for (const Tensor& p : layer.parameters()) inputs.push_back(p);
  if (gc.variational) {
    layer.train();
    layer.set_variational_masks(fixed_masks(B, 2, Hout, gen));
  }

  for (int which = 0; which < (lstm ? 3 : 2); ++which) {
    auto fn = [&](const std::vector<Tensor>& in) {
      const Tensor c0 = lstm ? in[2] : Tensor();
      Tensor results[3];
      if (gc.packed) {
        auto r = layer.forward(PackedSequence{in[0], batch_sizes, sorted, sorted}, in[1], c0);
        results[0] = r.output.data;
        results[1] = r.h_n;
        results[2] = r.c_n;
      } else {
        auto r = layer.forward(in[0], in[1], c0);
        results[0] = r.output;
        results[1] = r.h_n;
        results[2] = r.c_n;
      }
      return results[which];
    };
    auto result = gradcheck(fn, inputs);
    EXPECT_TRUE(result) << "output " << which << ": " << result.message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Layers, RecurrentGradcheck,
    ::testing::Values(
        GradcheckCase{"rnn_tanh", nn::CellType::RnnTanh, 0, false},
        GradcheckCase{"rnn_relu_packed", nn::CellType::RnnRelu, 0, true},
        GradcheckCase{"lstm", nn::CellType::Lstm, 0, false},
        GradcheckCase{"lstm_proj_packed", nn::CellType::Lstm, 2, true},
        GradcheckCase{"gru", nn::CellType::Gru, 0, false},
        GradcheckCase{"gru_packed", nn::CellType::Gru, 0, true},
        GradcheckCase{"ln_lstm", nn::CellType::LayerNormLstm, 0, false, 8, 0.5f},
        GradcheckCase{"ln_lstm_packed", nn::CellType::LayerNormLstm, 0, true, 8, 0.5f},
        GradcheckCase{"ln_gru", nn::CellType::LayerNormGru, 0, false, 8, 0.5f},
        GradcheckCase{"ln_gru_packed", nn::CellType::LayerNormGru, 0, true, 8, 0.5f},
        GradcheckCase{"lstm_variational_packed", nn::CellType::Lstm, 0, true, 3, -1.0f, true},
        GradcheckCase{"gru_variational", nn::CellType::Gru, 0, false, 3, -1.0f, true}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace recur::testing
