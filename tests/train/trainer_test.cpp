#include "recur/train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "recur/nn/dropout.h"
#include "recur/nn/linear.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/optim/sgd.h"
#include "test_support.h"

namespace recur::train {
namespace {

namespace fs = std::filesystem;

// y = 2*x0 - x1 + 0.5 plus small noise; a linear model can learn it.
struct Problem {
  Tensor x, y;
  explicit Problem(int64_t n, uint64_t seed) {
    Generator gen(seed);
    x = Tensor::normal({n, 2}, 0.0f, 1.0f, gen);
    y = Tensor::empty({n, 1});
    for (int64_t i = 0; i < n; ++i) {
      y.data()[i] = 2 * x.at({i, 0}) - x.at({i, 1}) + 0.5f + 0.01f * gen.normal();
    }
  }
};

// Linear -> Dropout, so that resuming must restore the dropout generator too.
class Net : public nn::Module {
 public:
  Net(uint64_t seed) : gen(seed) {
    fc = register_module("fc", std::make_shared<nn::Linear>(2, 1, true, gen));
    drop = register_module("drop", std::make_shared<nn::Dropout>(0.1f, gen));
  }
  Tensor forward(const Tensor& x) { return drop->forward(fc->forward(x)); }
  Generator gen;
  std::shared_ptr<nn::Linear> fc;
  std::shared_ptr<nn::Dropout> drop;
};

using recur::testing::TempDir;

struct RunResult {
  History history;
  std::vector<float> weights;
};

RunResult train_net(int64_t epochs, const std::string& checkpoint, bool resume) {
  Problem data(96, 1), val(32, 2);
  Net net(3);
  optim::Adam opt(net.parameters(), {.lr = 0.05});
  optim::StepLR sched(opt, 2, 0.5);
  DataLoader train(data.x, data.y, {.batch_size = 16, .shuffle = true, .seed = 11});
  DataLoader validation(val.x, val.y, {.batch_size = 32});
  std::ostringstream log;
  Trainer trainer(net, opt,
                  [&](const Batch& b) { return mse_loss(net.forward(b.inputs), b.targets); },
                  {.epochs = epochs,
                   .checkpoint_path = checkpoint,
                   .resume = resume,
                   .progress = ProgressStyle::Lines,
                   .progress_stream = &log,
                   .generator = &net.gen});
  trainer.set_scheduler(&sched);
  RunResult run;
  run.history = trainer.fit(train, &validation);
  for (const Tensor& p : net.parameters()) {
    for (float v : p.span()) run.weights.push_back(v);
  }
  return run;
}

TEST(Trainer, LearnsALinearFunctionAndLogsPlainLinesOffTerminal) {
  Problem data(128, 1);
  Net net(5);
  net.drop->eval();
  optim::SGD opt(net.fc->parameters(), {.lr = 0.1});
  DataLoader loader(data.x, data.y, {.batch_size = 16, .shuffle = true, .seed = 1});
  std::ostringstream log;
  Trainer trainer(net, opt,
                  [&](const Batch& b) { return mse_loss(net.fc->forward(b.inputs), b.targets); },
                  {.epochs = 30, .progress = ProgressStyle::Auto, .progress_stream = &log});
  History h = trainer.fit(loader);
  ASSERT_EQ(h.epochs.size(), 30u);
  EXPECT_LT(h.epochs.back().train_loss, 1e-3);
  EXPECT_GT(h.epochs.front().train_loss, 10 * h.epochs.back().train_loss);
  EXPECT_NEAR(net.fc->weight.at({0, 0}), 2.0f, 0.02f);
  EXPECT_NEAR(net.fc->weight.at({0, 1}), -1.0f, 0.02f);
  // Not a terminal: one plain line per epoch, no carriage returns.
  EXPECT_NE(log.str().find("epoch 30/30  train_loss"), std::string::npos);
  EXPECT_EQ(log.str().find('\r'), std::string::npos);
}

TEST(Trainer, EarlyStoppingRestoresTheBestWeights) {
  Problem data(64, 1);
  // Validation targets unrelated to the inputs: validation stops improving early.
  Problem val(64, 9);
  Generator noise(4);
  Tensor val_y = Tensor::normal({64, 1}, 0.0f, 5.0f, noise);
  Net net(5);
  optim::SGD opt(net.parameters(), {.lr = 0.05});
  DataLoader train(data.x, data.y, {.batch_size = 8, .shuffle = true, .seed = 2});
  DataLoader validation(val.x, val_y, {.batch_size = 64});
  std::ostringstream log;
  auto loss = [&](const Batch& b) { return mse_loss(net.forward(b.inputs), b.targets); };
  Trainer trainer(
      net, opt, loss,
      {.epochs = 200, .patience = 3, .progress = ProgressStyle::Quiet, .progress_stream = &log});
  History h = trainer.fit(train, &validation);
  EXPECT_LT(h.epochs.size(), 200u);
  EXPECT_NE(h.stop_reason.find("early stopping"), std::string::npos);
  ASSERT_GE(h.best_epoch, 1);
  EXPECT_EQ(static_cast<int64_t>(h.epochs.size()), h.best_epoch + 3);
  // The model now holds the best epoch's weights: its validation loss is the best one.
  EXPECT_NEAR(trainer.evaluate(validation), h.best_loss, 1e-6 * std::max(1.0, h.best_loss));
  EXPECT_TRUE(log.str().empty());
}

// A run that stopped early is finished: resuming it (say, with a larger epoch budget) trains
// no further epoch, as an uninterrupted run with that budget would have stopped at the same one,
// and leaves the best weights in the model.
TEST(Trainer, ResumingARunThatStoppedEarlyTrainsNothingMore) {
  TempDir dir;
  Problem data(64, 1), val(64, 9);
  Generator noise(4);
  const Tensor val_y = Tensor::normal({64, 1}, 0.0f, 5.0f, noise);
  auto run = [&](int64_t epochs, bool resume) {
    Net net(5);
    optim::SGD opt(net.parameters(), {.lr = 0.05});
    DataLoader train(data.x, data.y, {.batch_size = 8, .shuffle = true, .seed = 2});
    DataLoader validation(val.x, val_y, {.batch_size = 64});
    std::ostringstream log;
    Trainer trainer(net, opt,
                    [&](const Batch& b) { return mse_loss(net.forward(b.inputs), b.targets); },
                    {.epochs = epochs,
                     .patience = 3,
                     .checkpoint_path = dir.file("run.safetensors"),
                     .resume = resume,
                     .progress = ProgressStyle::Quiet,
                     .progress_stream = &log,
                     .generator = &net.gen});
    RunResult r;
    r.history = trainer.fit(train, &validation);
    for (const Tensor& p : net.parameters()) {
      for (float v : p.span()) r.weights.push_back(v);
    }
    return r;
  };
  const RunResult first = run(200, false);
  ASSERT_LT(first.history.epochs.size(), 200u);
  const RunResult resumed = run(300, true);
  EXPECT_EQ(resumed.history.epochs.size(), first.history.epochs.size());
  EXPECT_EQ(resumed.history.best_epoch, first.history.best_epoch);
  EXPECT_NE(resumed.history.stop_reason.find("early stopping"), std::string::npos)
      << resumed.history.stop_reason;
  EXPECT_EQ(resumed.weights, first.weights);
}

TEST(Trainer, ResumedRunEqualsUninterruptedRun) {
  TempDir dir;
  const RunResult full = train_net(6, dir.file("full.safetensors"), false);
  train_net(3, dir.file("part.safetensors"), false);
  const RunResult resumed = train_net(6, dir.file("part.safetensors"), true);
  EXPECT_EQ(resumed.weights, full.weights);
  ASSERT_EQ(resumed.history.epochs.size(), full.history.epochs.size());
  for (size_t i = 0; i < full.history.epochs.size(); ++i) {
    EXPECT_EQ(resumed.history.epochs[i].train_loss, full.history.epochs[i].train_loss) << i;
    EXPECT_EQ(resumed.history.epochs[i].val_loss, full.history.epochs[i].val_loss) << i;
    EXPECT_EQ(resumed.history.epochs[i].lr, full.history.epochs[i].lr) << i;
  }
  EXPECT_EQ(resumed.history.best_epoch, full.history.best_epoch);
}

// The hook runs before each epoch's batches, with the epoch number, and a resumed run calls it
// from the epoch it resumes at: every batch sees the setting of its own epoch.
TEST(Trainer, OnEpochBeginRunsBeforeEachEpochIncludingAResumedOne) {
  TempDir dir;
  auto run = [&](int64_t epochs, bool resume) {
    Problem data(32, 1);
    Net net(3);
    optim::SGD opt(net.parameters(), {.lr = 0.01});
    DataLoader loader(data.x, data.y, {.batch_size = 16});
    int64_t current = 0;
    std::vector<int64_t> seen;  // the hook's epoch as each batch saw it
    std::vector<int64_t> calls;
    Trainer trainer(net, opt,
                    [&](const Batch& b) {
                      seen.push_back(current);
                      return mse_loss(net.fc->forward(b.inputs), b.targets);
                    },
                    {.epochs = epochs,
                     .checkpoint_path = dir.file("ckpt.safetensors"),
                     .resume = resume,
                     .progress = ProgressStyle::Quiet,
                     .on_epoch_begin = [&](int64_t epoch) {
                       current = epoch;
                       calls.push_back(epoch);
                     }});
    trainer.fit(loader);
    return std::pair{calls, seen};
  };
  const auto [calls, seen] = run(2, false);
  EXPECT_EQ(calls, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 1, 2, 2}));  // two batches an epoch
  const auto [resumed_calls, resumed_seen] = run(4, true);
  EXPECT_EQ(resumed_calls, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(resumed_seen, (std::vector<int64_t>{3, 3, 4, 4}));
}

TEST(Trainer, SameSeedGivesTheSameMetrics) {
  const RunResult a = train_net(4, "", false);
  const RunResult b = train_net(4, "", false);
  EXPECT_EQ(a.weights, b.weights);
  for (size_t i = 0; i < a.history.epochs.size(); ++i) {
    EXPECT_EQ(a.history.epochs[i].train_loss, b.history.epochs[i].train_loss);
  }
}

TEST(Trainer, NonFiniteLossStopsWithAClearMessage) {
  Problem data(32, 1);
  Net net(5);
  optim::SGD opt(net.parameters(), {.lr = 0.1});
  DataLoader loader(data.x, data.y, {.batch_size = 8});
  std::ostringstream log;
  int calls = 0;
  Trainer trainer(net, opt,
                  [&](const Batch& b) {
                    Tensor l = mse_loss(net.forward(b.inputs), b.targets);
                    return ++calls == 3 ? l * std::nanf("") : l;
                  },
                  {.epochs = 2, .progress = ProgressStyle::Quiet, .progress_stream = &log});
  try {
    trainer.fit(loader);
    FAIL() << "no error";
  } catch (const TrainingError& e) {
    EXPECT_NE(std::string(e.what()).find("epoch 1, batch 3/4: the loss is nan"), std::string::npos)
        << e.what();
  }
}

TEST(Trainer, WritesMetricsFilesAndRejectsAForeignCheckpoint) {
  TempDir dir;
  Problem data(32, 1);
  Net net(5);
  optim::SGD opt(net.parameters(), {.lr = 0.1});
  DataLoader loader(data.x, data.y, {.batch_size = 8});
  std::ostringstream log;
  auto loss = [&](const Batch& b) { return mse_loss(net.forward(b.inputs), b.targets); };
  Trainer trainer(net, opt, loss,
                  {.epochs = 3,
                   .metrics_csv = dir.file("m.csv"),
                   .metrics_json = dir.file("m.json"),
                   .progress = ProgressStyle::Quiet,
                   .progress_stream = &log});
  trainer.fit(loader);
  std::ifstream csv(dir.file("m.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "epoch,train_loss,val_loss,lr,grad_norm,seconds");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 3);
  EXPECT_TRUE(fs::exists(dir.file("m.json")));

  // A safetensors file that is not a checkpoint cannot be resumed from.
  nn::save(net, dir.file("weights.safetensors"));
  Trainer resumer(net, opt, loss,
                  {.epochs = 3,
                   .checkpoint_path = dir.file("weights.safetensors"),
                   .resume = true,
                   .progress = ProgressStyle::Quiet,
                   .progress_stream = &log});
  EXPECT_THROW(resumer.fit(loader), TrainingError);
}

TEST(DataLoader, ShufflesDeterministicallyPerEpochAndCoversEverySample) {
  Tensor x = Tensor::arange(10).view({10, 1});
  DataLoader loader(x, x.clone(), {.batch_size = 4, .shuffle = true, .seed = 3});
  EXPECT_EQ(loader.num_batches(), 3);
  auto collect = [&](int64_t epoch) {
    std::vector<float> seen;
    for (const Batch& b : loader.epoch(epoch)) {
      EXPECT_EQ(b.inputs.to_vector(), b.targets.to_vector());
      for (float v : b.inputs.span()) seen.push_back(v);
    }
    return seen;
  };
  const auto e1 = collect(1), e1_again = collect(1), e2 = collect(2);
  EXPECT_EQ(e1, e1_again);
  EXPECT_NE(e1, e2);
  auto sorted = e1;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, Tensor::arange(10).to_vector());

  DataLoader dropping(x, x, {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(dropping.epoch(0).size(), 2u);
  EXPECT_THROW(DataLoader(x, Tensor::zeros({9, 1})), ShapeError);
  EXPECT_THROW(DataLoader(x, x, {.batch_size = 0}), ValueError);
}

}  // namespace
}  // namespace recur::train
