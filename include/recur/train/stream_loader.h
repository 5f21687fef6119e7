// StreamLoader: one long token stream (a book, a corpus) served for truncated backpropagation
// through time, as the tutorials' character models and PyTorch's word_language_model do it
// (batchify + get_batch). The stream is laid out as B parallel streams, each a contiguous stretch
// of the text, and cut into chunks of k steps; batch c holds chunk c of every stream:
//
//   text ids  x0 x1 x2 ... x(N-1)           L = (N - 1) / B steps per stream (the rest is dropped)
//   stream s  inputs x(sL) ... x(sL+L-1), targets one step ahead x(sL+1) ... x(sL+L)
//   batch c   tokens [B, k] = steps [ck, ck+k) of every stream (the last chunk may be shorter),
//             labels [B, k] = the next token of each step
//
// Row s of every batch continues row s of the one before, so a model carries its recurrent state
// from batch to batch (Batch::continues_streams, train::CarriedState) and gradients stop at chunk
// boundaries: with k = L it is full BPTT. The first batch of every epoch starts the streams anew
// (continues_streams = false): the state is reset at each epoch. Every epoch serves the same
// batches in the same order, since the order is what carries the state.
//
//   train::StreamLoader loader(ids, {.streams = 32, .chunk_length = 100});
//   for (const train::Batch& b : loader.epoch(e)) { ... b.tokens, b.labels, b.continues_streams }
#pragma once

#include <cstdint>
#include <vector>

#include "recur/train/data_loader.h"

namespace recur::train {

struct StreamLoaderOptions {
  int64_t streams = 32;        // B: rows of every batch
  int64_t chunk_length = 100;  // k: steps of every batch (BPTT truncation length)
};

class StreamLoader : public BatchSource {
 public:
  // ValueError when the options are < 1 or the stream is too short to give every stream one step
  // (it needs at least B + 1 tokens).
  StreamLoader(std::vector<int64_t> ids, const StreamLoaderOptions& options);

  std::vector<Batch> epoch(int64_t epoch_index) const override;
  int64_t num_batches() const override;
  // L: steps in each stream; streams * steps_per_stream tokens are predicted per epoch.
  int64_t steps_per_stream() const { return steps_; }
  const StreamLoaderOptions& options() const { return options_; }

  // Batch c of the epoch.
  Batch chunk(int64_t c) const;

 private:
  std::vector<int64_t> ids_;
  StreamLoaderOptions options_;
  int64_t steps_ = 0;
};

}  // namespace recur::train
