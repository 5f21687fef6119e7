// Gradient clipping against torch.nn.utils (fixture from tools/fixtures/make_nn_optim_fixtures.py).
#include "recur/optim/clip_grad.h"

#include <gtest/gtest.h>

#include <cmath>

#include "recur/io/safetensors.h"
#include "test_support.h"

namespace recur::optim {
namespace {

const TensorMap& fixture() {
  static const TensorMap fx = io::load_safetensors(testing::fixture_path("optim/clip.safetensors"));
  return fx;
}

// Two parameters whose gradients are the fixture's g0 and g1.
std::vector<Tensor> params_with_fixture_grads() {
  std::vector<Tensor> params;
  for (const char* name : {"g0", "g1"}) {
    const Tensor& g = fixture().at(name);
    Tensor p = Tensor::zeros(g.shape()).set_requires_grad(true);
    p.set_grad(g.clone());
    params.push_back(p);
  }
  return params;
}

TEST(ClipGradNorm, MatchesPyTorchForEachNormType) {
  for (auto [label, norm_type, max_norm] :
       {std::tuple{"2", 2.0, 1.0}, std::tuple{"1", 1.0, 2.0}, std::tuple{"inf", kInfNorm, 0.5}}) {
    auto params = params_with_fixture_grads();
    const double total = clip_grad_norm_(params, max_norm, norm_type);
    const float want = fixture().at(std::string("total_norm.") + label).item();
    EXPECT_NEAR(total, want, 1e-6 * want) << label;
    for (int i = 0; i < 2; ++i) {
      const Tensor& clipped =
          fixture().at(std::string("clipped.") + label + ".g" + std::to_string(i));
      EXPECT_TRUE(allclose(params[i].grad(), clipped, 1e-6f, 1e-7f))
          << label << " g" << i << ": " << max_abs_diff(params[i].grad(), clipped);
    }
  }
}

TEST(ClipGradNorm, LeavesSmallGradientsAloneAndSkipsMissingOnes) {
  auto params = params_with_fixture_grads();
  params.push_back(Tensor::zeros({3}).set_requires_grad(true));  // no gradient
  const Tensor before = params[0].grad().clone();
  const double total = clip_grad_norm_(params, 1e6);
  EXPECT_GT(total, 1.0);
  EXPECT_EQ(max_abs_diff(params[0].grad(), before), 0.0f);
  EXPECT_FALSE(params[2].grad().defined());
  EXPECT_EQ(clip_grad_norm_({Tensor::zeros({2})}, 1.0), 0.0);
}

TEST(ClipGradNorm, NonFiniteNormIsAnErrorOnlyWhenAsked) {
  auto params = params_with_fixture_grads();
  params[1].grad().data()[0] = NAN;
  const Tensor before = params[0].grad().clone();
  EXPECT_THROW(clip_grad_norm_(params, 1.0, 2.0, /*error_if_nonfinite=*/true), ValueError);
  EXPECT_EQ(max_abs_diff(params[0].grad(), before), 0.0f);
  EXPECT_TRUE(std::isnan(clip_grad_norm_(params, 1.0)));
  EXPECT_THROW(clip_grad_norm_(params, 1.0, 0.0), ValueError);
}

TEST(ClipGradValue, MatchesPyTorch) {
  auto params = params_with_fixture_grads();
  clip_grad_value_(params, 0.1);
  EXPECT_EQ(max_abs_diff(params[0].grad(), fixture().at("clip_value.g0")), 0.0f);
  EXPECT_EQ(max_abs_diff(params[1].grad(), fixture().at("clip_value.g1")), 0.0f);
  EXPECT_THROW(clip_grad_value_(params, -1.0), ValueError);
}

}  // namespace
}  // namespace recur::optim
