#include "recur/seq/packing.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "row_gather.h"

namespace recur {

using seq_detail::gather_rows;
using seq_detail::kPaddingRow;
using seq_detail::RowRef;

namespace {

// Sizes of the trailing "feature" dimensions of t, from dimension `first` on.
Shape trailing_shape(const Tensor& t, int64_t first) {
  return Shape(t.shape().begin() + first, t.shape().end());
}

// [T, B, *feature] or [B, T, *feature].
Shape padded_shape(int64_t steps, int64_t batch, const Shape& feature, bool batch_first) {
  Shape shape = batch_first ? Shape{batch, steps} : Shape{steps, batch};
  shape.insert(shape.end(), feature.begin(), feature.end());
  return shape;
}

std::string list_str(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

// The checks PyTorch makes on lengths, plus the one it skips (a length beyond the padded size
// makes PyTorch 1.13 read past the end of the input).
void check_lengths(const std::vector<int64_t>& lengths, int64_t max_steps, bool enforce_sorted,
                   const std::string& what) {
  for (size_t b = 0; b < lengths.size(); ++b) {
    if (lengths[b] <= 0) {
      throw ValueError(what + ": every length must be > 0, but lengths[" + std::to_string(b) +
                       "] = " + std::to_string(lengths[b]) + " (lengths " + list_str(lengths) +
                       ")");
    }
    if (lengths[b] > max_steps) {
      throw ValueError(what + ": lengths[" + std::to_string(b) +
                       "] = " + std::to_string(lengths[b]) + " exceeds the padded length " +
                       std::to_string(max_steps) + " of the input");
    }
  }
  if (enforce_sorted && !std::is_sorted(lengths.begin(), lengths.end(), std::greater<>())) {
    throw ValueError(what +
                     ": `lengths` array must be sorted in decreasing order when "
                     "`enforce_sorted` is True (got " +
                     list_str(lengths) +
                     "). You can pass `enforce_sorted=false` to pack_padded_sequence and/or "
                     "pack_sequence to sidestep this requirement.");
  }
}

// The batch order by decreasing length. PyTorch 1.13 sorts with torch.sort(descending=True),
// which on the CPU is std::sort over (length, index) pairs comparing lengths only; running the
// same algorithm gives the same (unstable) order for equal lengths.
std::vector<int64_t> sort_by_decreasing_length(const std::vector<int64_t>& lengths) {
  std::vector<std::pair<int64_t, int64_t>> keyed(lengths.size());
  for (size_t b = 0; b < lengths.size(); ++b) keyed[b] = {lengths[b], static_cast<int64_t>(b)};
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<int64_t> order(lengths.size());
  for (size_t j = 0; j < keyed.size(); ++j) order[j] = keyed[j].second;
  return order;
}

std::vector<int64_t> invert_permutation(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inverse(perm.size());
  for (size_t j = 0; j < perm.size(); ++j) inverse[perm[j]] = static_cast<int64_t>(j);
  return inverse;
}

// batch_sizes[t] = how many of the (sorted, non-increasing) lengths exceed t.
std::vector<int64_t> batch_sizes_of(const std::vector<int64_t>& sorted_lengths) {
  std::vector<int64_t> sizes(sorted_lengths.empty() ? 0 : sorted_lengths.front(), 0);
  for (int64_t len : sorted_lengths) {
    for (int64_t t = 0; t < len; ++t) ++sizes[t];
  }
  return sizes;
}

// Orders the batch for packing: fills sorted/unsorted indices unless enforce_sorted, and
// returns the lengths in packing order.
std::vector<int64_t> order_batch(const std::vector<int64_t>& lengths, bool enforce_sorted,
                                 PackedSequence& packed) {
  if (enforce_sorted) return lengths;
  packed.sorted_indices = sort_by_decreasing_length(lengths);
  packed.unsorted_indices = invert_permutation(packed.sorted_indices);
  std::vector<int64_t> sorted(lengths.size());
  for (size_t j = 0; j < lengths.size(); ++j) sorted[j] = lengths[packed.sorted_indices[j]];
  return sorted;
}

// Original batch index of the j-th sequence in packing order.
int64_t original_index(const PackedSequence& packed, int64_t j) {
  return packed.sorted_indices.empty() ? j : packed.sorted_indices[j];
}

// The packed rows, time-major: for each step t, the first batch_sizes[t] sequences in packing
// order; source_row(b, t) says where step t of original sequence b lives.
template <class SourceRow>
std::vector<RowRef> packed_rows(const PackedSequence& packed, SourceRow source_row) {
  std::vector<RowRef> rows;
  rows.reserve(std::accumulate(packed.batch_sizes.begin(), packed.batch_sizes.end(), size_t{0}));
  for (size_t t = 0; t < packed.batch_sizes.size(); ++t) {
    for (int64_t j = 0; j < packed.batch_sizes[t]; ++j) {
      rows.push_back(source_row(original_index(packed, j), static_cast<int64_t>(t)));
    }
  }
  return rows;
}

// The rows of a padded [T, B, *] (or [B, T, *]) tensor in memory order; row_of(b, t) says
// where step t < lengths[b] of sequence b comes from, the other rows are padding.
template <class RowOf>
std::vector<RowRef> padded_rows(int64_t steps, const std::vector<int64_t>& lengths,
                                bool batch_first, RowOf row_of) {
  const int64_t batch = static_cast<int64_t>(lengths.size());
  std::vector<RowRef> rows;
  rows.reserve(steps * batch);
  const int64_t outer = batch_first ? batch : steps;
  const int64_t inner = batch_first ? steps : batch;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t b = batch_first ? o : i;
      const int64_t t = batch_first ? i : o;
      rows.push_back(t < lengths[b] ? row_of(b, t) : kPaddingRow);
    }
  }
  return rows;
}

// "[L, 3, 4]" for sequences of feature shape [3, 4].
std::string sequence_pattern(const Shape& feature) {
  std::string s = "[L";
  for (int64_t d : feature) s += ", " + std::to_string(d);
  return s + "]";
}

void check_sequences(const std::vector<Tensor>& sequences, const std::string& what) {
  if (sequences.empty()) throw ValueError(what + ": received an empty list of sequences");
  for (size_t i = 0; i < sequences.size(); ++i) {
    const Tensor& s = sequences[i];
    const std::string name = what + ": sequences[" + std::to_string(i) + "]";
    if (!s.defined()) throw ValueError(name + " is undefined");
    if (s.dim() < 1) throw ShapeError(name + ": expected [L, *], got a scalar");
    const Shape feature = trailing_shape(sequences[0], 1);
    if (trailing_shape(s, 1) != feature) {
      throw ShapeError(name + ": expected " + sequence_pattern(feature) +
                       " (the trailing sizes of sequences[0]), got " + shape_str(s.shape()));
    }
  }
}

std::vector<int64_t> sequence_lengths(const std::vector<Tensor>& sequences) {
  std::vector<int64_t> lengths;
  for (const Tensor& s : sequences) lengths.push_back(s.size(0));
  return lengths;
}

}  // namespace

Tensor pad_sequence(const std::vector<Tensor>& sequences, bool batch_first, float padding_value) {
  check_sequences(sequences, "pad_sequence");
  const std::vector<int64_t> lengths = sequence_lengths(sequences);
  const int64_t steps = *std::max_element(lengths.begin(), lengths.end());
  const int64_t batch = static_cast<int64_t>(sequences.size());
  const Shape feature = trailing_shape(sequences[0], 1);
  const std::vector<RowRef> rows =
      padded_rows(steps, lengths, batch_first, [](int64_t b, int64_t t) {
        return RowRef{b, t};
      });
  return gather_rows("PadSequenceBackward", sequences, shape_numel(feature), rows,
                     padded_shape(steps, batch, feature, batch_first), padding_value);
}

PackedSequence pack_padded_sequence(const Tensor& input, const std::vector<int64_t>& lengths,
                                    bool batch_first, bool enforce_sorted) {
  const std::string what = "pack_padded_sequence";
  if (!input.defined()) throw ValueError(what + ": the input is undefined");
  if (input.dim() < 2) {
    throw ShapeError(what + ": expected input " + (batch_first ? "[B, T, *]" : "[T, B, *]") +
                     " (at least 2 dimensions), got " + shape_str(input.shape()));
  }
  const int64_t steps = input.size(batch_first ? 1 : 0);
  const int64_t batch = input.size(batch_first ? 0 : 1);
  if (static_cast<int64_t>(lengths.size()) != batch) {
    throw ShapeError(what + ": expected one length per sequence (batch size " +
                     std::to_string(batch) + " of input " + shape_str(input.shape()) + "), got " +
                     std::to_string(lengths.size()) + " lengths");
  }
  if (batch == 0) throw ValueError(what + ": cannot pack an empty batch");
  check_lengths(lengths, steps, enforce_sorted, what);

  PackedSequence packed;
  packed.batch_sizes = batch_sizes_of(order_batch(lengths, enforce_sorted, packed));
  const std::vector<RowRef> rows = packed_rows(packed, [&](int64_t b, int64_t t) {
    return RowRef{0, batch_first ? b * steps + t : t * batch + b};
  });
  Shape data_shape = trailing_shape(input, 2);
  const int64_t row_size = shape_numel(data_shape);
  data_shape.insert(data_shape.begin(), static_cast<int64_t>(rows.size()));
  packed.data =
      gather_rows("PackPaddedSequenceBackward", {input}, row_size, rows, data_shape, 0.0f);
  return packed;
}

PackedSequence pack_sequence(const std::vector<Tensor>& sequences, bool enforce_sorted) {
  const std::string what = "pack_sequence";
  check_sequences(sequences, what);
  const std::vector<int64_t> lengths = sequence_lengths(sequences);
  check_lengths(lengths, *std::max_element(lengths.begin(), lengths.end()), enforce_sorted, what);

  PackedSequence packed;
  packed.batch_sizes = batch_sizes_of(order_batch(lengths, enforce_sorted, packed));
  const std::vector<RowRef> rows = packed_rows(packed, [](int64_t b, int64_t t) {
    return RowRef{b, t};
  });
  Shape data_shape = trailing_shape(sequences[0], 1);
  const int64_t row_size = shape_numel(data_shape);
  data_shape.insert(data_shape.begin(), static_cast<int64_t>(rows.size()));
  packed.data = gather_rows("PackSequenceBackward", sequences, row_size, rows, data_shape, 0.0f);
  return packed;
}

void check_packed_sequence(const PackedSequence& sequence, const std::string& what) {
  const std::vector<int64_t>& sizes = sequence.batch_sizes;
  if (sizes.empty()) throw ValueError(what + ": batch_sizes is empty (no time steps)");
  for (size_t t = 0; t < sizes.size(); ++t) {
    if (sizes[t] <= 0 || (t > 0 && sizes[t] > sizes[t - 1])) {
      throw ValueError(what + ": batch_sizes must be positive and non-increasing, got " +
                       list_str(sizes));
    }
  }
  const int64_t rows = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  if (!sequence.data.defined()) throw ValueError(what + ": data is undefined");
  if (sequence.data.dim() < 1 || sequence.data.size(0) != rows) {
    throw ShapeError(what + ": expected data [" + std::to_string(rows) +
                     ", *] (the sum of batch_sizes), got " + shape_str(sequence.data.shape()));
  }
  const size_t batch = static_cast<size_t>(sizes.front());
  const auto& sorted = sequence.sorted_indices;
  const auto& unsorted = sequence.unsorted_indices;
  if (sorted.empty() && unsorted.empty()) return;
  bool valid = sorted.size() == batch && unsorted.size() == batch;
  for (size_t j = 0; valid && j < batch; ++j) {
    valid = sorted[j] >= 0 && sorted[j] < static_cast<int64_t>(batch) &&
            unsorted[sorted[j]] == static_cast<int64_t>(j);
  }
  if (!valid) {
    throw ValueError(what + ": sorted_indices " + list_str(sorted) + " and unsorted_indices " +
                     list_str(unsorted) + " must be inverse permutations of the " +
                     std::to_string(batch) + " sequences (or both empty)");
  }
}

std::vector<int64_t> packed_lengths(const PackedSequence& sequence) {
  check_packed_sequence(sequence, "packed_lengths");
  std::vector<int64_t> sorted_lengths(sequence.batch_sizes.front(), 0);
  for (int64_t size : sequence.batch_sizes) {
    for (int64_t j = 0; j < size; ++j) ++sorted_lengths[j];
  }
  std::vector<int64_t> lengths(sorted_lengths.size());
  for (size_t b = 0; b < lengths.size(); ++b) {
    lengths[b] = sequence.unsorted_indices.empty() ? sorted_lengths[b]
                                                   : sorted_lengths[sequence.unsorted_indices[b]];
  }
  return lengths;
}

PaddedSequence pad_packed_sequence(const PackedSequence& sequence, bool batch_first,
                                   float padding_value, std::optional<int64_t> total_length) {
  const std::string what = "pad_packed_sequence";
  check_packed_sequence(sequence, what);
  const int64_t longest = static_cast<int64_t>(sequence.batch_sizes.size());
  const int64_t steps = total_length.value_or(longest);
  if (steps < longest) {
    throw ValueError(what +
                     ": expected total_length to be at least the length of the longest "
                     "sequence in input, but got total_length=" +
                     std::to_string(steps) + " and max sequence length being " +
                     std::to_string(longest));
  }
  const int64_t batch = sequence.batch_sizes.front();
  std::vector<int64_t> lengths = packed_lengths(sequence);

  // Row of step t of original sequence b inside the packed data: the rows of steps < t come
  // first, then b's position in packing order.
  std::vector<int64_t> step_offset(longest, 0);
  for (int64_t t = 1; t < longest; ++t) {
    step_offset[t] = step_offset[t - 1] + sequence.batch_sizes[t - 1];
  }
  auto packing_position = [&](int64_t b) {
    return sequence.unsorted_indices.empty() ? b : sequence.unsorted_indices[b];
  };
  const std::vector<RowRef> rows =
      padded_rows(steps, lengths, batch_first, [&](int64_t b, int64_t t) {
        return RowRef{0, step_offset[t] + packing_position(b)};
      });
  const Shape feature = trailing_shape(sequence.data, 1);
  Tensor padded =
      gather_rows("PadPackedSequenceBackward", {sequence.data}, shape_numel(feature), rows,
                  padded_shape(steps, batch, feature, batch_first), padding_value);
  return {padded, std::move(lengths)};
}

}  // namespace recur
