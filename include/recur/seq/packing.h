// Padding and packing of variable-length sequence batches, with the semantics of PyTorch's
// torch.nn.utils.rnn (pad_sequence, pack_padded_sequence, pack_sequence, pad_packed_sequence).
// All four are differentiable with respect to the tensor data: each records one autograd node
// whose backward routes the output gradient back to the rows it came from (padding gets none).
//
//   PackedSequence packed = pack_padded_sequence(x, {5, 3, 4}, /*batch_first=*/false,
//                                                /*enforce_sorted=*/false);
//   auto [y, lengths] = pad_packed_sequence(layer_output);   // y [T, B, *], lengths {5, 3, 4}
//
// Sorting: with enforce_sorted=false the batch is ordered by decreasing length exactly as
// torch.sort(lengths, descending=True) orders it in PyTorch 1.13, which is NOT a stable sort:
// equal lengths may swap places. recur reproduces PyTorch's order bit for bit, so
// sorted_indices/unsorted_indices match a PyTorch-made PackedSequence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recur/seq/packed_sequence.h"
#include "recur/tensor/tensor.h"

namespace recur {

// Stacks sequences [L_i, *] (equal trailing sizes; L_i may be 0) into [T, B, *], or [B, T, *]
// when batch_first, with T = max L_i; positions past a sequence's end hold padding_value.
// An empty list is a ValueError.
Tensor pad_sequence(const std::vector<Tensor>& sequences, bool batch_first = false,
                    float padding_value = 0.0f);

// Packs a padded batch input [T, B, *] (or [B, T, *] when batch_first) whose b-th sequence has
// lengths[b] steps, 1 <= lengths[b] <= T. With enforce_sorted the lengths must already be
// non-increasing and sorted_indices/unsorted_indices stay empty; otherwise the batch is sorted
// and both permutations are filled (even when the order did not change, as in PyTorch).
PackedSequence pack_padded_sequence(const Tensor& input, const std::vector<int64_t>& lengths,
                                    bool batch_first = false, bool enforce_sorted = true);

// Packs sequences [L_i, *] directly (pad_sequence followed by pack_padded_sequence in one
// step). Every sequence needs at least one step.
PackedSequence pack_sequence(const std::vector<Tensor>& sequences, bool enforce_sorted = true);

// The inverse of packing: the padded batch in the original batch order and its lengths.
struct PaddedSequence {
  Tensor padded;                 // [T, B, *] or [B, T, *] when batch_first
  std::vector<int64_t> lengths;  // per sequence, original batch order
};

// Unpacks to T = total_length steps when given (ValueError if shorter than the longest
// sequence), else T = the longest sequence; padded positions hold padding_value.
PaddedSequence pad_packed_sequence(const PackedSequence& sequence, bool batch_first = false,
                                   float padding_value = 0.0f,
                                   std::optional<int64_t> total_length = std::nullopt);

// The length of every sequence of a packed batch, in the original batch order.
std::vector<int64_t> packed_lengths(const PackedSequence& sequence);

// Throws ValueError/ShapeError, naming `what`, unless `sequence` is well formed: batch_sizes
// non-empty, positive and non-increasing; data [sum(batch_sizes), *]; sorted_indices and
// unsorted_indices both empty or inverse permutations of the batch_sizes[0] sequences.
void check_packed_sequence(const PackedSequence& sequence, const std::string& what);

}  // namespace recur
