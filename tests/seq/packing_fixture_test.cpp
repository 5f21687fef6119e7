// Parity with PyTorch 1.13: results and gradients written by tools/fixtures/make_seq_fixtures.py.
// The gradients are those of sum(output * weight), so they check where each element went.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "recur/autograd/backward.h"
#include "recur/io/safetensors.h"
#include "recur/seq/packing.h"
#include "test_support.h"

namespace recur {
namespace {

TensorMap load(const std::string& name) {
  return io::load_safetensors(testing::fixture_path("seq/" + name + ".safetensors"));
}

const Tensor& get(const TensorMap& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) throw std::runtime_error("fixture has no tensor " + key);
  return it->second;
}

// Index lists are stored as float tensors.
std::vector<int64_t> indices(const TensorMap& m, const std::string& key) {
  std::vector<int64_t> out;
  for (float v : get(m, key).span()) out.push_back(static_cast<int64_t>(std::lround(v)));
  return out;
}

std::vector<int64_t> indices_or_empty(const TensorMap& m, const std::string& key) {
  return m.count(key) ? indices(m, key) : std::vector<int64_t>{};
}

// Moves are exact, so results must match bit for bit.
void expect_same(const Tensor& actual, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  EXPECT_EQ(actual.to_vector(), expected.to_vector()) << what;
}

// d/d(inputs) of sum(output * weight).
std::vector<Tensor> weighted_grads(const Tensor& output, const Tensor& weight,
                                   const std::vector<Tensor>& inputs) {
  return grad(output, inputs, weight);
}

std::vector<Tensor> sequences(const TensorMap& m, const std::string& prefix, size_t count) {
  std::vector<Tensor> out;
  for (size_t i = 0; i < count; ++i) {
    out.push_back(get(m, prefix + std::to_string(i)).clone().set_requires_grad());
  }
  return out;
}

TEST(PackingFixture, PadSequence) {
  TensorMap m = load("pad_sequence");
  std::vector<Tensor> seqs = sequences(m, "seq", 4);
  for (std::string tag : {"tf", "bf"}) {
    Tensor padded = pad_sequence(seqs, tag == "bf", -1.5f);
    expect_same(padded, get(m, tag + ".padded"), tag + " padded");
    auto grads = weighted_grads(padded, get(m, tag + ".weight"), seqs);
    for (size_t i = 0; i < seqs.size(); ++i) {
      expect_same(grads[i], get(m, tag + ".grad_seq" + std::to_string(i)), tag + " grad");
    }
  }
}

class PackPaddedFixture : public ::testing::TestWithParam<std::pair<std::string, bool>> {};

TEST_P(PackPaddedFixture, PackAndUnpackMatchPyTorch) {
  const auto& [name, enforce_sorted] = GetParam();
  TensorMap m = load(name);
  const std::vector<int64_t> lengths = indices(m, "lengths");
  for (std::string tag : {"tf.", "bf."}) {
    SCOPED_TRACE(name + " " + tag);
    const bool batch_first = tag == "bf.";
    Tensor x = get(m, tag + "input").clone().set_requires_grad();
    PackedSequence packed = pack_padded_sequence(x, lengths, batch_first, enforce_sorted);
    expect_same(packed.data, get(m, tag + "packed.data"), "data");
    EXPECT_EQ(packed.batch_sizes, indices(m, tag + "packed.batch_sizes"));
    EXPECT_EQ(packed.sorted_indices, indices_or_empty(m, tag + "packed.sorted_indices"));
    EXPECT_EQ(packed.unsorted_indices, indices_or_empty(m, tag + "packed.unsorted_indices"));
    expect_same(weighted_grads(packed.data, get(m, tag + "weight"), {x})[0],
                get(m, tag + "grad_input"), "grad input");

    Tensor data = get(m, tag + "packed.data").clone().set_requires_grad();
    PackedSequence repacked{data, packed.batch_sizes, packed.sorted_indices,
                            packed.unsorted_indices};
    const int64_t steps = *std::max_element(lengths.begin(), lengths.end());
    auto [padded, out_lengths] = pad_packed_sequence(repacked, batch_first, 2.25f, steps + 2);
    expect_same(padded, get(m, tag + "unpacked"), "unpacked");
    EXPECT_EQ(out_lengths, indices(m, tag + "unpacked_lengths"));
    expect_same(weighted_grads(padded, get(m, tag + "unpack_weight"), {data})[0],
                get(m, tag + "grad_data"), "grad data");
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PackPaddedFixture,
                         ::testing::Values(std::pair{std::string("pack_padded_sorted"), true},
                                           std::pair{std::string("pack_padded_unsorted"), false},
                                           // > 16 sequences with ties: PyTorch's unstable order
                                           std::pair{std::string("pack_padded_ties"), false}));

TEST(PackingFixture, PackSequence) {
  for (auto [name, count, enforce_sorted] : {std::tuple{"pack_sequence_sorted", 4, true},
                                             std::tuple{"pack_sequence_unsorted", 5, false}}) {
    SCOPED_TRACE(name);
    TensorMap m = load(name);
    std::vector<Tensor> seqs = sequences(m, "seq", count);
    PackedSequence packed = pack_sequence(seqs, enforce_sorted);
    expect_same(packed.data, get(m, "packed.data"), "data");
    EXPECT_EQ(packed.batch_sizes, indices(m, "packed.batch_sizes"));
    EXPECT_EQ(packed.sorted_indices, indices_or_empty(m, "packed.sorted_indices"));
    EXPECT_EQ(packed.unsorted_indices, indices_or_empty(m, "packed.unsorted_indices"));
    auto grads = weighted_grads(packed.data, get(m, "weight"), seqs);
    for (size_t i = 0; i < seqs.size(); ++i) {
      expect_same(grads[i], get(m, "grad_seq" + std::to_string(i)), "grad");
    }
  }
}

}  // namespace
}  // namespace recur
