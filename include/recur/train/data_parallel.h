// Data-parallel training, the arithmetic of it: every rank builds the same global batch, trains
// on its own rows of it (shard_batch), and the ranks then replace their gradients by the
// gradient of the global batch's mean loss (all_reduce_gradients): each rank's gradient of its
// shard's mean loss, weighted by the shard's share of the batch's loss terms (rows, or tokens
// when rows differ in length), summed in rank order. With the same global batch, N ranks take
// the same optimizer steps as one process, up to float rounding (docs/DISTRIBUTED.md measures
// it). train::Trainer does all of this when world() has more than one rank.
//
//   train::Batch mine = train::shard_batch(batch, comm.rank(), comm.size());
//   Tensor loss = loss_fn(mine);
//   loss.backward();
//   const double share = double(mine.loss_weight()) / double(batch.loss_weight());
//   double global_loss = train::all_reduce_gradients(comm, params, share, loss.item());
#pragma once

#include <cstdint>
#include <vector>

#include "recur/tensor/tensor.h"
#include "recur/train/communicator.h"
#include "recur/train/data_loader.h"

namespace recur::train {

// Rank `rank`'s rows of `batch`: a contiguous block, the blocks of all ranks covering the batch
// in order and differing in size by at most one row (a rank may get none when the batch has
// fewer rows than there are ranks). Every per-row field is cut the same way; the loss terms
// follow the rows: summed from row_terms when the batch has them, spread evenly otherwise.
Batch shard_batch(const Batch& batch, int rank, int size);

// Makes every rank's tensors rank 0's, in place (the initial parameters, so that ranks seeded
// differently still start from one model).
void broadcast_tensors(Communicator& comm, const std::vector<Tensor>& tensors);

// Gradients travel in buckets of this many floats: one all-gather per bucket bounds the
// gather buffer (size() times a bucket) whatever the model's size.
inline constexpr int64_t kGradientBucketFloats = int64_t{1} << 20;

// Replaces the gradients of `params` on every rank by sum_r weight_r * grad_r, computed in
// double in rank order (so every rank, and every run, gets the same bits) in flat buckets, and
// returns sum_r weight_r * loss_r. A gradient missing on a rank counts as zeros; it stays missing
// only when it is missing on every rank, as an unused parameter's is in one process. On one
// rank nothing moves and `loss` comes back.
double all_reduce_gradients(Communicator& comm, const std::vector<Tensor>& params, double weight,
                            double loss, int64_t bucket_floats = kGradientBucketFloats);

// Element-wise sums over the ranks, in rank order (validation loss sums and counts).
std::vector<double> all_reduce_sum(Communicator& comm, const std::vector<double>& values);

}  // namespace recur::train
