#include "recur/io/safetensors.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "test_support.h"

namespace recur::io {
namespace {

using recur::testing::file_bytes;
using recur::testing::fixture_path;
using recur::testing::TempDir;

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Same shape and the same float32 bit patterns (so -0.0 and NaN payloads count too).
void expect_bitwise_equal(const Tensor& got, const Tensor& want, const std::string& name) {
  ASSERT_EQ(got.shape(), want.shape()) << name;
  for (int64_t i = 0; i < want.numel(); ++i) {
    EXPECT_EQ(std::bit_cast<uint32_t>(got.data()[i]), std::bit_cast<uint32_t>(want.data()[i]))
        << name << "[" << i << "]: " << got.data()[i] << " vs " << want.data()[i];
  }
}

TEST(Safetensors, RoundTripsF32TensorsAndMetadata) {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  TensorMap tensors{{"b", Tensor::from_vector({2, 3}, {1.5f, -2.0f, 3.25f, 0.0f, -0.0f, 1e-30f})},
                    {"a.weight", Tensor::from_vector({3}, {7.0f, 8.0f, 9.0f})},
                    {"scalar", Tensor::scalar(42.0f)},
                    {"empty", Tensor::zeros({0, 4})}};
  save_safetensors(path, tensors, {{"format", "pt"}, {"epoch", "3"}});

  SafetensorsFile file = read_safetensors(path);
  ASSERT_EQ(file.tensors.size(), tensors.size());
  for (const auto& [name, expected] : tensors) {
    expect_bitwise_equal(file.tensors.at(name), expected, name);
  }
  EXPECT_EQ(file.metadata, (std::map<std::string, std::string>{{"format", "pt"}, {"epoch", "3"}}));
  EXPECT_EQ(load_safetensors(path).size(), tensors.size());
}

TEST(Safetensors, SavesViewsWithTheirOwnElements) {
  TempDir dir;
  const std::string path = dir.file("view.safetensors");
  Tensor whole = Tensor::from_vector({3, 2}, {1, 2, 3, 4, 5, 6});
  save_safetensors(path, {{"middle", whole.row(1)}, {"tail", whole.rows(1, 3)}});
  TensorMap loaded = load_safetensors(path);
  EXPECT_EQ(loaded.at("middle").to_vector(), (std::vector<float>{3, 4}));
  EXPECT_EQ(loaded.at("tail").shape(), (Shape{2, 2}));
  EXPECT_EQ(loaded.at("tail").to_vector(), (std::vector<float>{3, 4, 5, 6}));
}

TEST(Safetensors, WritesTheReferenceLayout) {
  TempDir dir;
  const std::string path = dir.file("layout.safetensors");
  save_safetensors(path,
                   {{"y", Tensor::from_vector({2}, {1.0f, 2.0f})}, {"x", Tensor::scalar(3.0f)}},
                   {{"k", "v"}});
  const std::string bytes = file_bytes(path);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  EXPECT_EQ(header_size % 8, 0u);
  ASSERT_EQ(bytes.size(), 8 + header_size + 12);
  const std::string header = bytes.substr(8, header_size);
  // Metadata first, then tensors sorted by name with consecutive offsets, padded with spaces.
  const std::string json = R"({"__metadata__":{"k":"v"},)"
                           R"("x":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                           R"("y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  EXPECT_EQ(header, json + std::string(header_size - json.size(), ' '));
  float values[3];
  std::memcpy(values, bytes.data() + 8 + header_size, sizeof values);
  EXPECT_EQ(values[0], 3.0f);
  EXPECT_EQ(values[1], 1.0f);
  EXPECT_EQ(values[2], 2.0f);
}

TEST(Safetensors, EmptyMapIsTheReferenceEmptyFile) {
  TempDir dir;
  const std::string path = dir.file("empty.safetensors");
  save_safetensors(path, {});
  // The reference crate serializes an empty map to exactly these bytes.
  EXPECT_EQ(file_bytes(path), std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
  EXPECT_TRUE(load_safetensors(path).empty());
}

TEST(Safetensors, RejectsWhatItCannotWrite) {
  TempDir dir;
  const std::string path = dir.file("x.safetensors");
  EXPECT_THROW(save_safetensors(path, {{"__metadata__", Tensor::zeros({1})}}), IoError);
  EXPECT_THROW(save_safetensors(path, {{"undefined", Tensor()}}), IoError);
  EXPECT_THROW(save_safetensors(path, {{"bad\xff utf8", Tensor::zeros({1})}}), IoError);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "a temporary file was left behind";
}

TEST(Safetensors, FailedSaveLeavesTheTargetUntouched) {
  TempDir dir;
  const std::string path = dir.file("keep.safetensors");
  save_safetensors(path, {{"w", Tensor::ones({2})}});
  const std::string before = file_bytes(path);
  EXPECT_THROW(save_safetensors(path, {{"w", Tensor::zeros({2})}, {"u", Tensor()}}), IoError);
  EXPECT_EQ(file_bytes(path), before);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Safetensors, MissingFileAndDirectoryNameThePath) {
  const std::string missing = "/nonexistent/dir/w.safetensors";
  try {
    read_safetensors(missing);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  try {
    save_safetensors(missing, {});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  TempDir dir;
  EXPECT_THROW(read_safetensors(dir.path().string()), IoError);
}

// --- Files written by PyTorch (tools/fixtures/make_io_fixtures.py) ---------------------------

TEST(Safetensors, ReadsAPyTorchStateDict) {
  SafetensorsFile file = read_safetensors(fixture_path("io/lstm_f32.safetensors"));
  const std::map<std::string, Shape> expected_shapes{
      {"lstm.weight_ih_l0", {20, 3}}, {"lstm.weight_hh_l0", {20, 5}},
      {"lstm.bias_ih_l0", {20}},      {"lstm.bias_hh_l0", {20}},
      {"lstm.weight_ih_l1", {20, 5}}, {"lstm.weight_hh_l1", {20, 5}},
      {"lstm.bias_ih_l1", {20}},      {"lstm.bias_hh_l1", {20}},
      {"fc.weight", {1, 5}},          {"fc.bias", {1}}};
  ASSERT_EQ(file.tensors.size(), expected_shapes.size());
  for (const auto& [name, shape] : expected_shapes) {
    ASSERT_TRUE(file.tensors.contains(name)) << name;
    EXPECT_EQ(file.tensors.at(name).shape(), shape) << name;
  }
  // nn.LSTM initialises from U(-1/sqrt(hidden), 1/sqrt(hidden)).
  const float bound = 1.0f / std::sqrt(5.0f);
  for (float v : file.tensors.at("lstm.weight_hh_l1").span()) {
    EXPECT_LE(std::abs(v), bound);
  }
  EXPECT_EQ(file.metadata.at("format"), "pt");
  EXPECT_EQ(file.metadata.at("model"), "LSTM(3,5,2)+Linear(5,1)");
}

// The fixture script writes the reference layout too, so re-saving its file must reproduce it.
TEST(Safetensors, RewritesAPyTorchFileByteForByte) {
  TempDir dir;
  const std::string original = fixture_path("io/lstm_f32.safetensors");
  const std::string copy = dir.file("copy.safetensors");
  SafetensorsFile file = read_safetensors(original);
  save_safetensors(copy, file.tensors, file.metadata);
  EXPECT_EQ(file_bytes(copy), file_bytes(original));
}

class SafetensorsDType : public ::testing::TestWithParam<std::string> {};

// The fixture holds the state dict (and edge values) in another dtype; *_expected holds numpy's
// float32 widening of the same numbers, which recur must reproduce bit for bit.
TEST_P(SafetensorsDType, ConvertsToFloat32ExactlyAsNumpy) {
  const std::string dtype = GetParam();
  TensorMap got = load_safetensors(fixture_path("io/lstm_" + dtype + ".safetensors"));
  TensorMap want = load_safetensors(fixture_path("io/lstm_" + dtype + "_expected.safetensors"));
  ASSERT_EQ(got.size(), want.size());
  ASSERT_TRUE(got.contains("specials"));
  for (const auto& [name, tensor] : want) expect_bitwise_equal(got.at(name), tensor, name);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SafetensorsDType, ::testing::Values("f64", "f16", "bf16"));

TEST(Safetensors, F16SpecialValues) {
  TensorMap got = load_safetensors(fixture_path("io/lstm_f16.safetensors"));
  const Tensor& s = got.at("specials");
  ASSERT_EQ(s.numel(), 12);
  EXPECT_EQ(s.data()[0], 0.0f);
  EXPECT_TRUE(std::signbit(s.data()[1]));
  EXPECT_EQ(s.data()[2], std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(s.data()[3], -std::ldexp(1.0f, -24));
  EXPECT_EQ(s.data()[4], std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(s.data()[5], std::ldexp(1.0f, -14));     // smallest normal
  EXPECT_EQ(s.data()[6], 65504.0f);
  EXPECT_EQ(s.data()[8], INFINITY);
  EXPECT_EQ(s.data()[9], -INFINITY);
  EXPECT_TRUE(std::isnan(s.data()[10]));
}

// Every one of the 65536 half-precision bit patterns, against the compiler's own _Float16.
TEST(Safetensors, F16ConversionMatchesTheCompilerForEveryBitPattern) {
  TempDir dir;
  const std::string path = dir.file("all_f16.safetensors");
  std::string json = R"({"all":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]}})";
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string bytes(8, '\0');
  const uint64_t size = json.size();
  std::memcpy(bytes.data(), &size, 8);
  bytes += json;
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    bytes += static_cast<char>(bits & 0xff);
    bytes += static_cast<char>(bits >> 8);
  }
  write_bytes(path, bytes);
  const Tensor all = load_safetensors(path).at("all");
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    const float want = static_cast<float>(std::bit_cast<_Float16>(static_cast<uint16_t>(bits)));
    const float got = all.data()[bits];
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << bits;
    } else {
      ASSERT_EQ(std::bit_cast<uint32_t>(got), std::bit_cast<uint32_t>(want)) << "bits " << bits;
    }
  }
}

}  // namespace
}  // namespace recur::io
