// TensorMap: named tensors, ordered by name. The currency between modules (state_dict), files
// (safetensors) and fixtures.
#pragma once

#include <map>
#include <string>

#include "recur/tensor/tensor.h"

namespace recur {

using TensorMap = std::map<std::string, Tensor>;

}  // namespace recur
