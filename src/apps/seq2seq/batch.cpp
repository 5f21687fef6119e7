#include "recur/apps/seq2seq/batch.h"

#include <algorithm>
#include <string>

#include "recur/data/vocabulary.h"
#include "recur/ops/loss.h"
#include "recur/tensor/error.h"

namespace recur::seq2seq {

namespace {

using data::Vocabulary;

// Rows padded with <pad> to the longest, each wrapped in `before` / `after` when >= 0.
IndexTensor pad_rows(const std::vector<TokenIds>& rows, int64_t before, int64_t after) {
  const int64_t extra = (before >= 0 ? 1 : 0) + (after >= 0 ? 1 : 0);
  size_t longest = 0;
  for (const TokenIds& r : rows) longest = std::max(longest, r.size());
  const int64_t T = static_cast<int64_t>(longest) + extra;
  std::vector<int64_t> ids(rows.size() * static_cast<size_t>(T), Vocabulary::kPad);
  for (size_t b = 0; b < rows.size(); ++b) {
    int64_t* row = ids.data() + b * static_cast<size_t>(T);
    if (before >= 0) *row++ = before;
    row = std::copy(rows[b].begin(), rows[b].end(), row);
    if (after >= 0) *row = after;
  }
  return IndexTensor::from_vector({static_cast<int64_t>(rows.size()), T}, std::move(ids));
}

void check_not_empty(const std::vector<TokenIds>& rows, const char* what) {
  if (rows.empty()) throw ValueError("seq2seq batch: no pairs");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].empty()) {
      throw ValueError("seq2seq batch: pair " + std::to_string(i) + " has an empty " + what);
    }
  }
}

}  // namespace

Seq2SeqBatch make_source_batch(const std::vector<TokenIds>& sources) {
  check_not_empty(sources, "source");
  Seq2SeqBatch batch;
  batch.src = pad_rows(sources, -1, -1);
  for (const TokenIds& s : sources) batch.src_lengths.push_back(static_cast<int64_t>(s.size()));
  return batch;
}

Seq2SeqBatch make_batch(const std::vector<TokenIds>& sources,
                        const std::vector<TokenIds>& targets) {
  if (sources.size() != targets.size()) {
    throw ValueError("seq2seq batch: " + std::to_string(sources.size()) + " sources but " +
                     std::to_string(targets.size()) + " targets");
  }
  check_not_empty(targets, "target");
  Seq2SeqBatch batch = make_source_batch(sources);
  batch.tgt_in = pad_rows(targets, Vocabulary::kBos, -1);
  batch.tgt_out = pad_rows(targets, -1, Vocabulary::kEos);
  return batch;
}

Tensor sequence_loss(const Tensor& logits, const IndexTensor& tgt_out) {
  return cross_entropy(logits, tgt_out, {.ignore_index = Vocabulary::kPad});
}

}  // namespace recur::seq2seq
