// A whole training run of `recur tag`'s model against a PyTorch dump, step by step, in the manner
// of llm.c's test: tag::TaggerNet (Embedding with padding 0 -> packed bidirectional 2-layer LSTM
// -> Linear per step) on padded batches, cross_entropy skipping the ignore_index targets past
// each sentence's end, clip_grad_norm_, Adam. Every step's loss and pre-clip gradient norm and
// every final parameter must match tools/fixtures/make_token_training_fixtures.py, so a fault in
// packing, ignore_index, clipping or Adam shows up here even where each part's own test passes.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "recur/apps/tag/tagger_net.h"
#include "recur/io/safetensors.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/optim/clip_grad.h"
#include "test_support.h"

namespace recur::tag {
namespace {

// The reference is float64, so this bounds recur's float32 error over the whole run. Losses and
// norms are far from 0: relative kRel. Parameters: |actual - expected| <= kRel * (|expected| + lr),
// i.e. an absolute floor of kRel times one Adam step, because a weight that Adam carried across 0
// keeps the absolute error of its steps, not one relative to its small final value. (PyTorch
// itself in float32 is 5e-7 off its float64 run on the worst such weight, -0.00998.)
constexpr double kRel = 1e-4;

bool close_relative(double actual, double expected) {
  return std::abs(actual - expected) <= kRel * std::abs(expected);
}

io::SafetensorsFile fixture(const std::string& name) {
  return io::read_safetensors(testing::fixture_path("train/token_training/" + name));
}

struct Batch {
  IndexTensor tokens;
  std::vector<int64_t> lengths;
  IndexTensor targets;
};

// The fixture stores the integers as float32 (recur reads float dtypes only); they are exact.
std::vector<Batch> load_batches(int64_t count) {
  const TensorMap all = fixture("batches.safetensors").tensors;
  std::vector<Batch> batches;
  for (int64_t k = 0; k < count; ++k) {
    const std::string key = "batch" + std::to_string(k) + ".";
    batches.push_back(
        {IndexTensor::from_float(all.at(key + "tokens"), key + "tokens"),
         IndexTensor::from_float(all.at(key + "lengths"), key + "lengths").to_vector(),
         IndexTensor::from_float(all.at(key + "targets"), key + "targets")});
  }
  return batches;
}

// Every element of every parameter within tolerance; the worst one is named on failure.
void expect_parameters_match(const TaggerNet& net, const TensorMap& expected, double abs_floor) {
  ASSERT_EQ(net.named_parameters().size(), expected.size());
  for (const auto& [name, p] : net.named_parameters()) {
    const Tensor& e = expected.at(name);
    ASSERT_EQ(p.shape(), e.shape()) << name;
    int64_t worst_at = -1;
    double worst_excess = 0.0;  // error / allowed error
    for (int64_t i = 0; i < e.numel(); ++i) {
      const double err = std::abs(double(p.data()[i]) - e.data()[i]);
      const double excess = err / (kRel * std::abs(e.data()[i]) + abs_floor);
      if (!(excess <= worst_excess)) {  // a NaN becomes the worst and fails
        worst_excess = excess;
        worst_at = i;
      }
    }
    EXPECT_LE(worst_excess, 1.0) << name << "[" << worst_at << "] is " << p.data()[worst_at]
                                 << ", PyTorch " << e.data()[worst_at];
  }
}

TEST(TokenTrainingParity, TenStepsOfPackedBiLstmTaggerMatchPyTorch) {
  const io::SafetensorsFile initial = fixture("initial.safetensors");
  const auto& meta = initial.metadata;
  const auto number = [&meta](const char* key) { return std::stoll(meta.at(key)); };
  const int64_t steps = number("steps");
  const double max_norm = std::stod(meta.at("max_norm"));
  const TensorMap trajectory = fixture("steps.safetensors").tensors;
  const Tensor& losses = trajectory.at("loss");
  const Tensor& norms = trajectory.at("grad_norm");
  ASSERT_EQ(losses.numel(), steps);
  ASSERT_EQ(norms.numel(), steps);
  const std::vector<Batch> batches = load_batches(number("batches"));

  Generator gen(0);  // any seed: the weights are replaced by PyTorch's
  TaggerNet net(TaggerShape{{.cell = "lstm",
                             .vocab_size = number("vocab_size"),
                             .embedding_dim = number("embedding_dim"),
                             .hidden_size = number("hidden_size"),
                             .num_layers = number("num_layers"),
                             .bidirectional = true},
                            /*num_tags=*/number("num_tags")},
                gen);
  net.load_state_dict(initial.tensors);  // strict: every PyTorch name must match
  const double lr = std::stod(meta.at("lr"));
  optim::Adam optimizer(net.parameters(), {.lr = lr, .weight_decay = 0.0});

  int clipped = 0;
  for (int64_t step = 0; step < steps; ++step) {
    const Batch& b = batches[step % batches.size()];
    optimizer.zero_grad();
    const Tensor loss = cross_entropy(net.forward(b.tokens, b.lengths), b.targets,
                                      {.ignore_index = -100, .reduction = Reduction::Mean});
    loss.backward();
    const double norm = optim::clip_grad_norm_(net.parameters(), max_norm);
    optimizer.step();

    EXPECT_TRUE(close_relative(loss.item(), losses.data()[step]))
        << "step " << step << ": loss " << loss.item() << ", PyTorch " << losses.data()[step];
    EXPECT_TRUE(close_relative(norm, norms.data()[step]))
        << "step " << step << ": pre-clip norm " << norm << ", PyTorch " << norms.data()[step];
    clipped += norms.data()[step] > max_norm;
  }
  // Clipping on some steps but not all: Adam ignores a gradient scale common to every step, so
  // a wrong clip_grad_norm_ would go unseen if it clipped every step or none.
  EXPECT_GE(clipped, 3);
  EXPECT_LT(clipped, steps);

  expect_parameters_match(net, fixture("final.safetensors").tensors, kRel * lr);
}

}  // namespace
}  // namespace recur::tag
