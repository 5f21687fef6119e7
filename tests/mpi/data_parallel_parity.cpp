// Data-parallel training across real MPI ranks: started by ctest as `mpirun -np 2` and `-np 3`
// (registered only when CMake found MPI, tests/CMakeLists.txt). Every rank trains a model through
// train::Trainer twice on the same global batches: alone (a LocalCommunicator) and together
// with the other ranks (train::world(), MPI). The parameters must agree, the validation losses
// too, and every rank must hold the same bits as every other.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "recur/distributed/mpi_session.h"
#include "recur/nn/linear.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/train/data_parallel.h"
#include "recur/train/sequence_loader.h"
#include "recur/train/trainer.h"
#include "toy_tagging.h"

namespace recur::train {
namespace {

// Shards sum their gradients in another order than one process's GEMMs: float rounding, which
// Adam then carries through the steps. Measured: see the "worst" lines printed below.
constexpr double kRelative = 1e-6;
constexpr double kAbsoluteFloor = 1e-7;  // for weights that cross zero

std::vector<float> flat(const nn::Module& model) {
  std::vector<float> out;
  for (const Tensor& p : model.parameters()) {
    const std::vector<float> v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// Every element within tolerance; prints the worst relative difference for the docs.
void expect_close(const std::vector<float>& together, const std::vector<float>& alone,
                  const char* what) {
  ASSERT_EQ(together.size(), alone.size());
  double worst = 0.0;
  for (size_t i = 0; i < alone.size(); ++i) {
    const double diff = std::abs(double(together[i]) - alone[i]);
    EXPECT_LE(diff, kRelative * std::abs(alone[i]) + kAbsoluteFloor) << what << "[" << i << "]";
    if (std::abs(alone[i]) > 1e-3) worst = std::max(worst, diff / std::abs(alone[i]));
  }
  if (world().rank() == 0) {
    std::cout << what << ": worst relative difference, " << world().size()
              << " ranks vs 1 process: " << worst << "\n";
  }
}

// The same bits on every rank: rank 0's values against each rank's own.
void expect_same_on_every_rank(const std::vector<float>& mine) {
  Tensor root = Tensor::from_vector({static_cast<int64_t>(mine.size())}, mine);
  broadcast_tensors(world(), {root});
  EXPECT_EQ(root.to_vector(), mine) << "rank " << world().rank() << " differs from rank 0";
}

TEST(DataParallelMpi, RunsOnSeveralRanks) { ASSERT_GE(world().size(), 2); }

// Variable-length sentences, a token mean, batches of 5 (2 + 3 rows on 2 ranks, 1 + 2 + 2 on 3)
// and a last batch of 3, Adam, gradient clipping, validation and early-stopping bookkeeping: N
// ranks = 1 process.
TEST(DataParallelMpi, TaggerTrainsToTheParametersOfOneProcess) {
  const testing::ToyTagging train_data = testing::toy_tagging(23, 1);
  const testing::ToyTagging val_data = testing::toy_tagging(9, 2);
  const SequenceLoader train(
      train_data.tokens, train_data.tags,
      {.batch_size = 5, .shuffle = true, .seed = 4, .targets = SequenceTargets::kPerStep});
  const SequenceLoader val(val_data.tokens, val_data.tags,
                           {.batch_size = 4, .targets = SequenceTargets::kPerStep});
  auto fit = [&](Communicator* comm) {
    tag::TaggerNet net = testing::toy_tagger(7);
    optim::Adam adam(net.parameters(), {.lr = 0.01});
    Trainer trainer(net, adam,
                    [&net](const Batch& b) {
                      return cross_entropy(net.forward(b.tokens, b.lengths), b.labels);
                    },
                    {.epochs = 3,
                     .clip_grad_norm = 0.5,
                     .progress = ProgressStyle::Quiet,
                     .communicator = comm});
    const History h = trainer.fit(train, &val);
    std::vector<float> losses;
    for (const EpochRecord& r : h.epochs) {
      losses.push_back(float(r.train_loss));
      losses.push_back(float(r.val_loss));
    }
    return std::pair{flat(net), losses};
  };
  LocalCommunicator alone;
  const auto [reference, reference_losses] = fit(&alone);
  const auto [together, losses] = fit(nullptr);
  expect_close(together, reference, "tagger parameters");
  expect_close(losses, reference_losses, "tagger losses");
  expect_same_on_every_rank(together);
}

// Rows of floats, a mean over rows, batches of 7 and a last batch of 2 (0 + 1 + 1 rows on 3 ranks).
TEST(DataParallelMpi, RegressionTrainsToTheParametersOfOneProcess) {
  Generator gen(11);
  const Tensor x = Tensor::normal({30, 5}, 0.0f, 1.0f, gen);
  const Tensor y = Tensor::normal({30, 2}, 0.0f, 1.0f, gen);
  const DataLoader loader(x, y, {.batch_size = 7, .shuffle = true, .seed = 3});
  auto fit = [&](Communicator* comm) {
    Generator init(12);
    nn::Linear model(5, 2, true, init);
    optim::Adam adam(model.parameters(), {.lr = 0.05});
    Trainer trainer(
        model, adam,
        [&model](const Batch& b) { return mse_loss(model.forward(b.inputs), b.targets); },
        {.epochs = 4, .progress = ProgressStyle::Quiet, .communicator = comm});
    trainer.fit(loader);
    return flat(model);
  };
  LocalCommunicator alone;
  const std::vector<float> reference = fit(&alone);
  const std::vector<float> together = fit(nullptr);
  expect_close(together, reference, "regression parameters");
  expect_same_on_every_rank(together);
}

}  // namespace
}  // namespace recur::train

int main(int argc, char** argv) {
  recur::distributed::MpiSession mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
