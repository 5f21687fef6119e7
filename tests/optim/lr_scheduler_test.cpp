// Learning-rate schedules against torch.optim.lr_scheduler's sequences (fixture from
// tools/fixtures/make_nn_optim_fixtures.py): each sequence is the lr after construction and then
// after each step, starting from lr 0.1.
#include "recur/optim/lr_scheduler.h"

#include <gtest/gtest.h>

#include "recur/io/safetensors.h"
#include "recur/optim/reduce_lr_on_plateau.h"
#include "recur/optim/sgd.h"
#include "test_support.h"

namespace recur::optim {
namespace {

const TensorMap& fixture() {
  static const TensorMap fx =
      io::load_safetensors(testing::fixture_path("optim/schedulers.safetensors"));
  return fx;
}

class SchedulerTest : public ::testing::Test {
 protected:
  Tensor param = Tensor::zeros({1}).set_requires_grad(true);
  SGD opt{std::vector<Tensor>{param}, {.lr = 0.1}};

  // Calls advance() once per remaining entry of the fixture sequence and compares the lrs.
  template <class Advance>
  void expect_sequence(const std::string& name, const Advance& advance) {
    // The fixture holds the lrs rounded to float32.
    const Tensor& want = fixture().at(name);
    for (int64_t i = 0; i < want.numel(); ++i) {
      if (i > 0) advance(i - 1);
      const double w = want.data()[i];
      ASSERT_NEAR(opt.lr(), w, 1e-6 * w) << name << " after step " << i;
    }
  }
};

TEST_F(SchedulerTest, StepLRMatchesPyTorch) {
  StepLR sched(opt, 3, 0.5);
  expect_sequence("step_lr", [&](int64_t) { sched.step(); });
  EXPECT_EQ(sched.last_epoch(), 20);
  EXPECT_EQ(sched.last_lr().front(), opt.lr());
}

TEST_F(SchedulerTest, CosineAnnealingMatchesPyTorchAcrossRestarts) {
  CosineAnnealingLR sched(opt, 10, 0.001);
  expect_sequence("cosine", [&](int64_t) { sched.step(); });
}

TEST_F(SchedulerTest, ReduceOnPlateauMinRelMatchesPyTorch) {
  ReduceLROnPlateau sched(opt, {.factor = 0.5, .patience = 2, .cooldown = 1, .min_lr = 0.02});
  const Tensor& metrics = fixture().at("metrics");
  expect_sequence("plateau_min_rel", [&](int64_t i) { sched.step(metrics.data()[i]); });
}

TEST_F(SchedulerTest, ReduceOnPlateauMaxAbsMatchesPyTorch) {
  using Options = ReduceLROnPlateau::Options;
  ReduceLROnPlateau sched(opt, {.mode = Options::Mode::Max,
                                .factor = 0.3,
                                .patience = 1,
                                .threshold = 0.05,
                                .threshold_mode = Options::ThresholdMode::Abs});
  const Tensor& metrics = fixture().at("metrics");
  expect_sequence("plateau_max_abs", [&](int64_t i) { sched.step(-metrics.data()[i]); });
}

TEST_F(SchedulerTest, CosineResumesFromStateDict) {
  CosineAnnealingLR straight(opt, 10, 0.001);
  for (int i = 0; i < 7; ++i) straight.step();
  const auto state = straight.state_dict();
  const double lr = opt.lr();
  for (int i = 0; i < 9; ++i) straight.step();
  const double want = opt.lr();

  opt.set_lr(lr);  // the optimizer's own checkpoint restores its lr
  CosineAnnealingLR resumed(opt, 10, 0.001);
  resumed.load_state_dict(state);
  EXPECT_EQ(resumed.base_lrs().front(), 0.1);
  for (int i = 0; i < 9; ++i) resumed.step();
  EXPECT_EQ(opt.lr(), want);
  EXPECT_THROW(resumed.load_state_dict({{"nope", 1.0}}), ValueError);
}

TEST_F(SchedulerTest, ReduceOnPlateauResumesFromStateDict) {
  ReduceLROnPlateau a(opt, {.patience = 3});
  for (double m : {1.0, 0.5, 0.6, 0.7}) a.step(m);
  ReduceLROnPlateau b(opt, {.patience = 3});
  b.load_state_dict(a.state_dict());
  EXPECT_EQ(b.best(), 0.5);
  EXPECT_EQ(b.num_bad_epochs(), 2);
  EXPECT_EQ(b.last_epoch(), 4);
  EXPECT_THROW(b.load_state_dict({{"best", 1.0}}), ValueError);
}

TEST_F(SchedulerTest, RejectsInvalidOptions) {
  EXPECT_THROW(StepLR(opt, 0), ValueError);
  EXPECT_THROW(CosineAnnealingLR(opt, 0), ValueError);
  EXPECT_THROW(ReduceLROnPlateau(opt, {.factor = 1.0}), ValueError);
}

}  // namespace
}  // namespace recur::optim
