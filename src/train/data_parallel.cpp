#include "recur/train/data_parallel.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "recur/tensor/error.h"

namespace recur::train {

namespace {

// The rows [begin, end) of a per-row field, or the field itself when it is not per row (an
// undefined tensor, a shape-[0] IndexTensor).
Tensor shard_rows(const Tensor& t, int64_t rows, int64_t begin, int64_t end) {
  return t.defined() && t.dim() > 0 && t.size(0) == rows ? t.rows(begin, end) : t;
}

IndexTensor shard_rows(const IndexTensor& t, int64_t rows, int64_t begin, int64_t end) {
  return t.dim() > 0 && t.size(0) == rows ? t.rows(begin, end) : t;
}

template <class T>
std::vector<T> shard_rows(const std::vector<T>& v, int64_t rows, int64_t begin, int64_t end) {
  if (static_cast<int64_t>(v.size()) != rows) return v;
  return {v.begin() + begin, v.begin() + end};
}

// The loss terms of rows [begin, end): without row_terms, loss_terms must spread evenly over
// the rows (a stream chunk: B streams of k steps), or the shard could not know its share.
int64_t shard_terms(const Batch& batch, int64_t begin, int64_t end) {
  if (!batch.row_terms.empty()) {
    return std::accumulate(batch.row_terms.begin() + begin, batch.row_terms.begin() + end,
                           int64_t{0});
  }
  if (batch.loss_terms == 0) return 0;  // the loss averages rows: loss_weight() counts them
  const int64_t rows = batch.size();
  if (batch.loss_terms % rows != 0) {
    throw ValueError("shard_batch: the batch's " + std::to_string(batch.loss_terms) +
                     " loss terms do not spread evenly over its " + std::to_string(rows) +
                     " rows; its source must set Batch::row_terms");
  }
  return batch.loss_terms / rows * (end - begin);
}

std::vector<double> gather_doubles(Communicator& comm, const std::vector<double>& mine) {
  std::vector<double> all(mine.size() * static_cast<size_t>(comm.size()));
  comm.all_gather(mine.data(), mine.size() * sizeof(double), all.data());
  return all;
}

// One gradient's floats, as a window of the concatenation of all of them.
struct GradientSpan {
  float* data;
  int64_t size;
};

// Sums one bucket (the floats [from, from + n) of the concatenated gradients) over the ranks.
void reduce_bucket(Communicator& comm, const std::vector<GradientSpan>& grads,
                   const std::vector<double>& weights, int64_t from, int64_t n,
                   std::vector<float>& mine, std::vector<float>& all) {
  // Copies between the bucket (`bucket`, n floats) and the gradients it covers.
  auto walk = [&](bool to_bucket, float* bucket) {
    int64_t offset = 0;
    for (const GradientSpan& g : grads) {
      const int64_t lo = std::max(from, offset), hi = std::min(from + n, offset + g.size);
      if (lo < hi) {
        float* grad = g.data + (lo - offset);
        float* part = bucket + (lo - from);
        to_bucket ? std::copy(grad, grad + (hi - lo), part)
                  : std::copy(part, part + (hi - lo), grad);
      }
      offset += g.size;
    }
  };
  walk(true, mine.data());
  comm.all_gather(mine.data(), static_cast<size_t>(n) * sizeof(float), all.data());
  const auto count = static_cast<size_t>(n);
  for (size_t i = 0; i < count; ++i) {
    double sum = 0.0;  // rank 0 first, then rank 1, ...: the same bits on every rank
    for (size_t r = 0; r < weights.size(); ++r) {
      sum += weights[r] * static_cast<double>(all[r * count + i]);
    }
    all[i] = static_cast<float>(sum);
  }
  walk(false, all.data());
}

}  // namespace

Batch shard_batch(const Batch& batch, int rank, int size) {
  if (size < 1 || rank < 0 || rank >= size) {
    throw ValueError("shard_batch: rank " + std::to_string(rank) + " of " + std::to_string(size));
  }
  if (size == 1) return batch;
  const int64_t rows = batch.size();
  const int64_t begin = rows * rank / size, end = rows * (rank + 1) / size;
  Batch out;
  out.inputs = shard_rows(batch.inputs, rows, begin, end);
  out.targets = shard_rows(batch.targets, rows, begin, end);
  out.tokens = shard_rows(batch.tokens, rows, begin, end);
  out.lengths = shard_rows(batch.lengths, rows, begin, end);
  out.labels = shard_rows(batch.labels, rows, begin, end);
  out.decoder_tokens = shard_rows(batch.decoder_tokens, rows, begin, end);
  out.row_terms = shard_rows(batch.row_terms, rows, begin, end);
  out.continues_streams = batch.continues_streams;
  out.loss_terms = shard_terms(batch, begin, end);
  return out;
}

void broadcast_tensors(Communicator& comm, const std::vector<Tensor>& tensors) {
  if (comm.size() == 1) return;
  for (Tensor t : tensors) {
    comm.broadcast(t.data(), static_cast<size_t>(t.numel()) * sizeof(float), 0);
  }
}

double all_reduce_gradients(Communicator& comm, const std::vector<Tensor>& params, double weight,
                            double loss, int64_t bucket_floats) {
  if (comm.size() == 1) return loss;
  if (bucket_floats < 1) throw ValueError("all_reduce_gradients: bucket_floats must be >= 1");
  // First the small things: each rank's weight, loss and which gradients it has.
  std::vector<double> header = {weight, loss};
  for (const Tensor& p : params) header.push_back(p.grad().defined() ? 1.0 : 0.0);
  const std::vector<double> headers = gather_doubles(comm, header);
  const size_t stride = header.size();
  std::vector<double> weights;
  double global_loss = 0.0;
  for (size_t r = 0; r < static_cast<size_t>(comm.size()); ++r) {
    weights.push_back(headers[r * stride]);
    global_loss += headers[r * stride] * headers[r * stride + 1];
  }

  std::vector<GradientSpan> grads;
  int64_t total = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    bool anywhere = false;
    for (size_t r = 0; r < weights.size(); ++r) anywhere |= headers[r * stride + 2 + i] != 0.0;
    if (!anywhere) continue;
    Tensor p = params[i];
    if (!p.grad().defined()) p.set_grad(Tensor::zeros(p.shape()));
    Tensor g = p.grad();
    grads.push_back({g.data(), g.numel()});
    total += g.numel();
  }
  const int64_t bucket = std::min(bucket_floats, std::max<int64_t>(total, 1));
  // Kept from step to step: fresh buffers this large are mapped anew and fault their pages in
  // on every step (2 ranks, 3.5 MB of gradients: 25-27 ms a step kept, 29-31 ms fresh, here).
  thread_local std::vector<float> mine, all;
  mine.resize(static_cast<size_t>(bucket));
  all.resize(static_cast<size_t>(bucket) * weights.size());
  for (int64_t from = 0; from < total; from += bucket) {
    reduce_bucket(comm, grads, weights, from, std::min(bucket, total - from), mine, all);
  }
  return global_loss;
}

std::vector<double> all_reduce_sum(Communicator& comm, const std::vector<double>& values) {
  if (comm.size() == 1) return values;
  const std::vector<double> all = gather_doubles(comm, values);
  std::vector<double> sums(values.size(), 0.0);
  for (size_t r = 0; r < static_cast<size_t>(comm.size()); ++r) {
    for (size_t i = 0; i < values.size(); ++i) sums[i] += all[r * values.size() + i];
  }
  return sums;
}

}  // namespace recur::train
