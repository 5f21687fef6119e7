// The bf16 per-step product with AVX512_BF16's dot-product instruction (vdpbf16ps), for CPUs that
// have it (Zen 4, Cooper Lake, Sapphire Rapids): step_matmul.cpp's AVX-512 target calls it for
// bf16 weights and a few batch rows. Internal to src/kernels.
#pragma once

#include <cstdint>

#include "recur/kernels/step_matmul.h"

namespace recur::kernels::detail {

// Rows up to which the dot-product kernel is used: it reads the weight once per row.
constexpr int64_t kBf16DotMaxRows = 1;

// Whether the CPU has AVX512_BF16 (checked once) and set_bf16_dot_product has not turned the
// kernel off.
bool use_bf16_dot();

// step_matmul_acc for bf16 weights with vdpbf16ps. The instruction multiplies bf16 by bf16, so
// each v is split into two bf16 parts, v = hi + lo + e with |e| <= 2^-17 |v|, and multiplied by
// both: the products are those of the widening kernel to within that e (fp32 sums, the last
// bits in another order). Call only when has_avx512_bf16().
void step_matmul_acc_bf16_dot(int64_t B, const float* v, int64_t ldv, const PackedRows16& w,
                              float* y, int64_t ldy);

}  // namespace recur::kernels::detail
