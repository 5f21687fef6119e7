// Optimisers: 100-step trajectories against PyTorch (tools/fixtures/make_nn_optim_fixtures.py),
// exact resumption from a checkpoint, and their input checks.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>

#include "recur/io/safetensors.h"
#include "recur/nn/linear.h"
#include "recur/nn/sequential.h"
#include "recur/ops/activation.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/reduction.h"
#include "recur/optim/adam.h"
#include "recur/optim/rmsprop.h"
#include "recur/optim/sgd.h"
#include "test_support.h"

namespace recur::optim {
namespace {

constexpr int kSteps = 100;  // as STEPS in the fixture script

TensorMap with_prefix(const TensorMap& all, const std::string& prefix) {
  TensorMap out;
  for (const auto& [key, t] : all) {
    if (key.starts_with(prefix)) out[key.substr(prefix.size())] = t;
  }
  return out;
}

const TensorMap& trajectories() {
  static const TensorMap fx =
      io::load_safetensors(testing::fixture_path("optim/trajectories.safetensors"));
  return fx;
}

// Linear(4,8)-Tanh-Linear(8,1) starting from the fixture's weights.
std::shared_ptr<nn::Sequential> make_model() {
  Generator gen(0);
  auto net = std::make_shared<nn::Sequential>();
  net->push_back(std::make_shared<nn::Linear>(4, 8, true, gen));
  net->push_back([](const Tensor& x) { return tanh(x); }, "Tanh");
  net->push_back(std::make_shared<nn::Linear>(8, 1, true, gen));
  net->load_state_dict(with_prefix(trajectories(), "init."));
  return net;
}

using Factory = std::function<std::unique_ptr<Optimizer>(nn::Sequential&)>;

// The configurations of CONFIGS in the fixture script.
const std::map<std::string, Factory>& configs() {
  static const std::map<std::string, Factory> table = {
      {"sgd",
       [](nn::Sequential& m) {
         return std::make_unique<SGD>(m.parameters(), SGDOptions{.lr = 0.05});
       }},
      {"sgd_momentum",
       [](nn::Sequential& m) {
         return std::make_unique<SGD>(m.parameters(),
                                      SGDOptions{.lr = 0.05, .momentum = 0.9, .dampening = 0.1});
       }},
      {"sgd_nesterov_wd",
       [](nn::Sequential& m) {
         return std::make_unique<SGD>(
             m.parameters(),
             SGDOptions{.lr = 0.05, .momentum = 0.9, .weight_decay = 0.01, .nesterov = true});
       }},
      {"sgd_groups",
       [](nn::Sequential& m) {
         std::vector<ParamGroup> groups = {{m.at<nn::Linear>(0)->parameters(), 0.1, {}},
                                           {m.at<nn::Linear>(2)->parameters(), 0.01, {}}};
         return std::make_unique<SGD>(groups, SGDOptions{.lr = 0.05, .momentum = 0.5});
       }},
      {"adam",
       [](nn::Sequential& m) {
         return std::make_unique<Adam>(m.parameters(), AdamOptions{.lr = 0.01});
       }},
      {"adam_amsgrad_wd",
       [](nn::Sequential& m) {
         return std::make_unique<Adam>(
             m.parameters(),
             AdamOptions{
                 .lr = 0.01, .beta1 = 0.8, .beta2 = 0.99, .weight_decay = 0.01, .amsgrad = true});
       }},
      {"adamw",
       [](nn::Sequential& m) {
         return std::make_unique<AdamW>(m.parameters(),
                                        AdamWOptions{.lr = 0.01, .weight_decay = 0.1});
       }},
      {"rmsprop",
       [](nn::Sequential& m) {
         return std::make_unique<RMSprop>(m.parameters(), RMSpropOptions{.lr = 0.003});
       }},
      {"rmsprop_centered_momentum",
       [](nn::Sequential& m) {
         return std::make_unique<RMSprop>(m.parameters(), RMSpropOptions{.lr = 0.001,
                                                                         .alpha = 0.95,
                                                                         .weight_decay = 0.01,
                                                                         .momentum = 0.9,
                                                                         .centered = true});
       }},
  };
  return table;
}

// One full-batch MSE step; returns the loss before the update.
float train_step(nn::Sequential& model, Optimizer& opt) {
  const Tensor& x = trajectories().at("x");
  const Tensor& y = trajectories().at("y");
  opt.zero_grad();
  Tensor loss = mean(square(model.forward(x) - y));
  loss.backward();
  opt.step();
  return loss.item();
}

class Trajectory : public ::testing::TestWithParam<std::string> {};

TEST_P(Trajectory, MatchesPyTorchAfter100Steps) {
  const std::string cfg = GetParam();
  auto model = make_model();
  auto opt = configs().at(cfg)(*model);
  const Tensor losses = trajectories().at("loss." + cfg);
  ASSERT_EQ(losses.numel(), kSteps);
  for (int step = 0; step < kSteps; ++step) {
    const float loss = train_step(*model, *opt);
    const float want = losses.data()[step];
    ASSERT_NEAR(loss, want, 1e-5f * std::abs(want) + 1e-7f) << cfg << " step " << step;
  }
  for (const auto& [name, p] : model->named_parameters()) {
    const Tensor& want = trajectories().at("final." + cfg + "." + name);
    EXPECT_TRUE(allclose(p, want, 1e-5f, 1e-6f))
        << cfg << " " << name << ": max abs diff " << max_abs_diff(p, want);
  }
}

INSTANTIATE_TEST_SUITE_P(PyTorch, Trajectory,
                         ::testing::Values("sgd", "sgd_momentum", "sgd_nesterov_wd", "sgd_groups",
                                           "adam", "adam_amsgrad_wd", "adamw", "rmsprop",
                                           "rmsprop_centered_momentum"));

class Resume : public ::testing::TestWithParam<std::string> {};

// Training 60 steps, checkpointing to files, and continuing in fresh objects gives bit-for-bit
// the weights of an uninterrupted run.
TEST_P(Resume, FromCheckpointIsExact) {
  const std::string cfg = GetParam();
  auto straight = make_model();
  auto straight_opt = configs().at(cfg)(*straight);
  for (int step = 0; step < kSteps; ++step) train_step(*straight, *straight_opt);

  const auto dir = std::filesystem::temp_directory_path();
  const std::string model_path = (dir / ("recur_resume_model_" + cfg + ".safetensors")).string();
  const std::string opt_path = (dir / ("recur_resume_opt_" + cfg + ".safetensors")).string();
  {
    auto model = make_model();
    auto opt = configs().at(cfg)(*model);
    for (int step = 0; step < 60; ++step) train_step(*model, *opt);
    nn::save(*model, model_path);
    save(opt->state_dict(), opt_path);
  }
  auto model = make_model();
  auto opt = configs().at(cfg)(*model);
  nn::load(*model, model_path);
  opt->load_state_dict(load(opt_path));
  for (int step = 60; step < kSteps; ++step) train_step(*model, *opt);
  for (const auto& [name, p] : model->named_parameters()) {
    EXPECT_EQ(max_abs_diff(p, straight->tensor(name)), 0.0f) << cfg << " " << name;
  }
  std::filesystem::remove(model_path);
  std::filesystem::remove(opt_path);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, Resume,
                         ::testing::Values("sgd_groups", "adam_amsgrad_wd", "adamw",
                                           "rmsprop_centered_momentum"));

TEST(Optimizer, StateDictNamesBuffersByParameterIndex) {
  auto model = make_model();
  Adam opt(model->parameters(), {.lr = 0.01, .amsgrad = true});
  EXPECT_TRUE(opt.state_dict().tensors.empty());  // no state before the first step
  train_step(*model, opt);
  const OptimizerState state = opt.state_dict();
  EXPECT_EQ(state.tensors.size(), 4u * 3u);
  EXPECT_EQ(state.tensors.at("state.2.exp_avg").shape(), (Shape{1, 8}));
  EXPECT_EQ(state.tensors.at("state.3.max_exp_avg_sq").shape(), (Shape{1}));
  EXPECT_EQ(state.scalars.at("state.0.step"), 1.0);
  EXPECT_EQ(state.scalars.at("param_groups.0.lr"), 0.01);
  // A checkpoint is a copy: stepping again does not change it.
  const Tensor saved = state.tensors.at("state.0.exp_avg").clone();
  train_step(*model, opt);
  EXPECT_EQ(max_abs_diff(state.tensors.at("state.0.exp_avg"), saved), 0.0f);
}

TEST(Optimizer, LoadStateDictRejectsMismatchesAndChangesNothing) {
  auto model = make_model();
  SGD opt(model->parameters(), {.lr = 0.1, .momentum = 0.9});
  train_step(*model, opt);
  const OptimizerState good = opt.state_dict();

  OptimizerState bad = good;
  bad.tensors["state.0.momentum_buffer"] = Tensor::zeros({3});
  try {
    opt.load_state_dict(bad);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("\"state.0.momentum_buffer\" has shape [3], the "
                                         "parameter has shape [8, 4]"),
              std::string::npos)
        << e.what();
  }
  bad = good;
  bad.tensors["state.9.momentum_buffer"] = Tensor::zeros({1});
  EXPECT_THROW(opt.load_state_dict(bad), ValueError);
  bad = good;
  bad.scalars["param_groups.0.momentum"] = 0.5;
  EXPECT_THROW(opt.load_state_dict(bad), ValueError);
  bad = good;
  bad.scalars["param_groups.0.lr"] = 123.0;
  bad.tensors["junk"] = Tensor::zeros({1});
  EXPECT_THROW(opt.load_state_dict(bad), ValueError);
  EXPECT_EQ(opt.lr(), 0.1);  // the failed load left the lr alone
}

TEST(Optimizer, SkipsParametersWithoutGradient) {
  Tensor a = Tensor::ones({2}).set_requires_grad(true);
  Tensor b = Tensor::ones({2}).set_requires_grad(true);
  Adam opt(std::vector<Tensor>{a, b}, {.lr = 0.1});
  a.set_grad(Tensor::ones({2}));
  opt.step();
  EXPECT_NEAR(a.at({0}), 0.9f, 1e-6f);  // Adam's first step moves by lr
  EXPECT_EQ(b.at({0}), 1.0f);
  EXPECT_FALSE(opt.state_dict().scalars.contains("state.1.step"));
}

TEST(Optimizer, GroupLearningRatesAndSetLr) {
  Tensor a = Tensor::zeros({1}).set_requires_grad(true);
  Tensor b = Tensor::zeros({1}).set_requires_grad(true);
  SGD opt(std::vector<ParamGroup>{{{a}, 1.0, {}}, {{b}, {}, {}}}, {.lr = 0.5});
  EXPECT_EQ(opt.param_groups()[0].lr, 1.0);
  EXPECT_EQ(opt.param_groups()[1].lr, 0.5);
  opt.set_lr(0.25);
  EXPECT_EQ(opt.param_groups()[0].lr, 0.25);
  EXPECT_EQ(opt.lr(), 0.25);
  opt.param_groups()[1].params.push_back(Tensor::zeros({1}).set_requires_grad(true));
  EXPECT_THROW(opt.step(), ValueError);
}

TEST(Optimizer, RejectsInvalidOptionsAndParameters) {
  Tensor p = Tensor::zeros({2}).set_requires_grad(true);
  std::vector<Tensor> ps{p};
  EXPECT_THROW(SGD(ps, {.lr = -1.0}), ValueError);
  EXPECT_THROW(SGD(ps, {.lr = 0.1, .nesterov = true}), ValueError);
  EXPECT_THROW(SGD(ps, {.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .nesterov = true}),
               ValueError);
  EXPECT_THROW(Adam(ps, {.beta1 = 1.0}), ValueError);
  EXPECT_THROW(AdamW(ps, {.eps = -1e-8}), ValueError);
  EXPECT_THROW(RMSprop(ps, {.alpha = -0.5}), ValueError);
  EXPECT_THROW(SGD(std::vector<Tensor>{}, {.lr = 0.1}), ValueError);
  EXPECT_THROW(SGD(std::vector<Tensor>{p, p}, {.lr = 0.1}), ValueError);
  EXPECT_THROW(SGD(std::vector<Tensor>{p * 2.0f}, {.lr = 0.1}), ValueError);  // non-leaf
  EXPECT_EQ(AdamW(ps).options().weight_decay, 1e-2);  // PyTorch's AdamW default
  EXPECT_EQ(Adam(ps).type_name(), "Adam");
  EXPECT_EQ(AdamW(ps).type_name(), "AdamW");
}

TEST(Optimizer, SaveRejectsMalformedScalarsOnLoad) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "recur_opt_bad.safetensors").string();
  io::save_safetensors(path, {}, {{"param_groups.0.lr", "fast"}});
  EXPECT_THROW(load(path), IoError);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace recur::optim
