// Internal to src/io: the 16-bit float formats safetensors files carry, widened to float32.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace recur::io::detail {

// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits. Every value,
// subnormals, infinities and NaN payloads included, is exactly representable in float32.
inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  const uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  const uint32_t exponent32 = exponent == 0x1fu ? 0xffu : exponent + (127 - 15);
  return std::bit_cast<float>(sign | (exponent32 << 23) | (mantissa << 13));
}

// bfloat16 is the top half of a float32.
inline float bfloat16_to_float(uint16_t b) {
  return std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
}

}  // namespace recur::io::detail
