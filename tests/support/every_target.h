// EveryTargetTest: a value-parameterised fixture that runs its tests once per SIMD target this
// build compiled and this CPU supports, with Highway's dynamic dispatch forced to that target,
// so a dispatched kernel's test checks every code path the library can take on this machine.
//
//   class MyKernelTest : public recur::testing::EveryTargetTest {};
//   TEST_P(MyKernelTest, AgreesWithTheReference) { ... }
//   RECUR_INSTANTIATE_EVERY_TARGET(MyKernelTest);
#pragma once

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <cstdint>
#include <string>

namespace recur::testing {

class EveryTargetTest : public ::testing::TestWithParam<int64_t> {
 protected:
  void SetUp() override { hwy::SetSupportedTargetsForTest(GetParam()); }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }
};

inline std::string target_name(const ::testing::TestParamInfo<int64_t>& info) {
  return hwy::TargetName(info.param);
}

}  // namespace recur::testing

#define RECUR_INSTANTIATE_EVERY_TARGET(Suite)                                        \
  INSTANTIATE_TEST_SUITE_P(EveryTarget, Suite,                                       \
                           ::testing::ValuesIn(hwy::SupportedAndGeneratedTargets()), \
                           ::recur::testing::target_name)
