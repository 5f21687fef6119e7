// Padding and packing: the documented PyTorch examples, properties (pack then unpack is the
// identity), gradients by finite differences, and every kind of bad input.
#include "recur/seq/packing.h"

#include <gtest/gtest.h>

#include "gradcheck.h"

namespace recur {
namespace {

using testing::gradcheck;

Tensor vec(std::vector<float> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return Tensor::from_vector({n}, std::move(values));
}

// Throws E and the message contains `needle`.
template <class E, class Fn>
void expect_error(Fn fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "expected an error containing \"" << needle << "\"";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(PadSequence, StacksAndPadsTimeMajorAndBatchFirst) {
  std::vector<Tensor> seqs = {vec({1, 2}), vec({3}), vec({4, 5, 6})};
  Tensor tm = pad_sequence(seqs, false, -1.0f);
  EXPECT_EQ(tm.shape(), (Shape{3, 3}));
  EXPECT_EQ(tm.to_vector(), (std::vector<float>{1, 3, 4, 2, -1, 5, -1, -1, 6}));
  Tensor bf = pad_sequence(seqs, true);
  EXPECT_EQ(bf.shape(), (Shape{3, 3}));
  EXPECT_EQ(bf.to_vector(), (std::vector<float>{1, 2, 0, 3, 0, 0, 4, 5, 6}));
}

TEST(PadSequence, AllowsEmptySequencesAndFeatureDims) {
  Tensor padded = pad_sequence({Tensor::zeros({0, 2}), Tensor::ones({2, 2})}, false, 7.0f);
  EXPECT_EQ(padded.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(padded.to_vector(), (std::vector<float>{7, 7, 1, 1, 7, 7, 1, 1}));
}

TEST(PackPaddedSequence, DocumentationExampleUnsorted) {
  // PyTorch's pad_packed_sequence docstring: [[1,2,0],[3,0,0],[4,5,6]], lengths [2, 1, 3].
  Tensor seq = Tensor::from_vector({3, 3}, {1, 2, 0, 3, 0, 0, 4, 5, 6});
  PackedSequence packed = pack_padded_sequence(seq, {2, 1, 3}, true, false);
  EXPECT_EQ(packed.data.to_vector(), (std::vector<float>{4, 1, 3, 5, 2, 6}));
  EXPECT_EQ(packed.batch_sizes, (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(packed.sorted_indices, (std::vector<int64_t>{2, 0, 1}));
  EXPECT_EQ(packed.unsorted_indices, (std::vector<int64_t>{1, 2, 0}));
  auto [padded, lengths] = pad_packed_sequence(packed, true);
  EXPECT_EQ(padded.to_vector(), seq.to_vector());
  EXPECT_EQ(lengths, (std::vector<int64_t>{2, 1, 3}));
  EXPECT_EQ(packed_lengths(packed), lengths);
}

TEST(PackPaddedSequence, SortedBatchKeepsIndicesEmpty) {
  Tensor x = Tensor::arange(12).view({3, 2, 2});  // T=3, B=2, F=2
  PackedSequence packed = pack_padded_sequence(x, {3, 1});
  EXPECT_EQ(packed.batch_sizes, (std::vector<int64_t>{2, 1, 1}));
  EXPECT_TRUE(packed.sorted_indices.empty());
  EXPECT_TRUE(packed.unsorted_indices.empty());
  EXPECT_EQ(packed.data.shape(), (Shape{4, 2}));
  EXPECT_EQ(packed.data.to_vector(), (std::vector<float>{0, 1, 2, 3, 4, 5, 8, 9}));
}

TEST(PackPaddedSequence, UnsortedFillsIndicesEvenWhenAlreadySorted) {
  PackedSequence packed = pack_padded_sequence(Tensor::zeros({2, 2}), {2, 1}, false, false);
  EXPECT_EQ(packed.sorted_indices, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(packed.unsorted_indices, (std::vector<int64_t>{0, 1}));
}

TEST(PackSequence, DocumentationExample) {
  PackedSequence packed = pack_sequence({vec({1, 2, 3}), vec({4, 5}), vec({6})});
  EXPECT_EQ(packed.data.to_vector(), (std::vector<float>{1, 4, 6, 2, 5, 3}));
  EXPECT_EQ(packed.batch_sizes, (std::vector<int64_t>{3, 2, 1}));
  EXPECT_TRUE(packed.sorted_indices.empty());
}

TEST(PackSequence, EqualsPadThenPack) {
  Generator gen(3);
  std::vector<Tensor> seqs;
  for (int64_t len : {2, 5, 1, 5, 3}) seqs.push_back(Tensor::normal({len, 2, 3}, 0, 1, gen));
  PackedSequence direct = pack_sequence(seqs, false);
  PackedSequence via = pack_padded_sequence(pad_sequence(seqs), {2, 5, 1, 5, 3}, false, false);
  EXPECT_EQ(direct.data.shape(), via.data.shape());
  EXPECT_EQ(direct.data.to_vector(), via.data.to_vector());
  EXPECT_EQ(direct.batch_sizes, via.batch_sizes);
  EXPECT_EQ(direct.sorted_indices, via.sorted_indices);
}

TEST(PadPackedSequence, RoundTripRestoresPaddedInputInBothLayouts) {
  Generator gen(7);
  const std::vector<int64_t> lengths = {3, 6, 6, 1, 4};
  for (bool batch_first : {false, true}) {
    Shape shape = batch_first ? Shape{5, 6, 2} : Shape{6, 5, 2};
    Tensor x = Tensor::normal(shape, 0, 1, gen);
    auto [padded, out_lengths] =
        pad_packed_sequence(pack_padded_sequence(x, lengths, batch_first, false), batch_first);
    EXPECT_EQ(out_lengths, lengths);
    // Real steps come back unchanged and padding is zero.
    for (int64_t b = 0; b < 5; ++b) {
      for (int64_t t = 0; t < 6; ++t) {
        for (int64_t f = 0; f < 2; ++f) {
          const float expected =
              t < lengths[b] ? (batch_first ? x.at({b, t, f}) : x.at({t, b, f})) : 0.0f;
          EXPECT_EQ(batch_first ? padded.at({b, t, f}) : padded.at({t, b, f}), expected);
        }
      }
    }
  }
}

TEST(PadPackedSequence, TotalLengthPadsFurtherAndMustCoverLongest) {
  PackedSequence packed = pack_sequence({vec({1, 2}), vec({3})});
  auto [padded, lengths] = pad_packed_sequence(packed, false, 9.0f, 4);
  EXPECT_EQ(padded.shape(), (Shape{4, 2}));
  EXPECT_EQ(padded.to_vector(), (std::vector<float>{1, 3, 2, 9, 9, 9, 9, 9}));
  expect_error<ValueError>([&] { pad_packed_sequence(packed, false, 0.0f, 1); },
                           "total_length=1 and max sequence length being 2");
}

TEST(PackingGradients, MatchFiniteDifferences) {
  Generator gen(11);
  Tensor padded = Tensor::normal({4, 3, 2}, 0, 1, gen).set_requires_grad();
  auto pack_fn = [](const std::vector<Tensor>& in) {
    return pack_padded_sequence(in[0], {2, 4, 1}, false, false).data;
  };
  EXPECT_TRUE(gradcheck(pack_fn, {padded}).assertion());
  auto pack_bf_fn = [](const std::vector<Tensor>& in) {
    return pack_padded_sequence(in[0], {3, 3, 2, 1}, true, true).data;
  };
  EXPECT_TRUE(gradcheck(pack_bf_fn, {padded}).assertion());

  std::vector<Tensor> seqs = {Tensor::normal({2, 2}, 0, 1, gen).set_requires_grad(),
                              Tensor::normal({3, 2}, 0, 1, gen).set_requires_grad(),
                              Tensor::normal({1, 2}, 0, 1, gen)};  // no grad wanted
  auto pad_fn = [](const std::vector<Tensor>& in) { return pad_sequence(in, true, 0.5f); };
  EXPECT_TRUE(gradcheck(pad_fn, seqs).assertion());
  auto pack_seq_fn = [](const std::vector<Tensor>& in) { return pack_sequence(in, false).data; };
  EXPECT_TRUE(gradcheck(pack_seq_fn, seqs).assertion());

  Tensor data = Tensor::normal({6, 2}, 0, 1, gen).set_requires_grad();
  auto unpack_fn = [](const std::vector<Tensor>& in) {
    PackedSequence p{in[0], {3, 2, 1}, {1, 2, 0}, {2, 0, 1}};
    return pad_packed_sequence(p, false, -3.0f, 5).padded;
  };
  EXPECT_TRUE(gradcheck(unpack_fn, {data}).assertion());
}

TEST(PackingGradients, PaddingGetsNoGradient) {
  Tensor x = Tensor::ones({3, 2}).set_requires_grad();
  PackedSequence packed = pack_padded_sequence(x, {3, 1});
  packed.data.backward(Tensor::full(packed.data.shape(), 2.0f));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 2, 2, 0, 2, 0}));
}

TEST(PackingErrors, LengthsAreChecked) {
  Tensor x = Tensor::zeros({3, 3, 1});
  expect_error<ValueError>(
      [&] {
        pack_padded_sequence(x, {1, 2, 3});
      },
      "`lengths` array must be sorted in decreasing order when "
      "`enforce_sorted` is True");
  expect_error<ValueError>([&] { pack_padded_sequence(x, {3, 2, 0}); }, "lengths[2] = 0");
  expect_error<ValueError>(
      [&] {
        pack_padded_sequence(x, {3, -1, 1}, false, false);
      },
      "must be > 0");
  expect_error<ValueError>(
      [&] {
        pack_padded_sequence(x, {4, 2, 1});
      },
      "lengths[0] = 4 exceeds the padded length 3");
  expect_error<ValueError>(
      [&] {
        pack_padded_sequence(Tensor::zeros({2, 3}), {3, 4}, true);
      },
      "lengths[1] = 4 exceeds the padded length 3");
  expect_error<ShapeError>(
      [&] {
        pack_padded_sequence(x, {3, 2});
      },
      "expected one length per sequence (batch size 3");
  expect_error<ShapeError>([&] { pack_padded_sequence(vec({1, 2}), {2}); }, "[T, B, *]");
  expect_error<ValueError>([&] { pack_padded_sequence(Tensor::zeros({3, 0}), {}); }, "empty batch");
}

TEST(PackingErrors, SequenceListsAreChecked) {
  expect_error<ValueError>([] { pad_sequence({}); }, "empty list of sequences");
  expect_error<ValueError>([] { pack_sequence({}); }, "empty list of sequences");
  expect_error<ShapeError>(
      [] {
        pad_sequence({Tensor::zeros({2, 3}), Tensor::zeros({2, 2})});
      },
      "sequences[1]: expected [L, 3]");
  expect_error<ShapeError>([] { pad_sequence({Tensor::scalar(1.0f)}); }, "got a scalar");
  expect_error<ValueError>([] { pack_sequence({vec({1}), Tensor::zeros({0})}); }, "must be > 0");
  expect_error<ValueError>([] { pack_sequence({vec({1}), vec({1, 2})}); }, "enforce_sorted");
}

TEST(PackingErrors, MalformedPackedSequencesAreRejected) {
  auto bad = [](PackedSequence p, const std::string& needle) {
    expect_error<Error>([&] { pad_packed_sequence(p); }, needle);
  };
  bad({Tensor::zeros({3}), {}, {}, {}}, "batch_sizes is empty");
  bad({Tensor::zeros({3}), {1, 2}, {}, {}}, "non-increasing");
  bad({Tensor::zeros({4}), {2, 1}, {}, {}}, "expected data [3, *]");
  bad({Tensor::zeros({3}), {2, 1}, {0, 1}, {}}, "inverse permutations");
  bad({Tensor::zeros({3}), {2, 1}, {0, 1}, {1, 0}}, "inverse permutations");
}

}  // namespace
}  // namespace recur
