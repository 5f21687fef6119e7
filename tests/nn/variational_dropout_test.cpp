// Variational dropout in the recurrent layers (RecurrentOptions::input_dropout,
// recurrent_dropout) beyond the parity fixtures (tests/fixtures/rnn/vd_*, which replay fixed
// masks): masks drawn by the layer are per sequence and the same at every step, touch nothing in
// eval mode, and bad settings or masks are clear errors.
#include <gtest/gtest.h>

#include "recur/nn/lstm.h"
#include "recur/tensor/error.h"

namespace recur::testing {
namespace {

nn::RecurrentOptions options(float input_dropout, float recurrent_dropout) {
  nn::RecurrentOptions o;
  o.input_size = 8;
  o.hidden_size = 6;
  o.input_dropout = input_dropout;
  o.recurrent_dropout = recurrent_dropout;
  return o;
}

// Output of `lstm` on x in training mode, its masks drawn from a generator seeded afresh.
Tensor output_with_seed(nn::LSTM& lstm, Generator& gen, const Tensor& x) {
  gen = Generator(42);
  return lstm.forward(x).output;
}

// Whether sequence b's outputs differ between two [T, B, H] outputs.
bool sequence_changed(const Tensor& a, const Tensor& b, int64_t seq) {
  const int64_t T = a.size(0), B = a.size(1), H = a.size(2);
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t j = 0; j < H; ++j) {
      if (a.data()[(t * B + seq) * H + j] != b.data()[(t * B + seq) * H + j]) return true;
    }
  }
  return false;
}

TEST(VariationalDropout, AnInputFeatureIsDroppedAtEveryStepOfItsSequenceOrAtNone) {
  Generator gen(1);
  nn::LSTM lstm(options(0.5f, 0.3f), gen);
  lstm.train();
  const int64_t T = 5, B = 3, I = 8;
  const Tensor x = Tensor::uniform({T, B, I}, -1, 1, gen);
  const Tensor base = output_with_seed(lstm, gen, x);
  int dropped = 0;
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < I; ++j) {
      int unchanged_steps = 0;
      for (int64_t t = 0; t < T; ++t) {
        Tensor poked = x.clone();
        poked.data()[(t * B + b) * I + j] += 1.0f;
        const Tensor out = output_with_seed(lstm, gen, poked);
        if (!sequence_changed(base, out, b)) ++unchanged_steps;
        for (int64_t other = 0; other < B; ++other) {
          if (other != b) {
            EXPECT_FALSE(sequence_changed(base, out, other)) << "sequences mixed";
          }
        }
      }
      EXPECT_TRUE(unchanged_steps == 0 || unchanged_steps == T)
          << "feature " << j << " of sequence " << b << " dropped at " << unchanged_steps << " of "
          << T << " steps: the mask changed over time";
      if (unchanged_steps == T) ++dropped;
    }
  }
  // p = 0.5 over 24 (sequence, feature) pairs: some dropped, some kept.
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, B * I);
}

TEST(VariationalDropout, EvalModeAppliesNoMask) {
  Generator gen(2);
  nn::LSTM with(options(0.5f, 0.5f), gen);
  nn::LSTM without(options(0.0f, 0.0f), gen);
  without.load_state_dict(with.state_dict());
  with.eval();
  const Tensor x = Tensor::uniform({4, 2, 8}, -1, 1, gen);
  EXPECT_EQ(max_abs_diff(with.forward(x).output, without.forward(x).output), 0.0f);
  with.train();  // and training mode does apply them
  EXPECT_GT(max_abs_diff(with.forward(x).output, without.forward(x).output), 1e-3f);
}

TEST(VariationalDropout, BadRatesAndMasksAreErrorsNamingThem) {
  EXPECT_THROW(nn::LSTM(options(1.0f, 0.0f)), ValueError);
  try {
    nn::LSTM lstm(options(0.0f, -0.1f));
    FAIL() << "accepted a negative recurrent_dropout";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("recurrent_dropout"), std::string::npos) << e.what();
  }
  nn::LSTM lstm(options(0.0f, 0.2f));
  lstm.train();
  lstm.set_variational_masks(nn::VariationalMasks{{}, {Tensor::ones({3, 5})}});
  try {
    lstm.forward(Tensor::zeros({2, 3, 8}));
    FAIL() << "accepted a [3, 5] recurrent mask for H = 6";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("variational recurrent mask 0"), std::string::npos)
        << e.what();
  }
  lstm.set_variational_masks(
      nn::VariationalMasks{{}, {Tensor::ones({3, 6}), Tensor::ones({3, 6})}});
  EXPECT_THROW(lstm.forward(Tensor::zeros({2, 3, 8})), ValueError);  // 2 masks for 1 direction
  lstm.set_variational_masks(std::nullopt);
  EXPECT_NO_THROW(lstm.forward(Tensor::zeros({2, 3, 8})));
}

}  // namespace
}  // namespace recur::testing
