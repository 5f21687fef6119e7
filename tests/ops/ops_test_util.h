// Helpers for the ops tests: seeded inputs drawn away from kinks, tensor literals.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur::testing {

// How gradcheck inputs are drawn: magnitudes uniform in [lo, hi], with a random sign when
// `signed_values` (so {0.1, 1, true} keeps every value a step away from 0).
struct Fill {
  float lo = -1.0f;
  float hi = 1.0f;
  bool signed_values = false;
};

inline Tensor filled(const Shape& shape, const Fill& fill, Generator& gen) {
  Tensor t = Tensor::empty(shape);
  for (float& v : t.span()) {
    v = gen.uniform(fill.lo, fill.hi);
    if (fill.signed_values && gen.bernoulli(0.5f)) v = -v;
  }
  return t;
}

inline Tensor leaf(const Shape& shape, const Fill& fill, Generator& gen) {
  return filled(shape, fill, gen).set_requires_grad(true);
}

}  // namespace recur::testing
