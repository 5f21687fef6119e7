// Properties the recurrent layers must have beyond fixture parity: a packed batch gives every
// sequence what running it alone gives (forward and backward); streaming equals the full
// sequence; cells equal a one-step layer; no-grad mode records nothing; clear errors on bad
// input; the optional initialisations do what they say.
#include <gtest/gtest.h>

#include <cmath>

#include "recur/autograd/grad_mode.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/gru.h"
#include "recur/nn/gru_cell.h"
#include "recur/nn/lstm.h"
#include "recur/nn/lstm_cell.h"
#include "recur/nn/recurrent_init.h"
#include "recur/nn/recurrent_stream.h"
#include "recur/nn/rnn.h"
#include "recur/nn/rnn_cell.h"
#include "recur/ops/reduction.h"
#include "recur/seq/packing.h"

namespace recur::testing {
namespace {

using nn::CellType;

// "rnn_tanh", "lstm", ...: readable test names for suites over cell types.
std::string cell_label(const ::testing::TestParamInfo<CellType>& info) {
  return nn::cell_flag_name(info.param);
}

nn::RecurrentOptions small_options(int64_t layers = 2, bool bidirectional = false) {
  nn::RecurrentOptions o;
  o.input_size = 3;
  o.hidden_size = 4;
  o.num_layers = layers;
  o.bidirectional = bidirectional;
  return o;
}

void expect_near_all(const Tensor& a, const Tensor& b, float tol, const std::string& what) {
  ASSERT_EQ(a.shape(), b.shape()) << what;
  EXPECT_LE(max_abs_diff(a, b), tol) << what;
}

// Rows of a [T, B, F] tensor for sequence b, first n steps -> [n, 1, F].
Tensor sequence_of(const Tensor& x, int64_t b, int64_t n) {
  const int64_t B = x.size(1), F = x.size(2);
  Tensor out = Tensor::empty({n, 1, F});
  for (int64_t t = 0; t < n; ++t) {
    std::copy(x.data() + (t * B + b) * F, x.data() + (t * B + b + 1) * F, out.data() + t * F);
  }
  return out;
}

class PackedEqualsSeparate : public ::testing::TestWithParam<CellType> {};

TEST_P(PackedEqualsSeparate, ForwardAndBackward) {
  Generator gen(3);
  nn::RecurrentOptions o = small_options(2, true);
  if (GetParam() == CellType::Lstm) o.proj_size = 2;
  nn::RecurrentLayer layer(GetParam(), o, gen);
  const std::vector<int64_t> lengths{2, 5, 1, 5, 3};  // unsorted, with a tie and a length 1
  const int64_t B = 5, T = 5, S = 4, Hout = layer.output_hidden_size();
  // Sorted order (longest first, ties in index order) and the packed rows.
  const std::vector<int64_t> order{1, 3, 4, 0, 2};
  std::vector<int64_t> inverse(B);
  for (int64_t i = 0; i < B; ++i) inverse[order[i]] = i;
  const std::vector<int64_t> batch_sizes{5, 4, 3, 2, 2};
  Tensor padded = Tensor::uniform({T, B, 3}, -1, 1, gen);
  Tensor data = Tensor::empty({16, 3});
  int64_t row = 0;
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t i = 0; i < batch_sizes[t]; ++i, ++row) {
      std::copy(padded.data() + (t * B + order[i]) * 3, padded.data() + (t * B + order[i] + 1) * 3,
                data.data() + row * 3);
    }
  }
  data.set_requires_grad(true);
  Tensor h0 = Tensor::uniform({S, B, Hout}, -1, 1, gen).set_requires_grad(true);
  auto packed = layer.forward(PackedSequence{data, batch_sizes, order, inverse}, h0);
  // Loss: sum of all outputs and of h_n (each weighted 1), so gradients are comparable.
  packed.output.data.backward(Tensor::ones(packed.output.data.shape()));
  packed.h_n.backward(Tensor::ones(packed.h_n.shape()));
  const Tensor packed_dx = data.grad(), packed_dh0 = h0.grad();

  const int64_t W = 2 * Hout;
  for (int64_t b = 0; b < B; ++b) {
    Tensor x = sequence_of(padded, b, lengths[b]).set_requires_grad(true);
    Tensor h0b = Tensor::empty({S, 1, Hout});
    for (int64_t s = 0; s < S; ++s) {
      std::copy(h0.data() + (s * B + b) * Hout, h0.data() + (s * B + b + 1) * Hout,
                h0b.data() + s * Hout);
    }
    h0b.set_requires_grad(true);
    auto alone = layer.forward(x, h0b);
    alone.output.backward(Tensor::ones(alone.output.shape()));
    alone.h_n.backward(Tensor::ones(alone.h_n.shape()));
    // Compare every step's output and input gradient, and the final state.
    int64_t r = 0;
    for (int64_t t = 0; t < lengths[b]; ++t) {
      const int64_t i = inverse[b];
      const int64_t prow = (t == 0 ? 0 : r) + i;
      for (int64_t j = 0; j < W; ++j) {
        EXPECT_NEAR(packed.output.data.data()[prow * W + j], alone.output.data()[t * W + j], 1e-6)
            << "sequence " << b << " step " << t;
      }
      for (int64_t j = 0; j < 3; ++j) {
        EXPECT_NEAR(packed_dx.data()[prow * 3 + j], x.grad().data()[t * 3 + j], 1e-5)
            << "input grad, sequence " << b << " step " << t;
      }
      r += batch_sizes[t];
    }
    for (int64_t s = 0; s < S; ++s) {
      for (int64_t j = 0; j < Hout; ++j) {
        EXPECT_NEAR(packed.h_n.data()[(s * B + b) * Hout + j], alone.h_n.data()[s * Hout + j],
                    1e-6);
        EXPECT_NEAR(packed_dh0.data()[(s * B + b) * Hout + j], h0b.grad().data()[s * Hout + j],
                    1e-5);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, PackedEqualsSeparate,
                         ::testing::Values(CellType::RnnTanh, CellType::Lstm, CellType::Gru,
                                           CellType::LayerNormLstm, CellType::LayerNormGru),
                         cell_label);

class StreamEqualsSequence : public ::testing::TestWithParam<CellType> {};

// Feeds a 3-layer layer's input step by step (hidden units split between `threads` threads) and
// checks every output, the final state, a reset of one sequence and a state set from outside
// against the whole-sequence layer. Returns the step outputs.
std::vector<float> check_stream(CellType type, int64_t B, int64_t hidden, int64_t proj,
                                int threads) {
  Generator gen(5);
  nn::RecurrentOptions o = small_options(3);
  o.hidden_size = hidden;
  o.proj_size = proj;
  nn::RecurrentLayer layer(type, o, gen);
  const int64_t T = 40;
  Tensor x = Tensor::uniform({T, B, 3}, -1, 1, gen);
  NoGradGuard no_grad;
  auto full = layer.forward(x);
  nn::RecurrentStream stream(layer, B, threads);
  const int64_t W = layer.output_hidden_size();
  std::vector<float> outputs;
  for (int64_t t = 0; t < T; ++t) {
    Tensor y = stream.step(x.row(t).clone());
    expect_near_all(y, full.output.row(t).clone(), 1e-6f, "step " + std::to_string(t));
    const auto v = y.to_vector();
    outputs.insert(outputs.end(), v.begin(), v.end());
  }
  expect_near_all(stream.h(), full.h_n, 1e-6f, "h_n");
  if (type == CellType::Lstm) expect_near_all(stream.c(), full.c_n, 1e-6f, "c_n");
  // Resetting one sequence restarts it from zero state and leaves the others alone.
  stream.reset(2);
  Tensor h = stream.h();
  for (int64_t l = 0; l < 3; ++l) {
    for (int64_t j = 0; j < W; ++j) {
      EXPECT_EQ(h.at({l, 2, j}), 0.0f);
      EXPECT_NEAR(h.at({l, 1, j}), full.h_n.at({l, 1, j}), 1e-6f);
    }
  }
  // A state set from outside is where the next step starts: h_n and c_n of the sequence give
  // the step after it.
  Tensor x_next = Tensor::uniform({1, B, 3}, -1, 1, gen);
  auto after = layer.forward(x_next, full.h_n, full.c_n);
  stream.set_state(full.h_n, full.c_n);
  expect_near_all(stream.step(x_next.row(0).clone()), after.output.row(0).clone(), 1e-6f,
                  "step after set_state");
  return outputs;
}

TEST_P(StreamEqualsSequence, StepByStep) {
  check_stream(GetParam(), 6, 4, GetParam() == CellType::Lstm ? 3 : 0, 1);
}

// 80 units on two threads: slices of 32 and 48 (boundaries on 16-unit multiples). With 3
// sequences the vanilla RNN's first layer (input 3) is too small to split and runs whole while
// its upper layers split. The split changes no sum, so the outputs are the one-thread stream's
// to the bit.
TEST_P(StreamEqualsSequence, UnitsSplitAcrossThreads) {
  const auto split = check_stream(GetParam(), 3, 80, 0, 2);
  const auto single = check_stream(GetParam(), 3, 80, 0, 1);
  EXPECT_EQ(split, single);
  // A projection keeps the layer on one thread (the projection needs every unit first).
  if (GetParam() == CellType::Lstm) check_stream(GetParam(), 3, 80, 3, 2);
}

// With threads > 1 the stream times the split step against its slices run in turn on the
// calling thread, and switches between them (kernels/team_choice.h): over 600 steps it takes
// each way in several probes, and every output is the always-split and the one-thread stream's
// to the bit.
TEST(RecurrentStream, ChoosingBetweenSplitAndOneThreadChangesNoOutput) {
  Generator gen(7);
  nn::RecurrentOptions o = small_options(2);
  o.hidden_size = 64;
  nn::RecurrentLayer layer(CellType::Lstm, o, gen);
  const int64_t B = 2, T = 600;
  const Tensor x = Tensor::uniform({T, B, 3}, -1, 1, gen);
  const auto outputs = [&](nn::StreamOptions options) {
    nn::RecurrentStream stream(layer, B, options);
    std::vector<float> all;
    for (int64_t t = 0; t < T; ++t) {
      const float* y = stream.step(x.data() + t * B * 3);
      all.insert(all.end(), y, y + B * 64);
    }
    return all;
  };
  const auto chosen = outputs({.threads = 2});
  EXPECT_EQ(chosen, outputs({.threads = 2, .choose_by_timing = false}));
  EXPECT_EQ(chosen, outputs({.threads = 1}));
}

INSTANTIATE_TEST_SUITE_P(Cells, StreamEqualsSequence,
                         ::testing::Values(CellType::RnnTanh, CellType::RnnRelu, CellType::Lstm,
                                           CellType::Gru, CellType::LayerNormLstm,
                                           CellType::LayerNormGru),
                         cell_label);

class ThreadCountInvariant : public ::testing::TestWithParam<CellType> {};

// Output, h_n and every gradient of a 2-layer layer on a packed batch of 13 sequences (so that
// batch slices see sequences end at different steps), flattened for comparison.
std::vector<std::vector<float>> packed_run(CellType type, bool bidirectional, int threads) {
  kernels::set_num_threads(threads);
  Generator gen(11);
  nn::RecurrentOptions o = small_options(2, bidirectional);
  o.hidden_size = 16;
  nn::RecurrentLayer layer(type, o, gen);
  const std::vector<int64_t> lengths{7, 3, 9, 1, 9, 4, 6, 2, 8, 5, 9, 3, 7};
  Tensor x = Tensor::uniform({9, 13, 3}, -1, 1, gen).set_requires_grad(true);
  auto out = layer.forward(pack_padded_sequence(x, lengths, false, false));
  sum(out.output.data).backward();
  std::vector<std::vector<float>> all{out.output.data.to_vector(), out.h_n.to_vector(),
                                      x.grad().to_vector()};
  for (const auto& [name, p] : layer.named_parameters()) all.push_back(p.grad().to_vector());
  return all;
}

TEST_P(ThreadCountInvariant, SameBitsOnOneAndFourThreads) {
  const int before = kernels::num_threads();
  for (bool bidirectional : {false, true}) {
    const auto one = packed_run(GetParam(), bidirectional, 1);
    const auto four = packed_run(GetParam(), bidirectional, 4);
    EXPECT_EQ(one, four) << (bidirectional ? "bidirectional" : "unidirectional");
  }
  kernels::set_num_threads(before);
}

// The forecasting model's shape (2 layers, 64 units, one input) on 17 windows of 30 steps: the
// weight gradients are products over 510 rows, a K that OpenBLAS alone sums in another order on
// one thread than on two (kernels/gemm.cpp). Training at --threads 1 and 2 then drifted apart.
std::vector<std::vector<float>> training_step(CellType type, int threads) {
  kernels::set_num_threads(threads);
  Generator gen(3);
  nn::RecurrentOptions o;
  o.input_size = 1;
  o.hidden_size = 64;
  o.num_layers = 2;
  nn::RecurrentLayer layer(type, o, gen);
  Tensor x = Tensor::uniform({30, 17, 1}, -1, 1, gen).set_requires_grad(true);
  auto out = layer.forward(x);
  out.output.backward(Tensor::uniform(out.output.shape(), -1, 1, gen));
  std::vector<std::vector<float>> all{out.output.to_vector(), x.grad().to_vector()};
  for (const auto& [name, p] : layer.named_parameters()) all.push_back(p.grad().to_vector());
  return all;
}

TEST_P(ThreadCountInvariant, TrainingStepOverManyRowsSameBitsOnOneAndTwoThreads) {
  const int before = kernels::num_threads();
  const auto one = training_step(GetParam(), 1);
  const auto two = training_step(GetParam(), 2);
  kernels::set_num_threads(before);
  EXPECT_EQ(one, two);
}

INSTANTIATE_TEST_SUITE_P(Cells, ThreadCountInvariant,
                         ::testing::Values(CellType::RnnTanh, CellType::Lstm, CellType::Gru,
                                           CellType::LayerNormLstm, CellType::LayerNormGru),
                         cell_label);

// A batch too small to slice with a step too large for the packed kernel on a spare thread:
// with two threads the per-step products go to the threaded BLAS, with one to the packed
// kernel (recurrent_engine.h, use_packed_steps). Both paths give the same forward and backward.
std::vector<std::vector<float>> large_step_run(CellType type, int threads) {
  kernels::set_num_threads(threads);
  Generator gen(5);
  nn::RecurrentOptions o = small_options(1);
  o.hidden_size = 512;
  nn::RecurrentLayer layer(type, o, gen);
  Tensor x = Tensor::uniform({4, 6, 3}, -1, 1, gen).set_requires_grad(true);
  auto out = layer.forward(x);
  sum(out.output).backward();
  std::vector<std::vector<float>> all{out.output.to_vector(), x.grad().to_vector()};
  for (const auto& [name, p] : layer.named_parameters()) all.push_back(p.grad().to_vector());
  return all;
}

TEST_P(ThreadCountInvariant, BlasStepsMatchPackedSteps) {
  const int before = kernels::num_threads();
  const auto packed = large_step_run(GetParam(), 1);
  const auto blas = large_step_run(GetParam(), 2);
  kernels::set_num_threads(before);
  // The two kernels round differently; a layer normalisation divides the difference by the
  // spread of the hidden product, which is tiny in the first steps (h starts at 0), so the
  // normalised cells' gradients, summed over all steps, differ by up to ~1e-4 relative.
  const bool normalised =
      GetParam() == CellType::LayerNormLstm || GetParam() == CellType::LayerNormGru;
  const float tol = normalised ? 3e-4f : 1e-5f;
  ASSERT_EQ(packed.size(), blas.size());
  for (size_t i = 0; i < packed.size(); ++i) {
    ASSERT_EQ(packed[i].size(), blas[i].size());
    for (size_t j = 0; j < packed[i].size(); ++j) {
      ASSERT_NEAR(packed[i][j], blas[i][j], tol * (1.0f + std::fabs(packed[i][j])))
          << "tensor " << i << " element " << j;
    }
  }
}

TEST(RecurrentStream, RejectsBidirectional) {
  nn::LSTM lstm(small_options(1, true));
  EXPECT_THROW(nn::RecurrentStream(lstm, 1), ValueError);
}

TEST(RecurrentCells, EqualOneStepOfALayer) {
  Generator gen(9);
  nn::LSTMCell lstm_cell(3, 4, true, gen);
  nn::GRUCell gru_cell(3, 4, true, gen);
  nn::RNNCell rnn_cell(3, 4, true, CellType::RnnRelu, gen);
  Tensor x = Tensor::uniform({2, 3}, -1, 1, gen);
  Tensor h = Tensor::uniform({2, 4}, -1, 1, gen);
  Tensor c = Tensor::uniform({2, 4}, -1, 1, gen);
  auto check = [&](nn::RecurrentCell& cell, Tensor h_new, Tensor c_new) {
    nn::RecurrentOptions o = small_options(1);
    nn::RecurrentLayer layer(cell.cell_type(), o, gen);
    TensorMap state;
    for (const auto& [name, t] : cell.named_parameters()) state[name + "_l0"] = t.detach();
    layer.load_state_dict(state);
    auto out = layer.forward(x.view({1, 2, 3}), h.view({1, 2, 4}),
                             c_new.defined() ? c.view({1, 2, 4}) : Tensor());
    expect_near_all(h_new, out.h_n.view({2, 4}), 0.0f, cell.type_name() + " h");
    if (c_new.defined()) expect_near_all(c_new, out.c_n.view({2, 4}), 0.0f, "LSTMCell c");
  };
  auto [hl, cl] = lstm_cell.forward(x, h, c);
  check(lstm_cell, hl, cl);
  check(gru_cell, gru_cell.forward(x, h), Tensor());
  check(rnn_cell, rnn_cell.forward(x, h), Tensor());
  // PyTorch's names and shapes.
  auto names = lstm_cell.named_parameters();
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names[0].first, "weight_ih");
  EXPECT_EQ(names[0].second.shape(), (Shape{16, 3}));
  EXPECT_EQ(names[3].first, "bias_hh");
}

TEST(RecurrentCells, GradientsFlowToInputsStateAndWeights) {
  Generator gen(2);
  nn::GRUCell cell(3, 4, true, gen);
  Tensor x = Tensor::uniform({2, 3}, -1, 1, gen).set_requires_grad(true);
  Tensor h = Tensor::uniform({2, 4}, -1, 1, gen).set_requires_grad(true);
  Tensor h1 = cell.forward(x, h);
  h1.backward(Tensor::ones({2, 4}));
  ASSERT_TRUE(x.grad().defined());
  ASSERT_TRUE(h.grad().defined());
  EXPECT_GT(max_abs_diff(cell.parameters_of().weight_hh.grad(), Tensor::zeros({12, 4})), 0.0f);
}

TEST(RecurrentLayer, NamesShapesAndDefaultInit) {
  Generator gen(1);
  nn::RecurrentOptions o = small_options(2, true);
  o.hidden_size = 16;
  o.proj_size = 5;
  nn::LSTM lstm(o, gen);
  auto named = lstm.named_parameters();
  std::vector<std::string> expected{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                    "bias_hh_l0",   "weight_hr_l0", "weight_ih_l0_reverse"};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(named[i].first, expected[i]);
  EXPECT_EQ(lstm.tensor("weight_ih_l1").shape(), (Shape{64, 10}));
  EXPECT_EQ(lstm.tensor("weight_hh_l1_reverse").shape(), (Shape{64, 5}));
  EXPECT_EQ(lstm.tensor("weight_hr_l1_reverse").shape(), (Shape{5, 16}));
  for (const auto& [name, t] : named) {
    for (float v : t.span()) {
      ASSERT_LE(std::abs(v), 0.25f) << name;  // 1/sqrt(16)
    }
  }
  Tensor x = Tensor::uniform({7, 2, 3}, -1, 1, gen);
  auto out = lstm.forward(x);
  EXPECT_EQ(out.output.shape(), (Shape{7, 2, 10}));
  EXPECT_EQ(out.h_n.shape(), (Shape{4, 2, 5}));
  EXPECT_EQ(out.c_n.shape(), (Shape{4, 2, 16}));
}

TEST(RecurrentLayer, NoGradRecordsNothing) {
  nn::GRU gru(small_options());
  Tensor x = Tensor::ones({3, 2, 3});
  {
    NoGradGuard no_grad;
    auto out = gru.forward(x);
    EXPECT_FALSE(out.output.requires_grad());
    EXPECT_EQ(out.output.grad_fn(), nullptr);
  }
  auto out = gru.forward(x);
  EXPECT_NE(out.output.grad_fn(), nullptr);
}

TEST(RecurrentLayer, DropoutOnlyBetweenLayersInTraining) {
  Generator gen(4);
  nn::RecurrentOptions o = small_options(2);
  o.dropout = 0.5f;
  nn::LSTM lstm(o, gen);
  Tensor x = Tensor::uniform({5, 2, 3}, -1, 1, gen);
  lstm.eval();
  auto a = lstm.forward(x);
  auto b = lstm.forward(x);
  EXPECT_EQ(max_abs_diff(a.output, b.output), 0.0f);
  lstm.train();
  auto c = lstm.forward(x);
  EXPECT_GT(max_abs_diff(a.output, c.output), 1e-4f);
  // The first layer sees no dropout: its final state is the same in both modes.
  EXPECT_EQ(max_abs_diff(a.h_n.row(0).clone(), c.h_n.row(0).clone()), 0.0f);
}

TEST(RecurrentLayer, BadInputNamesWhatWasExpected) {
  nn::LSTM lstm(small_options(1));
  try {
    lstm.forward(Tensor::zeros({3, 4}));
    FAIL() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_EQ(std::string(e.what()), "LSTM input: expected [T, B, 3], got [3, 4]");
  }
  EXPECT_THROW(lstm.forward(Tensor::zeros({5, 2, 4})), ShapeError);
  EXPECT_THROW(lstm.forward(Tensor::zeros({5, 2, 3}), Tensor::zeros({1, 3, 4})), ShapeError);
  EXPECT_THROW(lstm.forward(Tensor::zeros({5, 2, 3}), {}, Tensor::zeros({2, 2, 4})), ShapeError);
  nn::GRU gru(small_options(1));
  EXPECT_THROW(gru.forward(Tensor::zeros({5, 2, 3}), {}, Tensor::zeros({1, 2, 4})), ValueError);
  EXPECT_THROW(nn::GRU({.input_size = 3, .hidden_size = 4, .proj_size = 2}), ValueError);
  // state_dict with a missing key or a wrong shape.
  TensorMap state = lstm.state_dict();
  TensorMap missing = state;
  missing.erase("bias_hh_l0");
  EXPECT_THROW(lstm.load_state_dict(missing), ValueError);
  TensorMap wrong = state;
  wrong["weight_hh_l0"] = Tensor::zeros({16, 5});
  try {
    lstm.load_state_dict(wrong);
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("weight_hh_l0"), std::string::npos) << e.what();
  }
}

TEST(RecurrentInit, ForgetBiasOrthogonalAndChrono) {
  Generator gen(8);
  nn::LSTM lstm(small_options(1), gen);
  nn::init_forget_bias(lstm, 1.0f);
  const auto& p = lstm.parameters_of(0, 0);
  for (int64_t j = 0; j < 4; ++j) {
    EXPECT_EQ(p.bias_ih.at({4 + j}) + p.bias_hh.at({4 + j}), 1.0f);
  }
  nn::init_orthogonal_recurrent(lstm, gen);
  for (int64_t g = 0; g < 4; ++g) {
    for (int64_t a = 0; a < 4; ++a) {
      for (int64_t b = 0; b < 4; ++b) {
        float dot = 0;
        for (int64_t k = 0; k < 4; ++k) {
          dot += p.weight_hh.at({g * 4 + a, k}) * p.weight_hh.at({g * 4 + b, k});
        }
        EXPECT_NEAR(dot, a == b ? 1.0f : 0.0f, 1e-5f);
      }
    }
  }
  nn::init_chrono(lstm, 50, gen);
  for (int64_t j = 0; j < 4; ++j) {
    const float bf = p.bias_ih.at({4 + j});
    EXPECT_GE(bf, 0.0f);
    EXPECT_LE(bf, std::log(49.0f) + 1e-6f);
    EXPECT_EQ(p.bias_ih.at({j}), -bf);
    EXPECT_EQ(p.bias_hh.at({4 + j}), 0.0f);
  }
  nn::RNN rnn(small_options(1));
  EXPECT_THROW(nn::init_chrono(rnn, 50, gen), ValueError);
  EXPECT_THROW(nn::init_forget_bias(rnn), ValueError);
}

}  // namespace
}  // namespace recur::testing
