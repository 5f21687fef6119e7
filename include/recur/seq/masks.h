// Length masks for masked losses and attention over padded batches: 1.0 at the real steps of
// each sequence, 0.0 at padding.
//
//   Tensor mask = length_mask({3, 1}, /*batch_first=*/true);   // [[1, 1, 1], [1, 0, 0]]
//   Tensor loss = sum(mse_loss(y, target, Reduction::None) * unsqueeze(mask, 2)) / sum(mask);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "recur/tensor/tensor.h"

namespace recur {

// A float mask [T, B] (or [B, T] when batch_first) with mask[t, b] = 1 when t < lengths[b].
// T is max_length when given, else the longest length. Lengths may be 0 (an empty sequence);
// a negative length or one beyond max_length is a ValueError.
Tensor length_mask(const std::vector<int64_t>& lengths, bool batch_first = false,
                   std::optional<int64_t> max_length = std::nullopt);

}  // namespace recur
