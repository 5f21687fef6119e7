// seq2seq::Seq2SeqNet (encoder, bridge, attention decoder with input feeding):
//   - shapes and PyTorch-style parameter names for every attention kind and both cells;
//   - the source padding mask: a sentence's logits do not change when it is batched with longer
//     sentences (padding never leaks through the packed encoder or the attention);
//   - teacher forcing: ratio 1 reads the gold tokens and draws nothing; ratio 0 feeds back the
//     argmax of the previous step; ratio 0.5 tosses one coin per step and sentence, replayed
//     with a copy of the generator;
//   - loss and every parameter gradient against the PyTorch reference of
//     tools/fixtures/make_seq2seq_fixtures.py, and finite differences on a tiny model;
//   - a small model learns to reverse short sequences.
#include "recur/apps/seq2seq/seq2seq_net.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "expect_error.h"
#include "gradcheck.h"
#include "recur/apps/seq2seq/batch.h"
#include "recur/apps/seq2seq/decoding.h"
#include "recur/apps/seq2seq/metrics.h"
#include "recur/io/safetensors.h"
#include "recur/ops/ops.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"
#include "test_support.h"

namespace recur::seq2seq {
namespace {

using testing::Contains;
using testing::error_message;

const std::vector<std::string> kAttentionKinds = {"none", "bahdanau", "luong-dot", "luong-general",
                                                  "luong-concat"};

Seq2SeqShape tiny(const std::string& cell, const std::string& attention,
                  bool bidirectional = true) {
  return {.cell = cell,
          .src_vocab_size = 9,
          .tgt_vocab_size = 7,
          .embedding_dim = 3,
          .hidden_size = 2,
          .num_layers = 1,
          .bidirectional = bidirectional,
          .attention = attention};
}

// Three pairs of different lengths (ids >= 4: no specials inside).
Seq2SeqBatch three_pairs() {
  return make_batch({{4, 5, 6, 7, 8}, {8, 4}, {5, 5, 6}}, {{4, 5, 6}, {6}, {5, 4}});
}

float max_abs(const Tensor& t) {
  float m = 0;
  for (float x : t.span()) m = std::max(m, std::abs(x));
  return m;
}

// Largest |a - b| over the tensors, which must have the same shape.
float max_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  float m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::abs(a.data()[i] - b.data()[i]));
  return m;
}

TEST(Seq2SeqNet, ShapesAndParameterNames) {
  for (const std::string& attention : kAttentionKinds) {
    Generator gen(1);
    Seq2SeqNet net(tiny("lstm", attention), gen);
    const Seq2SeqBatch batch = three_pairs();
    Seq2SeqOutput out = net.forward(batch.src, batch.src_lengths, batch.tgt_in, 1.0f, gen);
    EXPECT_EQ(out.logits.shape(), (Shape{3, 4, 7})) << attention;
    if (attention == "none") {
      EXPECT_FALSE(out.attention.defined());
      continue;
    }
    ASSERT_EQ(out.attention.shape(), (Shape{3, 4, 5})) << attention;
    for (int64_t b = 0; b < 3; ++b) {
      for (int64_t t = 0; t < 4; ++t) {
        float total = 0;
        for (int64_t s = 0; s < 5; ++s) {
          const float w = out.attention.at({b, t, s});
          if (s >= batch.src_lengths[static_cast<size_t>(b)]) {
            EXPECT_EQ(w, 0.0f) << attention;
          }
          total += w;
        }
        EXPECT_NEAR(total, 1.0f, 1e-5f) << attention;
      }
    }
  }
  Generator gen(2);
  const TensorMap lstm = Seq2SeqNet(tiny("lstm", "luong-general"), gen).state_dict();
  for (const char* name :
       {"encoder.embedding.weight", "encoder.lstm.weight_ih_l0",
        "encoder.lstm.weight_hh_l0_reverse", "decoder.embedding.weight", "decoder.lstm.weight_ih",
        "decoder.lstm.bias_hh", "decoder.attention.attn.weight", "decoder.concat.weight",
        "decoder.out.bias", "bridge_h.weight", "bridge_c.bias"}) {
    EXPECT_TRUE(lstm.count(name)) << name;
  }
  // M = 2 directions * 2 = 4; decoder input = embedding 3 + fed attentional vector 4.
  EXPECT_EQ(lstm.at("decoder.lstm.weight_ih").shape(), (Shape{16, 7}));
  EXPECT_EQ(lstm.at("decoder.concat.weight").shape(), (Shape{4, 8}));
  Seq2SeqShape gru_shape = tiny("gru", "bahdanau", false);
  gru_shape.bridge = "concat";
  gru_shape.input_feeding = false;
  const TensorMap gru = Seq2SeqNet(gru_shape, gen).state_dict();
  EXPECT_TRUE(gru.count("decoder.attention.Wa.weight"));
  EXPECT_FALSE(gru.count("bridge_h.weight"));
  EXPECT_EQ(gru.at("decoder.gru.weight_ih").shape(), (Shape{6, 3}));  // no feeding: E only
}

TEST(Seq2SeqNet, PaddingNeverChangesASentencesLogits) {
  for (const std::string cell : {"lstm", "gru"}) {
    for (const std::string& attention : kAttentionKinds) {
      Generator gen(3);
      Seq2SeqNet net(tiny(cell, attention), gen);
      const Seq2SeqBatch batch = three_pairs();
      const Seq2SeqOutput all = net.forward(batch.src, batch.src_lengths, batch.tgt_in, 1, gen);
      // Sentence 1 (source length 2, target length 1) alone: no source or target padding.
      const Seq2SeqBatch alone = make_batch({{8, 4}}, {{6}});
      const Seq2SeqOutput one = net.forward(alone.src, alone.src_lengths, alone.tgt_in, 1, gen);
      const Tensor batched = slice(select(all.logits, 0, 1), 0, 0, 2);  // its 2 real steps
      EXPECT_LT(max_diff(batched, select(one.logits, 0, 0)), 1e-5f) << cell << " " << attention;
      if (attention != "none") {
        const Tensor w = slice(slice(select(all.attention, 0, 1), 0, 0, 2), 1, 0, 2);
        EXPECT_LT(max_diff(w, select(one.attention, 0, 0)), 1e-6f) << cell << " " << attention;
      }
    }
  }
}

// tgt_in with step t > 0 replaced by the argmax of logits[:, t - 1] where use_model[b][t] is set.
IndexTensor feed_back(const IndexTensor& tgt_in, const Tensor& logits,
                      const std::vector<std::vector<bool>>& use_model) {
  IndexTensor out = tgt_in;
  const IndexTensor predicted = argmax(logits, -1);  // [B, Tt]
  for (int64_t b = 0; b < tgt_in.size(0); ++b) {
    for (int64_t t = 1; t < tgt_in.size(1); ++t) {
      if (use_model[static_cast<size_t>(b)][static_cast<size_t>(t)]) {
        out.at({b, t}) = predicted.at({b, t - 1});
      }
    }
  }
  return out;
}

TEST(Seq2SeqNet, TeacherForcingRatioOneReadsTheGoldTokensAndDrawsNothing) {
  Generator init(4);
  Seq2SeqNet net(tiny("lstm", "bahdanau"), init);
  const Seq2SeqBatch batch = three_pairs();
  Generator gen(9), untouched(9);
  const Tensor forced = net.forward(batch.src, batch.src_lengths, batch.tgt_in, 1.0f, gen).logits;
  EXPECT_EQ(gen.next_u64(), untouched.next_u64());
  // Changing the gold token at step 2 changes steps >= 2 only.
  IndexTensor changed = batch.tgt_in;
  changed.at({0, 2}) = changed.at({0, 2}) == 4 ? 5 : 4;
  const Tensor other = net.forward(batch.src, batch.src_lengths, changed, 1.0f, gen).logits;
  EXPECT_EQ(max_diff(slice(forced, 1, 0, 2), slice(other, 1, 0, 2)), 0.0f);
  EXPECT_GT(max_diff(slice(forced, 1, 2, 4), slice(other, 1, 2, 4)), 1e-4f);
}

TEST(Seq2SeqNet, TeacherForcingRatioZeroFeedsBackTheArgmax) {
  for (const std::string attention : {"none", "luong-dot"}) {
    Generator init(5);
    Seq2SeqNet net(tiny("gru", attention), init);
    const Seq2SeqBatch batch = three_pairs();
    Generator gen(10), untouched(10);
    const Tensor free_running =
        net.forward(batch.src, batch.src_lengths, batch.tgt_in, 0.0f, gen).logits;
    EXPECT_EQ(gen.next_u64(), untouched.next_u64());
    const std::vector<std::vector<bool>> always(3, std::vector<bool>(4, true));
    const IndexTensor fed = feed_back(batch.tgt_in, free_running, always);
    EXPECT_NE(fed, batch.tgt_in);  // the model's guesses differ from the gold tokens somewhere
    const Tensor replay = net.forward(batch.src, batch.src_lengths, fed, 1.0f, gen).logits;
    EXPECT_EQ(max_diff(free_running, replay), 0.0f) << attention;
  }
}

TEST(Seq2SeqNet, ScheduledSamplingTossesOneCoinPerStepAndSentence) {
  Generator init(6);
  Seq2SeqNet net(tiny("lstm", "luong-concat"), init);
  const Seq2SeqBatch batch = three_pairs();
  Generator gen(11), coins(11);
  const Tensor mixed = net.forward(batch.src, batch.src_lengths, batch.tgt_in, 0.5f, gen).logits;
  std::vector<std::vector<bool>> use_model(3, std::vector<bool>(4, false));
  int64_t model_steps = 0;
  for (int64_t t = 1; t < 4; ++t) {
    for (int64_t b = 0; b < 3; ++b) {
      const bool model = !(coins.uniform01() < 0.5f);
      use_model[static_cast<size_t>(b)][static_cast<size_t>(t)] = model;
      model_steps += model ? 1 : 0;
    }
  }
  EXPECT_EQ(gen.next_u64(), coins.next_u64());  // exactly 3 steps x 3 sentences drawn
  EXPECT_GT(model_steps, 0);
  EXPECT_LT(model_steps, 9);
  const IndexTensor fed = feed_back(batch.tgt_in, mixed, use_model);
  const Tensor replay = net.forward(batch.src, batch.src_lengths, fed, 1.0f, gen).logits;
  EXPECT_EQ(max_diff(mixed, replay), 0.0f);
}

TEST(Seq2SeqNet, BadInputIsAClearError) {
  Generator gen(7);
  Seq2SeqNet net(tiny("lstm", "luong-general"), gen);
  const Seq2SeqBatch batch = three_pairs();
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         net.forward(batch.src, {5, 0, 3}, batch.tgt_in, 1.0f, gen);
                       }),
                       "source sentence 1 is empty"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         net.forward(batch.src, batch.src_lengths, batch.tgt_in, 1.5f, gen);
                       }),
                       "teacher_forcing_ratio must be in [0, 1], got 1.5"));
  EXPECT_TRUE(Contains(error_message<ShapeError>([&] {
                         net.forward(batch.src, batch.src_lengths, batch.tgt_in.rows(0, 2), 1, gen);
                       }),
                       "target input must be [3, steps >= 1]"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         make_batch({{4}, {}}, {{5}, {6}});
                       }),
                       "pair 1 has an empty source"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { make_batch({{4}}, {{}}); }),
                       "pair 0 has an empty target"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { Seq2SeqNet(tiny("rnn", "none"), gen); }),
                       "cell must be lstm or gru"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([&] { Seq2SeqNet(tiny("lstm", "luong"), gen); }),
      "attention must be none, bahdanau, luong-dot, luong-general or luong-concat, got 'luong'"));
  Seq2SeqShape no_vocab = tiny("lstm", "none");
  no_vocab.tgt_vocab_size = 0;
  EXPECT_TRUE(Contains(error_message<ValueError>([&] { Seq2SeqNet(no_vocab, gen); }),
                       "tgt_vocab_size must be >= 1, got 0"));
}

TEST(Seq2SeqBatch, AddsTheSpecialsAndPads) {
  const Seq2SeqBatch batch = make_batch({{4, 5, 6}, {7}}, {{8}, {9, 10}});
  EXPECT_EQ(batch.src, IndexTensor::from_vector({2, 3}, {4, 5, 6, 7, 0, 0}));
  EXPECT_EQ(batch.src_lengths, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(batch.tgt_in, IndexTensor::from_vector({2, 3}, {2, 8, 0, 2, 9, 10}));
  EXPECT_EQ(batch.tgt_out, IndexTensor::from_vector({2, 3}, {8, 3, 0, 9, 10, 3}));
}

// --- PyTorch parity ------------------------------------------------------------------------

TensorMap with_prefix(const TensorMap& all, const std::string& prefix) {
  TensorMap out;
  for (const auto& [key, t] : all) {
    if (key.starts_with(prefix)) out[key.substr(prefix.size())] = t;
  }
  return out;
}

// Within 1e-4 of PyTorch's float64 answer relative to the tensor's largest entry (or 1).
void expect_close(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  ASSERT_EQ(got.shape(), want.shape()) << what;
  EXPECT_LE(max_diff(got, want), 1e-4f * std::max(1.0f, max_abs(want))) << what;
}

TEST(Seq2SeqNet, MatchesPyTorchLossAndGradients) {
  const std::string file = testing::fixture_path("apps/seq2seq/parity.safetensors");
  const io::SafetensorsFile read = io::read_safetensors(file);
  const auto& meta = read.metadata;
  const TensorMap fx = io::load_safetensors(file);
  std::string cases = meta.at("cases");
  int checked = 0;
  for (size_t start = 0; start < cases.size();) {
    const size_t comma = std::min(cases.find(',', start), cases.size());
    const std::string c = cases.substr(start, comma - start);
    start = comma + 1;
    const Seq2SeqShape shape{.cell = meta.at(c + ".cell"),
                             .src_vocab_size = std::stoll(meta.at("src_vocab_size")),
                             .tgt_vocab_size = std::stoll(meta.at("tgt_vocab_size")),
                             .embedding_dim = std::stoll(meta.at("embedding_dim")),
                             .hidden_size = std::stoll(meta.at("hidden_size")),
                             .num_layers = std::stoll(meta.at(c + ".num_layers")),
                             .bidirectional = meta.at(c + ".bidirectional") == "1",
                             .attention = meta.at(c + ".attention"),
                             .bridge = meta.at(c + ".bridge"),
                             .input_feeding = meta.at(c + ".input_feeding") == "1"};
    Generator gen(1);
    Seq2SeqNet net(shape, gen);
    net.load_state_dict(with_prefix(fx, c + ".param."));  // strict: PyTorch's names and shapes
    const IndexTensor src = IndexTensor::from_float(fx.at(c + ".src"));
    const std::vector<int64_t> lengths = IndexTensor::from_float(fx.at(c + ".lengths")).to_vector();
    const Seq2SeqOutput out =
        net.forward(src, lengths, IndexTensor::from_float(fx.at(c + ".tgt_in")), 1.0f, gen);
    Tensor loss = sequence_loss(out.logits, IndexTensor::from_float(fx.at(c + ".tgt_out")));
    expect_close(out.logits, fx.at(c + ".logits"), c + " logits");
    if (fx.count(c + ".attention")) expect_close(out.attention, fx.at(c + ".attention"), c);
    EXPECT_NEAR(loss.item(), fx.at(c + ".loss").item(), 1e-4f * fx.at(c + ".loss").item()) << c;
    loss.backward();
    for (const auto& [name, p] : net.named_parameters()) {
      ASSERT_TRUE(fx.count(c + ".grad." + name)) << c << " " << name;
      expect_close(p.grad(), fx.at(c + ".grad." + name), c + " grad " + name);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(Seq2SeqNet, GradientsMatchFiniteDifferences) {
  for (const std::string attention : {"bahdanau", "luong-general", "none"}) {
    Generator gen(8);
    Seq2SeqShape shape = tiny("lstm", attention);
    shape.src_vocab_size = 6;
    shape.tgt_vocab_size = 6;
    shape.embedding_dim = 2;
    Seq2SeqNet net(shape, gen);
    const Seq2SeqBatch batch = make_batch({{4, 5, 4}, {5}}, {{5, 4}, {4}});
    auto fn = [&](const std::vector<Tensor>&) {
      return sequence_loss(net.forward(batch.src, batch.src_lengths, batch.tgt_in, 1, gen).logits,
                           batch.tgt_out);
    };
    const auto result = testing::gradcheck(fn, net.parameters());  // perturbed in place
    EXPECT_TRUE(result) << attention << ": " << result.message;
  }
}

// --- Training ------------------------------------------------------------------------------

// Random sequences of 2-5 ids in [4, 10) and their reversals.
void reversal_pairs(Generator& gen, int64_t count, std::vector<TokenIds>& sources,
                    std::vector<TokenIds>& targets) {
  sources.clear();
  targets.clear();
  for (int64_t i = 0; i < count; ++i) {
    TokenIds s(2 + gen.below(4));
    for (int64_t& x : s) x = 4 + static_cast<int64_t>(gen.below(6));
    sources.push_back(s);
    targets.emplace_back(s.rbegin(), s.rend());
  }
}

TEST(Seq2SeqNet, LearnsToReverseShortSequences) {
  Generator gen(12);
  Seq2SeqNet net({.cell = "gru",
                  .src_vocab_size = 10,
                  .tgt_vocab_size = 10,
                  .embedding_dim = 16,
                  .hidden_size = 24,
                  .attention = "luong-general"},
                 gen);
  optim::Adam adam(net.parameters(), {.lr = 1e-2});
  std::vector<TokenIds> sources, targets;
  constexpr int kSteps = 160, kLast = 20;
  float last_losses = 0;  // summed over the last kLast steps: one batch's loss is noisy
  for (int step = 0; step < kSteps; ++step) {
    reversal_pairs(gen, 32, sources, targets);
    const Seq2SeqBatch batch = make_batch(sources, targets);
    Tensor loss = sequence_loss(
        net.forward(batch.src, batch.src_lengths, batch.tgt_in, 1.0f, gen).logits, batch.tgt_out);
    adam.zero_grad();
    loss.backward();
    optim::clip_grad_norm_(net.parameters(), 5.0);
    adam.step();
    if (step >= kSteps - kLast) last_losses += loss.item();
  }
  EXPECT_LT(last_losses / kLast, 0.2f);  // ln(6) = 1.79 guessing among the 6 symbols
  net.eval();
  reversal_pairs(gen, 100, sources, targets);
  const Seq2SeqBatch test = make_source_batch(sources);
  std::vector<Sentence> decoded;
  for (const Translation& t : greedy_decode(net, test.src, test.src_lengths, 10)) {
    decoded.push_back(t.ids);
  }
  EXPECT_GE(exact_match(decoded, targets), 0.8);
}

}  // namespace
}  // namespace recur::seq2seq
