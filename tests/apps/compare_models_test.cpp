// The models of `recur compare`: their output shapes, the width chosen for a parameter budget
// (closest, with the real count), the Transformer's causal mask where answers span several steps,
// and training under the shared budget (it learns, and it is deterministic with a seed).
#include <gtest/gtest.h>

#include <cstdlib>

#include "recur/apps/compare/compare_report.h"
#include "recur/apps/compare/parameter_budget.h"
#include "recur/apps/compare/training_run.h"
#include "recur/autograd/grad_mode.h"
#include "recur/tensor/error.h"

namespace recur::compare {
namespace {

const ModelKind kKinds[] = {ModelKind::kRnn,
                            ModelKind::kLstm,
                            ModelKind::kGru,
                            ModelKind::kTransformer,
                            ModelKind::kLstmForgetBias1,
                            ModelKind::kLayerNormLstm};

TEST(CompareModels, AnswerAtTheTasksScoredSteps) {
  for (const char* name : {"adding-6", "copy-3", "parity-5", "dates-18"}) {
    const auto task = make_task(name);
    const ModelShape shape = model_shape(task->spec());
    Generator gen(0);
    const TaskBatch b = task->batch(3, gen);
    for (ModelKind kind : kKinds) {
      auto model = make_model(kind, shape, 8, gen);
      EXPECT_EQ(model->forward(b.inputs).shape(),
                (Shape{3, task->spec().output_steps, task->spec().output_size}))
          << name << " " << model_kind_name(kind);
      EXPECT_EQ(model->width(), 8);
    }
  }
  Generator gen(0);
  EXPECT_THROW(
      make_model(ModelKind::kTransformer, {.input_size = 1, .output_size = 1, .steps = 4}, 7, gen),
      ValueError);  // odd d_model
  EXPECT_THROW(model_kind_from_name("mamba"), ValueError);
  for (const std::string& name : model_kind_names()) {
    EXPECT_EQ(model_kind_name(model_kind_from_name(name)), name);
  }
}

TEST(CompareModels, TheForgetBiasVariantStartsItsForgetGatesAtOne) {
  Generator gen(0);
  auto model = make_model(ModelKind::kLstmForgetBias1, {.input_size = 1, .output_size = 1}, 4, gen);
  const auto named = model->named_parameters();
  Tensor b_ih, b_hh;
  for (const auto& [name, t] : named) {
    if (name == "rnn.bias_ih_l0") b_ih = t;
    if (name == "rnn.bias_hh_l0") b_hh = t;
  }
  ASSERT_TRUE(b_ih.defined() && b_hh.defined());
  for (int64_t j = 4; j < 8; ++j) {  // gate f of i, f, g, o with H = 4
    EXPECT_FLOAT_EQ(b_ih.data()[j] + b_hh.data()[j], 1.0f);
  }
}

TEST(CompareModels, TheLstmCountIsPyTorchs) {
  // nn.LSTM(2, H): 4H(2 + H) weights, 2 * 4H biases; nn.Linear(H, 1): H + 1.
  const ModelShape shape{.input_size = 2, .output_size = 1, .steps = 10};
  for (int64_t H : {1, 7, 48}) {
    EXPECT_EQ(parameter_count(ModelKind::kLstm, shape, H), 4 * H * (2 + H) + 8 * H + H + 1);
  }
}

TEST(CompareModels, TheWidthChosenHasTheCountClosestToTheBudget) {
  const ModelShape shape = model_shape(make_task("copy-10")->spec());
  for (int64_t budget : {3000, 10000}) {
    for (ModelKind kind : kKinds) {
      const MatchedWidth m = match_width(kind, shape, budget);
      const int64_t step = width_step(kind);
      EXPECT_EQ(m.parameters, parameter_count(kind, shape, m.width));
      const int64_t error = std::llabs(m.parameters - budget);
      EXPECT_LE(error, std::llabs(parameter_count(kind, shape, m.width + step) - budget));
      if (m.width > step) {
        EXPECT_LE(error, std::llabs(parameter_count(kind, shape, m.width - step) - budget));
      }
      EXPECT_LT(static_cast<double>(error) / static_cast<double>(budget), 0.1)
          << model_kind_name(kind) << " at " << budget;
    }
  }
  EXPECT_THROW(match_width(ModelKind::kGru, shape, 0), ValueError);
}

TEST(CompareModels, TheTransformerDoesNotLookAheadWhenAnsweringOverSeveralSteps) {
  const auto task = make_task("copy-2");  // 22 steps, the last 10 scored
  Generator gen(4);
  auto model = make_model(ModelKind::kTransformer, model_shape(task->spec()), 8, gen);
  const TaskBatch b = task->batch(2, gen);
  NoGradGuard no_grad;
  const Tensor before = model->forward(b.inputs);
  Tensor changed = b.inputs.clone();
  changed.at({0, 21, 0}) = 1.0f;  // the last input step only
  const Tensor after = model->forward(changed);
  for (int64_t s = 0; s < 9; ++s) {
    for (int64_t c = 0; c < 8; ++c) EXPECT_EQ(before.at({0, s, c}), after.at({0, s, c}));
  }
  EXPECT_NE(before.at({0, 9, 0}), after.at({0, 9, 0}));
}

TrainingBudget small_budget() {
  return {.steps = 150,
          .time_cap_seconds = 60.0,
          .batch_size = 32,
          .lr = 1e-2,
          .clip_grad_norm = 1.0,
          .eval_every = 50};
}

TEST(CompareTraining, AGruLearnsAShortAddingProblemAndRecordsItsRun) {
  const auto task = make_task("adding-10");
  Generator v(1), t(2);
  const EvaluationSets sets{.validation = task->batch(64, v), .test = task->batch(128, t)};
  const ModelRun r = train_and_test(*task, ModelKind::kGru, 2000, small_budget(), sets, 3);
  EXPECT_EQ(r.steps_run, 150);
  EXPECT_FALSE(r.time_capped);
  ASSERT_EQ(r.curve.size(), 3u);
  EXPECT_EQ(r.curve.back().step, 150);
  EXPECT_LT(r.test.metric, 0.5 * task->baseline_metric(sets.test));
  EXPECT_GT(r.median_step_seconds, 0.0);
  EXPECT_NE(outcome(task->spec(), task->baseline_metric(sets.test), r.test.metric),
            Outcome::kAtBaseline);
}

TEST(CompareTraining, TheSameSeedGivesTheSameRunAndTheTimeCapStopsIt) {
  const auto task = make_task("parity-4");
  Generator v(1), t(2);
  const EvaluationSets sets{.validation = task->batch(32, v), .test = task->batch(32, t)};
  TrainingBudget budget = small_budget();
  budget.steps = 20;
  budget.eval_every = 10;
  const ModelRun a = train_and_test(*task, ModelKind::kLstm, 1000, budget, sets, 9);
  const ModelRun b = train_and_test(*task, ModelKind::kLstm, 1000, budget, sets, 9);
  ASSERT_EQ(a.curve.size(), b.curve.size());
  for (size_t i = 0; i < a.curve.size(); ++i) {
    EXPECT_EQ(a.curve[i].train_loss, b.curve[i].train_loss);
    EXPECT_EQ(a.curve[i].validation_loss, b.curve[i].validation_loss);
  }
  EXPECT_EQ(a.test.loss, b.test.loss);
  budget.time_cap_seconds = 1e-9;
  const ModelRun capped = train_and_test(*task, ModelKind::kLstm, 1000, budget, sets, 9);
  EXPECT_TRUE(capped.time_capped);
  EXPECT_EQ(capped.steps_run, 1);
  EXPECT_EQ(capped.curve.size(), 1u);
}

TEST(CompareReport, OutcomesAndTheVerdictSayWhatWasMeasured) {
  const TaskSpec adding = make_task("adding-500")->spec();
  EXPECT_EQ(outcome(adding, 0.167, 0.005), Outcome::kSolved);
  EXPECT_EQ(outcome(adding, 0.167, 0.160), Outcome::kAtBaseline);
  EXPECT_EQ(outcome(adding, 0.167, 0.300), Outcome::kAtBaseline);
  EXPECT_EQ(outcome(adding, 0.167, 0.050), Outcome::kPartial);
  const TaskSpec parity = make_task("parity-8")->spec();
  EXPECT_EQ(outcome(parity, 0.5, 0.96), Outcome::kSolved);
  EXPECT_EQ(outcome(parity, 0.5, 0.52), Outcome::kAtBaseline);
  EXPECT_EQ(outcome(parity, 0.5, 0.80), Outcome::kPartial);

  TaskResult t{.spec = adding, .baseline_metric = 0.1667};
  t.runs.push_back({.kind = ModelKind::kRnn, .test = {.loss = 0.166, .metric = 0.166}});
  t.runs.push_back({.kind = ModelKind::kLstm, .test = {.loss = 0.002, .metric = 0.002}});
  t.runs.push_back({.kind = ModelKind::kGru, .test = {.loss = 0.001, .metric = 0.001}});
  t.runs.push_back({.kind = ModelKind::kTransformer,
                    .steps_run = 40,
                    .time_capped = true,
                    .test = {.loss = 0.08, .metric = 0.08}});
  EXPECT_EQ(verdict(t),
            "adding-500: LSTM and GRU solved it (test MSE < 0.0100: LSTM 0.0020, GRU 0.0010); "
            "Transformer beat the baseline without solving it (Transformer 0.0800; baseline "
            "0.1667); vanilla RNN did not beat the baseline (vanilla RNN 0.1660; baseline "
            "0.1667); the time cap stopped Transformer at step 40.");
}

}  // namespace
}  // namespace recur::compare
