// The tutorial's padding and packing walk-through (seed 001, "Recurrent Neural Networks and LSTMs
// for Sequence Data", section "Packing and Padding Sequences") written with recur: three
// sequences of 10, 15 and 8 steps are padded to one [3, 15, 128] batch (pad_sequence), packed
// (pack_padded_sequence, enforce_sorted=false), run through nn.LSTM(128, 256), and unpacked
// (pad_packed_sequence). The tutorial says packing keeps padding out of the LSTM; this program
// shows it, and checks it:
//   - each sequence's final hidden state (and every output step) from the packed batch equals
//     running that sequence alone, and unpacking leaves zeros past each sequence's end;
//   - the naive way, the padded batch fed as it is, changes the final state of the short ones;
//   - the masking alternative (seed 002, "Handling Variable-Length Sequences": masking tells the
//     network to ignore padded values in pooling) gives the right mean over each sequence's
//     real steps even without packing, because a left-to-right LSTM's output at a real step
//     never saw the padding that follows it.
// A small batch of numbers comes first, so that the packed layout can be read.
//
//   example_packing_walkthrough                  exit status 0 when every check passed
//
// No training here, so no --epochs or --check-decreasing; --seed draws the data and weights.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/autograd/grad_mode.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/lstm.h"
#include "recur/ops/ops.h"
#include "recur/seq/masks.h"
#include "recur/seq/packing.h"
#include "recur/tensor/error.h"
#include "recur/tensor/index_tensor.h"
#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"

using namespace recur;

constexpr double kTolerance = 1e-5;

struct Options {
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
};

// A list of sizes or positions printed as PyTorch prints a 1-D tensor: tensor([1, 0, 2]).
std::string tensor_str(const std::vector<int64_t>& values) {
  return to_string(IndexTensor::from_vector({static_cast<int64_t>(values.size())}, values));
}

void print_tensor(const char* name, const Tensor& x) {
  std::printf("%s =\n%s\n", name, to_string(x).c_str());
}

// PackedSequence(data=..., batch_sizes=..., sorted_indices=..., unsorted_indices=...), with
// data flattened (one feature per step here).
void print_packed(const PackedSequence& packed) {
  std::printf(
      "PackedSequence(data=%s,\n               batch_sizes=%s,\n"
      "               sorted_indices=%s,\n               unsorted_indices=%s)\n",
      to_string(squeeze(packed.data, 1)).c_str(), tensor_str(packed.batch_sizes).c_str(),
      tensor_str(packed.sorted_indices).c_str(), tensor_str(packed.unsorted_indices).c_str());
}

// Three short sequences of numbers: padded, packed and unpacked, printed as PyTorch prints them.
void show_small_batch() {
  std::printf("== A batch you can read: [1, 2, 3, 4], [5, 6], [7, 8, 9] ==\n");
  const std::vector<Tensor> sequences = {Tensor::from_vector({4, 1}, {1, 2, 3, 4}),
                                         Tensor::from_vector({2, 1}, {5, 6}),
                                         Tensor::from_vector({3, 1}, {7, 8, 9})};
  const Tensor padded = pad_sequence(sequences, /*batch_first=*/true);  // [3, 4, 1]
  print_tensor("padded (batch_first, zeros past each end)", squeeze(padded, 2));
  const PackedSequence packed =
      pack_padded_sequence(padded, {4, 2, 3}, /*batch_first=*/true, /*enforce_sorted=*/false);
  std::printf("pack_padded_sequence(padded, [4, 2, 3], batch_first=True, enforce_sorted=False):\n");
  print_packed(packed);
  std::printf(
      "  data is time-major over the sequences sorted longest first (sorted_indices): step 0 of\n"
      "  all three, step 1 of all three, step 2 of the two that have it, step 3 of the longest.\n"
      "  batch_sizes[t] is how many sequences are still running at step t: no padding is "
      "stored.\n");
  const PaddedSequence unpacked = pad_packed_sequence(packed, /*batch_first=*/true);
  print_tensor("pad_packed_sequence(packed, batch_first=True) gives back",
               squeeze(unpacked.padded, 2));
  std::printf("  with lengths %s\n\n", tensor_str(unpacked.lengths).c_str());
}

// Prints one check and says whether it passed: `expect_equal` wants a difference within
// kTolerance, otherwise one beyond it (padding must have changed something).
bool report(const char* what, double difference, bool expect_equal) {
  const bool passed = expect_equal ? difference <= kTolerance : difference > kTolerance;
  std::printf("  %-62s max |difference| %.3g  %s\n", what, difference,
              passed ? "ok" : (expect_equal ? "FAILED (must be <= 1e-5)" : "FAILED (must differ)"));
  return passed;
}

// The mean of each sequence's outputs over its real steps: output [B, T, H] -> [B, H], the
// padded steps masked out (length_mask is 1 at real steps, 0 at padding).
Tensor masked_mean(const Tensor& output, const std::vector<int64_t>& lengths) {
  const Tensor mask = length_mask(lengths, /*batch_first=*/true, output.size(1));  // [B, T]
  const Tensor summed = sum(output * unsqueeze(mask, 2), 1);                       // [B, H]
  return summed / unsqueeze(sum(mask, 1), 1);
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  NoGradGuard no_grad;  // nothing is trained here
  Generator gen(opt.seed);
  show_small_batch();

  std::printf("== The tutorial's batch ==\n");
  // Assume you have sequences of different lengths
  const std::vector<Tensor> sequences = {
      Tensor::normal({10, 128}, 0.0f, 1.0f, gen),  // seq 1: 10 time steps, 128-dim embedding
      Tensor::normal({15, 128}, 0.0f, 1.0f, gen),  // seq 2: 15 time steps
      Tensor::normal({8, 128}, 0.0f, 1.0f, gen),   // seq 3: 8 time steps
  };
  // Pad to max length
  const Tensor padded = pad_sequence(sequences, /*batch_first=*/true);  // [3, 15, 128]
  const std::vector<int64_t> lengths = {10, 15, 8};
  // Pack into a packed sequence object
  const PackedSequence packed =
      pack_padded_sequence(padded, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
  std::printf("padded %s, lengths %s\n", shape_str(padded.shape()).c_str(),
              tensor_str(lengths).c_str());
  std::printf(
      "packed.data %s (10 + 15 + 8 rows), batch_sizes %s,\n  sorted_indices %s, "
      "unsorted_indices %s\n",
      shape_str(packed.data.shape()).c_str(), tensor_str(packed.batch_sizes).c_str(),
      tensor_str(packed.sorted_indices).c_str(), tensor_str(packed.unsorted_indices).c_str());
  // Pass through LSTM
  nn::LSTM lstm({.input_size = 128, .hidden_size = 256, .batch_first = true}, gen);
  const nn::PackedRecurrentOutput packed_run = lstm.forward(packed);
  // Unpack back to padded tensor
  const Tensor output = pad_packed_sequence(packed_run.output, /*batch_first=*/true).padded;
  std::printf("output %s, h_n %s (in the original batch order)\n\n",
              shape_str(output.shape()).c_str(), shape_str(packed_run.h_n.shape()).c_str());

  // Without packing, the LSTM runs every sequence for 15 steps, the padding included.
  const nn::RecurrentOutput padded_run = lstm.forward(padded);
  const Tensor means = masked_mean(padded_run.output, lengths);

  bool all_passed = true;
  std::printf("Each sequence run alone through the same LSTM, against the batch:\n");
  for (size_t b = 0; b < sequences.size(); ++b) {
    const auto i = static_cast<int64_t>(b);
    const int64_t length = lengths[b];
    const nn::RecurrentOutput alone = lstm.forward(unsqueeze(sequences[b], 0));  // [1, L, 256]
    std::printf(" sequence %zu (%lld steps):\n", b + 1, static_cast<long long>(length));
    all_passed &= report("packed: h_n",
                         max_abs_diff(select(packed_run.h_n, 1, i), select(alone.h_n, 1, 0)), true);
    all_passed &= report("packed: c_n",
                         max_abs_diff(select(packed_run.c_n, 1, i), select(alone.c_n, 1, 0)), true);
    const Tensor steps = select(output, 0, i);  // [15, 256]
    all_passed &=
        report("packed, unpacked: output at the real steps",
               max_abs_diff(slice(steps, 0, 0, length), select(alone.output, 0, 0)), true);
    if (length < padded.size(1)) {
      const Tensor past_end = slice(steps, 0, length, padded.size(1));
      all_passed &= report("packed, unpacked: output past the end (zeros)",
                           max_abs_diff(past_end, Tensor::zeros(past_end.shape())), true);
      all_passed &=
          report("padded, not packed: h_n differs (it read the padding)",
                 max_abs_diff(select(padded_run.h_n, 1, i), select(alone.h_n, 1, 0)), false);
    }
    all_passed &=
        report("padded, not packed: masked mean of the output",
               max_abs_diff(select(means, 0, i), select(mean(alone.output, 1), 0, 0)), true);
  }
  std::printf(
      "\nPacking keeps padding out of the LSTM, so h_n is each sequence's own. Masking keeps it\n"
      "out of what is computed from the outputs: enough for a left-to-right LSTM's step outputs,\n"
      "which padding only follows, but not for h_n, nor for a bidirectional LSTM, whose reverse\n"
      "direction would start in the padding.\n");
  std::printf("%s\n", all_passed ? "All checks passed." : "Some checks FAILED.");
  return all_passed ? 0 : 1;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"The tutorial's padding and packing walk-through, with its claims checked"};
  app.add_option("--seed", opt.seed, "Seed of the sequences and the LSTM's weights")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return example::run_reporting_errors([&] { return run(opt); });
}
