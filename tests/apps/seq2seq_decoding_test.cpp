// seq2seq decoding (greedy_decode, beam_search):
//   - beam width 1 takes greedy's token at every step: the same ids, attention rows, log
//     probability and finished flags, on random models whose <eos> is likely mid-sentence;
//   - on a hand-built bigram decoder the best beam is not greedy's path: greedy takes the likelier
//     first token and ends with P = 0.6 * 0.31, the beam finds P = 0.4 * 0.9;
//   - batched beam search equals each sentence searched alone; outputs respect max_length;
//   - GNMT's length penalty and the normalised score; bad input is a ValueError.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "expect_error.h"
#include "recur/apps/seq2seq/batch.h"
#include "recur/apps/seq2seq/decoding.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/vocabulary.h"

namespace recur::seq2seq {
namespace {

using data::Vocabulary;
using testing::Contains;
using testing::error_message;

// Stands for a zero probability: log(0) would put -inf * 0 = NaN into the hand-set weights.
constexpr double kTiny = 1e-6;

const std::vector<TokenIds> kSources = {{4, 5, 6, 7, 8}, {8, 4}, {5, 5, 6}, {7}};

// A random model whose output bias favours <eos> enough to end some sentences early.
Seq2SeqNet& random_model(const std::string& cell, const std::string& attention, uint64_t seed) {
  static std::vector<std::unique_ptr<Seq2SeqNet>> keep;
  Generator gen(seed);
  keep.push_back(std::make_unique<Seq2SeqNet>(Seq2SeqShape{.cell = cell,
                                                           .src_vocab_size = 9,
                                                           .tgt_vocab_size = 12,
                                                           .embedding_dim = 4,
                                                           .hidden_size = 5,
                                                           .attention = attention},
                                              gen));
  Seq2SeqNet& net = *keep.back();
  NoGradGuard no_grad;
  net.decoder->out->bias.data()[Vocabulary::kEos] += 0.5f;
  net.eval();
  return net;
}

TEST(BeamSearch, WidthOneIsGreedy) {
  const Seq2SeqBatch batch = make_source_batch(kSources);
  int64_t finished = 0, cut = 0;
  for (const std::string attention : {"none", "bahdanau", "luong-general"}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      Seq2SeqNet& net = random_model(seed % 2 ? "lstm" : "gru", attention, seed);
      const auto greedy = greedy_decode(net, batch.src, batch.src_lengths, 8);
      const auto beam = beam_search(net, batch.src, batch.src_lengths,
                                    {.beam_width = 1, .max_length = 8, .length_penalty = 0.0f});
      ASSERT_EQ(greedy.size(), 4u);
      ASSERT_EQ(beam.size(), 4u);
      for (size_t b = 0; b < greedy.size(); ++b) {
        const std::string what =
            attention + " seed " + std::to_string(seed) + " row " + std::to_string(b);
        EXPECT_EQ(beam[b].ids, greedy[b].ids) << what;
        EXPECT_EQ(beam[b].finished, greedy[b].finished) << what;
        EXPECT_EQ(beam[b].log_prob, greedy[b].log_prob) << what;
        EXPECT_EQ(beam[b].score, greedy[b].score) << what;
        EXPECT_EQ(beam[b].attention.defined(), attention != "none") << what;
        if (attention != "none") {
          ASSERT_EQ(greedy[b].attention.shape(), (Shape{static_cast<int64_t>(greedy[b].ids.size()),
                                                        static_cast<int64_t>(kSources[b].size())}))
              << what;
          EXPECT_EQ(beam[b].attention.to_vector(), greedy[b].attention.to_vector()) << what;
        }
        (greedy[b].finished ? finished : cut) += 1;
      }
    }
  }
  // Both endings were exercised: some sentences emitted <eos>, some ran to max_length.
  EXPECT_GT(finished, 0);
  EXPECT_GT(cut, 0);
}

// A decoder that is a bigram model: with the update gate shut (z = sigmoid(-30)) and no
// recurrent weights, h_t = tanh(3 * onehot(y_{t-1})), so out(h_t) reads column y_{t-1} of
// out.weight, which holds log P(. | y_{t-1}) / tanh(3). Attention none, V = E = M = 6.
Seq2SeqNet& bigram_model(const std::vector<std::vector<double>>& probs) {
  static std::unique_ptr<Seq2SeqNet> keep;
  Generator gen(5);
  constexpr int64_t V = 6;
  keep = std::make_unique<Seq2SeqNet>(Seq2SeqShape{.cell = "gru",
                                                   .src_vocab_size = V,
                                                   .tgt_vocab_size = V,
                                                   .embedding_dim = V,
                                                   .hidden_size = V,
                                                   .bidirectional = false,
                                                   .attention = "none",
                                                   .bridge = "concat"},
                                      gen);
  NoGradGuard no_grad;
  TensorMap state = keep->state_dict();  // shares the parameters' storage
  for (auto& [name, t] : state) {
    if (name.starts_with("decoder.")) t.fill_(0.0f);
  }
  for (int64_t i = 0; i < V; ++i) {
    state.at("decoder.embedding.weight").data()[i * V + i] = 1.0f;
    state.at("decoder.gru.bias_ih").data()[V + i] = -30.0f;                // z gate shut
    state.at("decoder.gru.weight_ih").data()[(2 * V + i) * V + i] = 3.0f;  // n gate
  }
  const double scale = std::tanh(3.0);
  for (int64_t prev = 0; prev < V; ++prev) {
    for (int64_t next = 0; next < V; ++next) {
      state.at("decoder.out.weight").data()[next * V + prev] = static_cast<float>(
          std::log(probs[static_cast<size_t>(prev)][static_cast<size_t>(next)]) / scale);
    }
  }
  return *keep;
}

TEST(BeamSearch, FindsALikelierSequenceThanGreedy) {
  constexpr int64_t a = 4, b = 5;
  const std::vector<double> uniform(6, 1.0 / 6);
  // Rows: previous token; columns: <pad> <unk> <bos> <eos> a b.
  Seq2SeqNet& net = bigram_model({uniform,
                                  uniform,
                                  {kTiny, kTiny, kTiny, kTiny, 0.6, 0.4},  // after <bos>
                                  uniform,
                                  {0.0333, 0.0333, 0.0334, 0.31, 0.3, 0.29},  // after a
                                  {0.02, 0.02, 0.02, 0.9, 0.02, 0.02}});      // after b
  const Seq2SeqBatch batch = make_source_batch({{4, 5}});
  const Translation greedy = greedy_decode(net, batch.src, batch.src_lengths, 5)[0];
  EXPECT_EQ(greedy.ids, (TokenIds{a}));
  EXPECT_TRUE(greedy.finished);
  EXPECT_NEAR(greedy.log_prob, std::log(0.6 * 0.31), 1e-4);
  for (float alpha : {0.0f, 0.6f}) {
    const Translation beam =
        beam_search(net, batch.src, batch.src_lengths,
                    {.beam_width = 2, .max_length = 5, .length_penalty = alpha})[0];
    EXPECT_EQ(beam.ids, (TokenIds{b})) << alpha;
    EXPECT_TRUE(beam.finished);
    EXPECT_NEAR(beam.log_prob, std::log(0.4 * 0.9), 1e-4);
    // Two decoder steps (b, <eos>): lp = (7/6)^alpha.
    EXPECT_FLOAT_EQ(beam.score, beam.log_prob / std::pow(7.0f / 6.0f, alpha));
  }
  EXPECT_FALSE(greedy_decode(net, batch.src, batch.src_lengths, 5)[0].attention.defined());
}

TEST(BeamSearch, LengthPenaltyCanPreferALongerHypothesis) {
  // After <bos>: <eos> 0.5, a 0.5 (a wins nothing on a tie: <eos> has the lower id). After a:
  // <eos> 0.95. Raw log probabilities prefer the empty output (log 0.5 > log 0.475); GNMT's
  // penalty with alpha = 1 divides by 1 for <eos> alone and by 7/6 for "a <eos>".
  const std::vector<double> uniform(6, 1.0 / 6);
  Seq2SeqNet& net = bigram_model({uniform,
                                  uniform,
                                  {kTiny, kTiny, kTiny, 0.5, 0.5, kTiny},
                                  uniform,
                                  {0.01, 0.01, 0.01, 0.95, 0.01, 0.01},
                                  uniform});
  const Seq2SeqBatch batch = make_source_batch({{4}});
  const BeamOptions raw{.beam_width = 2, .max_length = 4, .length_penalty = 0.0f};
  EXPECT_EQ(beam_search(net, batch.src, batch.src_lengths, raw)[0].ids, TokenIds{});
  BeamOptions normalised = raw;
  normalised.length_penalty = 1.0f;
  EXPECT_EQ(beam_search(net, batch.src, batch.src_lengths, normalised)[0].ids, (TokenIds{4}));
}

TEST(BeamSearch, BatchedEqualsOneSentenceAtATime) {
  Seq2SeqNet& net = random_model("lstm", "luong-concat", 9);
  const Seq2SeqBatch batch = make_source_batch(kSources);
  const BeamOptions options{.beam_width = 3, .max_length = 7, .length_penalty = 0.6f};
  const auto all = beam_search(net, batch.src, batch.src_lengths, options);
  for (size_t i = 0; i < kSources.size(); ++i) {
    const Seq2SeqBatch one = make_source_batch({kSources[i]});
    const Translation alone = beam_search(net, one.src, one.src_lengths, options)[0];
    EXPECT_EQ(all[i].ids, alone.ids) << i;
    EXPECT_NEAR(all[i].score, alone.score, 1e-5f) << i;
    EXPECT_LE(all[i].ids.size(), 7u);
    EXPECT_EQ(all[i].attention.size(0), static_cast<int64_t>(all[i].ids.size()));
  }
}

TEST(BeamSearch, MaxLengthCutsUnfinishedSentences) {
  Seq2SeqNet& net = random_model("gru", "bahdanau", 3);
  const Seq2SeqBatch batch = make_source_batch(kSources);
  for (const Translation& t :
       beam_search(net, batch.src, batch.src_lengths, {.beam_width = 4, .max_length = 1})) {
    // One step: either <eos> (finished, no ids) or one id, cut.
    EXPECT_EQ(t.ids.size(), t.finished ? 0u : 1u);
  }
  for (const Translation& t : greedy_decode(net, batch.src, batch.src_lengths, 2)) {
    EXPECT_LE(t.ids.size(), 2u);
    EXPECT_TRUE(t.finished || t.ids.size() == 2u);
  }
}

TEST(BeamSearch, GnmtLengthPenalty) {
  EXPECT_FLOAT_EQ(gnmt_length_penalty(1, 0.6f), 1.0f);
  EXPECT_FLOAT_EQ(gnmt_length_penalty(7, 1.0f), 2.0f);
  EXPECT_FLOAT_EQ(gnmt_length_penalty(10, 0.5f), std::sqrt(2.5f));
  EXPECT_FLOAT_EQ(gnmt_length_penalty(10, 0.0f), 1.0f);
}

TEST(BeamSearch, BadInputIsAValueError) {
  Seq2SeqNet& net = random_model("lstm", "luong-dot", 2);
  const Seq2SeqBatch batch = make_source_batch(kSources);
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         beam_search(net, batch.src, batch.src_lengths, {.beam_width = 0});
                       }),
                       "beam search: beam_width must be >= 1, got 0"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         beam_search(net, batch.src, batch.src_lengths, {.max_length = 0});
                       }),
                       "beam search: max_length must be >= 1, got 0"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         beam_search(net, batch.src, batch.src_lengths, {.length_penalty = -1});
                       }),
                       "length_penalty (alpha) must be finite and >= 0"));
  EXPECT_TRUE(Contains(
      error_message<ValueError>([&] { greedy_decode(net, batch.src, batch.src_lengths, 0); }),
      "greedy decoding: max_length must be >= 1, got 0"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         beam_search(net, batch.src, {5, 2, 0, 1}, {});
                       }),
                       "source sentence 2 is empty"));
  EXPECT_TRUE(Contains(error_message<ValueError>([&] {
                         greedy_decode(net, batch.src, {5, 2, 3, 0}, 5);
                       }),
                       "source sentence 3 is empty"));
}

}  // namespace
}  // namespace recur::seq2seq
