// DataLoader: mini-batches of (inputs, targets) drawn from two tensors whose first axis is the
// sample axis. With shuffling on, each epoch visits the samples in a permutation that depends
// only on (seed, epoch), so a run resumed at epoch k sees exactly the batches an uninterrupted
// run would have seen.
//
//   train::DataLoader loader(X, y, {.batch_size = 32, .shuffle = true, .seed = 7});
//   for (const train::Batch& b : loader.epoch(3)) { ... b.inputs, b.targets ... }
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/index_tensor.h"
#include "recur/tensor/tensor.h"

namespace recur::train {

// One mini-batch: float samples (DataLoader) or token sequences (SequenceLoader).
struct Batch {
  Tensor inputs;   // [batch, ...] rows of the loader's inputs
  Tensor targets;  // [batch, ...] rows of the loader's targets

  IndexTensor tokens;            // [batch, T] token ids, padded past each sequence's length
  std::vector<int64_t> lengths;  // [batch] true lengths of the token sequences
  IndexTensor labels;            // [batch] class ids, or [batch, T] ids per step
  // What a decoder reads while it is trained to write `labels` (sequence to sequence: <bos>
  // y_1 ... y_m, padded, beside labels y_1 ... y_m <eos>); undefined for other batches.
  IndexTensor decoder_tokens;  // [batch, T']

  // The rows continue the streams of the previous batch (truncated BPTT, train::StreamLoader):
  // a stateful model starts from the state the previous batch ended in (train::CarriedState).
  // False for the first batch of an epoch and for every batch of independent samples.
  bool continues_streams = false;
  // How many terms the batch's mean loss averages (e.g. tokens); 0 means size().
  int64_t loss_terms = 0;
  // [batch] each row's share of loss_terms when rows weigh differently (tokens per sequence),
  // so a shard of the rows knows its terms (train/data_parallel.h); empty: an even spread.
  std::vector<int64_t> row_terms;

  // Samples in the batch.
  int64_t size() const {
    return inputs.defined() ? inputs.size(0) : static_cast<int64_t>(lengths.size());
  }
  // What the trainer weights this batch's mean loss by when it averages an epoch.
  int64_t loss_weight() const { return loss_terms > 0 ? loss_terms : size(); }
};

// A source of mini-batches for train::Trainer: one epoch's batches at a time, the same ones for
// the same epoch index (so a resumed run sees what an uninterrupted one would have seen).
// DataLoader is one; sources of other kinds of samples (token sequences) implement the same two
// functions, and the one training loop serves them all.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual std::vector<Batch> epoch(int64_t epoch_index) const = 0;
  virtual int64_t num_batches() const = 0;
};

struct DataLoaderOptions {
  int64_t batch_size = 32;
  bool shuffle = false;
  uint64_t seed = 0;
  bool drop_last = false;  // drop a final batch smaller than batch_size
};

class DataLoader : public BatchSource {
 public:
  // inputs and targets must have the same number of rows (ShapeError otherwise).
  DataLoader(Tensor inputs, Tensor targets, const DataLoaderOptions& options = {});

  // The batches of one epoch, in order.
  std::vector<Batch> epoch(int64_t epoch_index) const override;
  int64_t num_samples() const { return inputs_.size(0); }
  int64_t num_batches() const override;
  const DataLoaderOptions& options() const { return options_; }

 private:
  std::vector<int64_t> order(int64_t epoch_index) const;

  Tensor inputs_;
  Tensor targets_;
  DataLoaderOptions options_;
};

// Copies the given rows (first axis) of t into a new tensor.
Tensor gather_rows(const Tensor& t, const std::vector<int64_t>& rows);

}  // namespace recur::train
