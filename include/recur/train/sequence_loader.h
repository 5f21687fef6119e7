// SequenceLoader: mini-batches of variable-length token sequences for train::Trainer — the
// token-task counterpart of DataLoader. Sequences are grouped by length (data/length_buckets.h)
// and collated into a padded id matrix plus the true lengths, ready for embedding and
// pack_padded_sequence; targets are one class per sequence (classification) or one per step
// (tagging, language modelling), the latter padded with ignore_index so the loss skips padding.
//
//   train::SequenceLoader loader(ids, labels, {.batch_size = 32, .shuffle = true, .seed = 7});
//   for (const train::Batch& b : loader.epoch(3)) {
//     b.tokens;   // [B, T] ids, pad_id past each sequence's end
//     b.lengths;  // [B]
//     b.labels;   // [B] (per sequence) or [B, T] (per step, ignore_index past the end)
//   }
#pragma once

#include <cstdint>
#include <vector>

#include "recur/train/data_loader.h"

namespace recur::train {

enum class SequenceTargets {
  kPerSequence,  // targets[i] holds one class id for sequence i
  kPerStep,      // targets[i] holds one id per token of sequence i
};

struct SequenceLoaderOptions {
  int64_t batch_size = 32;
  bool shuffle = false;
  uint64_t seed = 0;
  SequenceTargets targets = SequenceTargets::kPerSequence;
  int64_t pad_id = 0;           // written into `tokens` past a sequence's end
  int64_t ignore_index = -100;  // written into per-step `labels` past a sequence's end
};

class SequenceLoader : public BatchSource {
 public:
  // ValueError naming the sequence when one is empty, when a target has the wrong length, or
  // when tokens and targets differ in count.
  SequenceLoader(std::vector<std::vector<int64_t>> tokens,
                 std::vector<std::vector<int64_t>> targets, const SequenceLoaderOptions& options);

  std::vector<Batch> epoch(int64_t epoch_index) const override;
  int64_t num_batches() const override;
  int64_t num_samples() const { return static_cast<int64_t>(tokens_.size()); }

  // The batch of the given sequences, in that order.
  Batch collate(const std::vector<int64_t>& items) const;

 private:
  std::vector<std::vector<int64_t>> tokens_;
  std::vector<std::vector<int64_t>> targets_;
  std::vector<int64_t> lengths_;
  SequenceLoaderOptions options_;
};

}  // namespace recur::train
