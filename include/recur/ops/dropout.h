// Inverted dropout: while training each element is zeroed with probability p and the survivors
// are scaled by 1/(1-p), so evaluation needs no rescaling. With training == false or p == 0 the
// input is returned unchanged. p must be in [0, 1) (ValueError otherwise). The mask comes from
// `gen`, so a seeded generator gives reproducible masks.
#pragma once

#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

namespace recur {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen = default_generator());

}  // namespace recur
