// PackedSequence: a batch of variable-length sequences stored without padding, exactly as
// PyTorch's torch.nn.utils.rnn.PackedSequence. Rows of `data` are time-major: first the
// batch_sizes[0] sequences' step 0, then batch_sizes[1] sequences' step 1, and so on; sequences
// are ordered longest first, so step t touches rows [0, batch_sizes[t]) of the batch.
// sorted_indices[i] is the original batch index of the i-th sequence in that order;
// unsorted_indices is its inverse. Both are empty when the batch was already sorted
// (enforce_sorted=true), as in PyTorch.
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur {

struct PackedSequence {
  Tensor data;                            // [sum(lengths), *feature]
  std::vector<int64_t> batch_sizes;       // one per time step, non-increasing, > 0
  std::vector<int64_t> sorted_indices;    // empty when no sorting happened
  std::vector<int64_t> unsorted_indices;  // inverse permutation of sorted_indices
};

}  // namespace recur
