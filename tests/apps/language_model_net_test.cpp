// textgen::LanguageModelNet trained by truncated BPTT (train::StreamLoader + train::CarriedState,
// as textgen_pipeline.cpp wires them) and sampled by textgen::TextGenerator:
//   - three chunks of an LSTM and a GRU language model against PyTorch's word_language_model
//     loop (tools/fixtures/make_tbptt_fixtures.py): every chunk's loss and every gradient, with
//     an SGD step between chunks, so a later chunk depends on the update and on the carried
//     state; replaying with the state dropped or not detached must not match;
//   - one chunk of the whole stream is full BPTT, bit for bit; shorter chunks give the same
//     per-token losses as the full forward and only truncate the gradients;
//   - TextGenerator's greedy continuation is the argmax of the full forward, sampling is
//     reproducible from the seed and never draws a special id.
#include "recur/apps/textgen/language_model_net.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "recur/apps/textgen/text_generator.h"
#include "recur/autograd/grad_mode.h"
#include "recur/data/vocabulary.h"
#include "recur/io/safetensors.h"
#include "recur/ops/ops.h"
#include "recur/optim/sgd.h"
#include "recur/tensor/error.h"
#include "recur/train/carried_state.h"
#include "recur/train/stream_loader.h"
#include "test_support.h"

namespace recur::textgen {
namespace {

using train::Batch;
using train::CarriedState;
using train::RecurrentState;
using train::StreamLoader;

constexpr int64_t kVocab = 11;  // ids 0-3 are the specials, 4-10 text
constexpr int64_t kSpecials = data::Vocabulary::kSpecials;

LanguageModelShape small(const std::string& cell) {
  return {
      .cell = cell, .vocab_size = kVocab, .embedding_dim = 5, .hidden_size = 7, .num_layers = 2};
}

// n text ids in [kSpecials, kVocab), irregular enough that no chunk repeats another.
std::vector<int64_t> text_ids(int64_t n) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < n; ++i) ids.push_back(kSpecials + (5 * i + i * i / 3) % (kVocab - 4));
  return ids;
}

// Every parameter's gradient, copied (the next backward or zero_grad replaces it).
TensorMap gradients(const nn::Module& net) {
  TensorMap grads;
  for (const auto& [name, p] : net.named_parameters()) {
    grads[name] = p.grad().defined() ? p.grad().clone() : Tensor::zeros(p.shape());
  }
  return grads;
}

// One chunk as textgen_pipeline.cpp trains it: start from the carried state (zeros for a batch
// that starts new streams), run, carry the final state to the next chunk.
LanguageModelOutput run_chunk(LanguageModelNet& net, CarriedState& state, const Batch& b) {
  const RecurrentState start = state.start(b);
  LanguageModelOutput out = net.forward(b.tokens, start);
  state.carry(out.h_n, out.c_n);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parity with PyTorch's truncated BPTT loop.

// The reference is float64, so this bounds recur's float32 error over three chunks. Losses are
// ~2.4: relative kRel. Gradients: |actual - expected| <= kRel * |expected| + kGradFloor; the
// floor is for entries near 0 in a tensor that is not (without it one entry of chunk 2's
// lstm.weight_ih_l1 gradient is 8x over; with it the worst entry of either cell is at 0.45 of
// its tolerance). The recurrent gradients of this small model are ~1e-5, so the floor is 1e-9.
constexpr double kRel = 1e-4;
constexpr double kGradFloor = 1e-9;

io::SafetensorsFile tbptt_fixture(const std::string& cell) {
  return io::read_safetensors(testing::fixture_path("train/tbptt/" + cell + ".safetensors"));
}

// The tensors named prefix + name, under name.
TensorMap with_prefix(const TensorMap& all, const std::string& prefix) {
  TensorMap out;
  for (const auto& [name, t] : all) {
    if (name.rfind(prefix, 0) == 0) out[name.substr(prefix.size())] = t;
  }
  return out;
}

// How the replay hands the state from chunk to chunk: as train::CarriedState does, or two
// faults the fixture must catch.
enum class Handover { kCarried, kDropped, kNotDetached };

struct Chunk {
  double loss = 0.0;
  TensorMap grads;
};

struct Replay {
  std::vector<Chunk> chunks;
  TensorMap final_state;
};

Replay replay(const io::SafetensorsFile& fixture, Handover handover) {
  const auto number = [&](const char* key) { return std::stoll(fixture.metadata.at(key)); };
  Generator gen(0);  // any seed: the weights are replaced by PyTorch's
  LanguageModelNet net({.cell = fixture.metadata.at("cell"),
                        .vocab_size = number("vocab_size"),
                        .embedding_dim = number("embedding_dim"),
                        .hidden_size = number("hidden_size"),
                        .num_layers = number("num_layers")},
                       gen);
  net.load_state_dict(with_prefix(fixture.tensors, "initial."));  // strict: PyTorch's names
  optim::SGD optimizer(net.parameters(), {.lr = std::stod(fixture.metadata.at("lr"))});
  const StreamLoader loader(IndexTensor::from_float(fixture.tensors.at("stream")).to_vector(),
                            {.streams = number("streams"), .chunk_length = number("chunk_length")});

  Replay out;
  CarriedState state;
  RecurrentState attached;  // the final state as the layer returned it, graph and all
  for (const Batch& b : loader.epoch(0)) {
    RecurrentState start = state.start(b);
    if (handover == Handover::kDropped) start = {};
    if (handover == Handover::kNotDetached && b.continues_streams) start = attached;
    optimizer.zero_grad();
    const LanguageModelOutput step = net.forward(b.tokens, start);
    state.carry(step.h_n, step.c_n);
    attached = {step.h_n, step.c_n};
    const Tensor loss = cross_entropy(step.logits, b.labels);
    loss.backward();
    out.chunks.push_back({loss.item(), gradients(net)});
    optimizer.step();
  }
  out.final_state = net.state_dict();
  return out;
}

// The largest |actual - expected| / (kRel |expected| + floor) over the elements (1 is the
// tolerance); where names the worst element.
double worst_excess(const Tensor& actual, const Tensor& expected, double floor,
                    std::string* where = nullptr) {
  if (actual.shape() != expected.shape()) return INFINITY;
  double worst = 0.0;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    const double e = expected.data()[i], a = actual.data()[i];
    const double excess = std::abs(a - e) / (kRel * std::abs(e) + floor);
    if (!(excess <= worst)) {  // a NaN becomes the worst
      worst = excess;
      if (where)
        *where = "[" + std::to_string(i) + "] is " + std::to_string(a) + ", PyTorch " +
                 std::to_string(e);
    }
  }
  return worst;
}

double loss_excess(double actual, double expected) {
  return std::abs(actual - expected) / (kRel * std::abs(expected));
}

// The largest excess of chunk c over its loss and every gradient.
double chunk_excess(const Chunk& chunk, const TensorMap& expected, int64_t c) {
  const std::string key = "chunk" + std::to_string(c) + ".";
  double worst = loss_excess(chunk.loss, expected.at(key + "loss").item());
  for (const auto& [name, g] : chunk.grads) {
    worst = std::max(worst, worst_excess(g, expected.at(key + "grad." + name), kGradFloor));
  }
  return worst;
}

class TbpttParity : public ::testing::TestWithParam<std::string> {};

TEST_P(TbpttParity, EveryChunksLossAndGradientsMatchPyTorch) {
  const io::SafetensorsFile fixture = tbptt_fixture(GetParam());
  const TensorMap& expected = fixture.tensors;
  const Replay run = replay(fixture, Handover::kCarried);
  ASSERT_EQ(static_cast<int64_t>(run.chunks.size()), std::stoll(fixture.metadata.at("chunks")));
  for (size_t c = 0; c < run.chunks.size(); ++c) {
    const std::string key = "chunk" + std::to_string(c) + ".";
    const double loss = expected.at(key + "loss").item();
    EXPECT_LE(loss_excess(run.chunks[c].loss, loss), 1.0)
        << "chunk " << c << ": loss " << run.chunks[c].loss << ", PyTorch " << loss;
    ASSERT_EQ(run.chunks[c].grads.size(), with_prefix(expected, key + "grad.").size());
    for (const auto& [name, g] : run.chunks[c].grads) {
      std::string where;
      EXPECT_LE(worst_excess(g, expected.at(key + "grad." + name), kGradFloor, &where), 1.0)
          << "chunk " << c << ": grad of " << name << where;
    }
  }
  for (const auto& [name, p] : run.final_state) {
    std::string where;
    EXPECT_LE(worst_excess(p, expected.at("final." + name), kRel, &where), 1.0)
        << "final " << name << where;
  }
}

// The fixture tells a correct handover from the two ways to get it wrong: a state that is not
// carried changes the losses and gradients of every later chunk, one that is not detached lets
// the gradients run on into the chunk before.
// (Both are over 1e5 times the tolerance.)
TEST_P(TbpttParity, ADroppedOrAttachedStateDoesNotMatch) {
  const io::SafetensorsFile fixture = tbptt_fixture(GetParam());
  for (Handover fault : {Handover::kDropped, Handover::kNotDetached}) {
    const Replay run = replay(fixture, fault);
    EXPECT_LE(chunk_excess(run.chunks[0], fixture.tensors, 0), 1.0);  // nothing handed over yet
    for (size_t c = 1; c < run.chunks.size(); ++c) {
      EXPECT_GT(chunk_excess(run.chunks[c], fixture.tensors, static_cast<int64_t>(c)), 100.0)
          << "chunk " << c << (fault == Handover::kDropped ? " dropped" : " not detached");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, TbpttParity, ::testing::Values("lstm", "gru"));

// ---------------------------------------------------------------------------------------------
// Truncation.

// 23 ids as 3 streams of L = 7 steps: the batchified tokens and targets, written out by hand
// from the layout in stream_loader.h, independently of the loader.
struct FullStreams {
  IndexTensor tokens, labels;  // [3, 7]
};

FullStreams full_streams(const std::vector<int64_t>& ids) {
  FullStreams f{IndexTensor::zeros({3, 7}), IndexTensor::zeros({3, 7})};
  for (int64_t s = 0; s < 3; ++s) {
    for (int64_t t = 0; t < 7; ++t) {
      f.tokens.at({s, t}) = ids[static_cast<size_t>(s * 7 + t)];
      f.labels.at({s, t}) = ids[static_cast<size_t>(s * 7 + t + 1)];
    }
  }
  return f;
}

// ||a - b|| / ||b|| (0 when both are 0).
double relative_distance(const Tensor& a, const Tensor& b) {
  double diff = 0.0, base = 0.0;
  for (int64_t i = 0; i < b.numel(); ++i) {
    diff += std::pow(double(a.data()[i]) - b.data()[i], 2);
    base += std::pow(double(b.data()[i]), 2);
  }
  return diff == 0.0 ? 0.0 : std::sqrt(diff / base);
}

void expect_bit_identical(const TensorMap& actual, const TensorMap& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [name, e] : expected) {
    const Tensor& a = actual.at(name);
    ASSERT_EQ(a.shape(), e.shape()) << name;
    EXPECT_TRUE(std::equal(a.data(), a.data() + a.numel(), e.data())) << name;
  }
}

TEST(LanguageModelTbptt, OneChunkOfTheWholeStreamIsFullBptt) {
  for (const char* cell : {"lstm", "gru", "rnn"}) {
    Generator gen(1);
    LanguageModelNet net(small(cell), gen);
    const std::vector<int64_t> ids = text_ids(23);
    const FullStreams full = full_streams(ids);

    const StreamLoader loader(ids, {.streams = 3, .chunk_length = 7});
    ASSERT_EQ(loader.num_batches(), 1);
    CarriedState state;
    net.zero_grad();
    const Batch b = loader.chunk(0);
    const Tensor tbptt = cross_entropy(run_chunk(net, state, b).logits, b.labels);
    tbptt.backward();
    const TensorMap tbptt_grads = gradients(net);

    net.zero_grad();
    const Tensor bptt = cross_entropy(net.forward(full.tokens).logits, full.labels);
    bptt.backward();
    EXPECT_EQ(tbptt.item(), bptt.item()) << cell;
    expect_bit_identical(tbptt_grads, gradients(net));
  }
}

// Chunks of 3 + 3 + 1 steps with the state carried: the forward pass is that of the whole
// stream, so every token's loss is the same (up to float rounding) and so is the gradient of the
// output layer, which reads only the forward values (they agree to ~1e-7); the recurrent weights
// and the embedding lose the paths through the chunk boundaries, so their gradients differ from
// full BPTT's by far more than rounding (by 20 % to 50 % here).
TEST(LanguageModelTbptt, ChunksGiveTheFullForwardsLossesButTruncatedGradients) {
  for (const char* cell : {"lstm", "gru", "rnn"}) {
    Generator gen(2);
    LanguageModelNet net(small(cell), gen);
    const std::vector<int64_t> ids = text_ids(23);
    const FullStreams full = full_streams(ids);
    const CrossEntropyOptions per_token{.reduction = Reduction::None};

    net.zero_grad();
    const Tensor full_losses = cross_entropy(net.forward(full.tokens).logits, full.labels,
                                             per_token);  // [3, 7]
    sum(full_losses).backward();
    const TensorMap full_grads = gradients(net);

    net.zero_grad();  // the chunks' gradients add up, as one backward over the sum would
    const StreamLoader loader(ids, {.streams = 3, .chunk_length = 3});
    CarriedState state;
    int64_t begin = 0;
    for (const Batch& b : loader.epoch(0)) {
      const Tensor losses = cross_entropy(run_chunk(net, state, b).logits, b.labels, per_token);
      for (int64_t s = 0; s < 3; ++s) {
        for (int64_t t = 0; t < b.tokens.size(1); ++t) {
          EXPECT_NEAR(losses.at({s, t}), full_losses.at({s, begin + t}), 1e-6)
              << cell << " stream " << s << " step " << begin + t;
        }
      }
      sum(losses).backward();
      begin += b.tokens.size(1);
    }
    EXPECT_EQ(begin, 7);
    const TensorMap chunk_grads = gradients(net);

    for (const auto& [name, g] : full_grads) {
      const double relative_difference = relative_distance(chunk_grads.at(name), g);
      if (name.rfind("fc.", 0) == 0) {
        EXPECT_LT(relative_difference, 1e-5) << cell << " " << name;
      } else {
        EXPECT_GT(relative_difference, 1e-2) << cell << " " << name;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generation.

// Greedy decoding done the slow way: the whole sequence through net.forward at every step, the
// argmax over the text ids of the last step's logits.
std::vector<int64_t> greedy_by_full_forward(LanguageModelNet& net, std::vector<int64_t> sequence,
                                            int64_t length) {
  NoGradGuard no_grad;
  std::vector<int64_t> drawn;
  for (int64_t i = 0; i < length; ++i) {
    const int64_t n = static_cast<int64_t>(sequence.size());
    const Tensor logits = net.forward(IndexTensor::from_vector({1, n}, sequence)).logits;
    int64_t best = kSpecials;
    for (int64_t v = kSpecials; v < kVocab; ++v) {
      if (logits.at({0, n - 1, v}) > logits.at({0, n - 1, best})) best = v;
    }
    drawn.push_back(best);
    sequence.push_back(best);
  }
  return drawn;
}

TEST(TextGenerator, GreedyIsTheArgmaxContinuationOfTheFullForward) {
  for (const char* cell : {"lstm", "gru", "rnn"}) {
    Generator gen(7);
    LanguageModelNet net(small(cell), gen);
    TextGenerator generator(net);
    const std::vector<int64_t> prompt = {5, 9, 4, 10};
    Generator draws(0);
    std::vector<int64_t> streamed;
    const std::vector<int64_t> drawn = generator.generate(
        prompt, 16, {.temperature = 0.0f}, draws, [&](int64_t id) { streamed.push_back(id); });
    EXPECT_EQ(drawn, greedy_by_full_forward(net, prompt, 16)) << cell;
    EXPECT_EQ(streamed, drawn) << cell;
  }
}

TEST(TextGenerator, TheSameSeedDrawsTheSameTokens) {
  Generator gen(8);
  LanguageModelNet net(small("lstm"), gen);
  TextGenerator generator(net);
  const auto draw = [&](uint64_t seed) {
    Generator draws(seed);
    return generator.generate({6, 7}, 40, {.temperature = 1.0f}, draws);
  };
  const std::vector<int64_t> first = draw(3);
  ASSERT_EQ(first.size(), 40u);
  EXPECT_EQ(draw(3), first);  // the second call starts from a fresh state too
  EXPECT_NE(draw(4), first);
  for (int64_t id : first) {
    EXPECT_GE(id, kSpecials);
    EXPECT_LT(id, kVocab);
  }
}

TEST(TextGenerator, SpecialIdsAreNeverDrawnEvenWhenTheyScoreHighest) {
  Generator gen(9);
  LanguageModelNet net(small("gru"), gen);
  for (int64_t v = 0; v < kSpecials; ++v) net.fc->bias.data()[v] = 1e3f;
  {
    NoGradGuard no_grad;  // the network itself now prefers a special at every step
    const Tensor logits = net.forward(IndexTensor::from_vector({1, 2}, {6, 7})).logits;
    EXPECT_GT(logits.at({0, 1, 0}), logits.at({0, 1, kSpecials}) + 100.0f);
  }
  TextGenerator generator(net);
  for (float temperature : {0.0f, 1.0f, 5.0f}) {
    Generator draws(1);
    for (int64_t id : generator.generate({6, 7}, 50, {.temperature = temperature}, draws)) {
      EXPECT_GE(id, kSpecials) << "temperature " << temperature;
    }
  }
}

TEST(TextGenerator, ABadPromptIsAValueErrorNamingTheToken) {
  Generator gen(10);
  LanguageModelNet net(small("lstm"), gen);
  TextGenerator generator(net);
  Generator draws(0);
  const SamplingOptions greedy{.temperature = 0.0f};
  EXPECT_THROW(generator.generate({}, 5, greedy, draws), ValueError);
  EXPECT_THROW(generator.generate({5, kSpecials - 1}, 5, greedy, draws), ValueError);
  EXPECT_THROW(generator.generate({5, kVocab}, 5, greedy, draws), ValueError);
  EXPECT_THROW(generator.generate({5}, -1, greedy, draws), ValueError);
  try {
    generator.generate({5, 6, 0}, 5, greedy, draws);
    ADD_FAILURE() << "a <pad> in the prompt was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("prompt token 3 has id 0"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(generator.generate({5}, 0, greedy, draws).empty());
}

// ---------------------------------------------------------------------------------------------
// The network itself.

TEST(LanguageModelNet, ShapesAndStateOfEachCell) {
  for (const char* cell : {"lstm", "gru", "rnn"}) {
    Generator gen(3);
    LanguageModelNet net(small(cell), gen);
    const LanguageModelOutput out =
        net.forward(IndexTensor::from_vector({2, 3}, {4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(out.logits.shape(), (Shape{2, 3, kVocab})) << cell;
    EXPECT_EQ(out.h_n.shape(), (Shape{2, 2, 7})) << cell;
    EXPECT_EQ(out.c_n.defined(), std::string(cell) == "lstm") << cell;
    // The state of a chunk is the start of the next: running the two halves in turn is running
    // the whole.
    NoGradGuard no_grad;
    const LanguageModelOutput first = net.forward(IndexTensor::from_vector({2, 1}, {4, 7}));
    const LanguageModelOutput rest =
        net.forward(IndexTensor::from_vector({2, 2}, {5, 6, 8, 9}), {first.h_n, first.c_n});
    for (int64_t v = 0; v < kVocab; ++v) {
      EXPECT_NEAR(rest.logits.at({1, 1, v}), out.logits.at({1, 2, v}), 1e-6) << cell;
    }
  }
}

TEST(LanguageModelNet, AStateWithOtherRowsThanTheTokensIsAnError) {
  Generator gen(4);
  LanguageModelNet net(small("lstm"), gen);
  const LanguageModelOutput three = net.forward(IndexTensor::from_vector({3, 1}, {4, 5, 6}));
  EXPECT_THROW(net.forward(IndexTensor::from_vector({2, 1}, {4, 5}), {three.h_n, three.c_n}),
               ShapeError);
}

// Generation reads one token at a time, so a shape asking for a reverse direction is refused
// rather than quietly built unidirectional.
TEST(LanguageModelNet, ABidirectionalShapeIsAnError) {
  Generator gen(5);
  LanguageModelShape shape = small("lstm");
  shape.bidirectional = true;
  EXPECT_THROW(LanguageModelNet(shape, gen), ValueError);
}

}  // namespace
}  // namespace recur::textgen
