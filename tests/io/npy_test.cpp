#include "recur/io/npy.h"

#include <gtest/gtest.h>

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

std::vector<float> grid_values() {  // make_io_fixtures.py: arange(24) * 0.5 - 3
  std::vector<float> values;
  for (int i = 0; i < 24; ++i) values.push_back(static_cast<float>(i) * 0.5f - 3.0f);
  return values;
}

class NpyVersion : public ::testing::TestWithParam<std::string> {};

TEST_P(NpyVersion, ReadsFloat32Grid) {
  Tensor t = read_npy(fixture_path("io/npy_f4_" + GetParam() + ".npy"));
  EXPECT_EQ(t.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(t.to_vector(), grid_values());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NpyVersion, ::testing::Values("v1", "v2", "v3"));

TEST(Npy, ReadsFloat64RoundedToFloat32) {
  Tensor t = read_npy(fixture_path("io/npy_f8_v1.npy"));
  EXPECT_EQ(t.to_vector(), (std::vector<float>{0.1f, -2.5f, INFINITY, 0.0f}));
}

TEST(Npy, ReadsInt64Exactly) {
  Int64Array a = read_npy_int64(fixture_path("io/npy_i8_v1.npy"));
  EXPECT_EQ(a.shape, (Shape{2, 3}));
  EXPECT_EQ(a.values,
            (std::vector<int64_t>{INT64_MIN, -1, 0, 1, (int64_t{1} << 53) + 1, INT64_MAX}));
}

TEST(Npy, ReadsSmallerIntegersAndBooleans) {
  Int64Array i4 = read_npy_int64(fixture_path("io/npy_i4_v2.npy"));
  EXPECT_EQ(i4.values, (std::vector<int64_t>{INT32_MIN, -7, 0, INT32_MAX}));
  Int64Array u1 = read_npy_int64(fixture_path("io/npy_u1_v1.npy"));
  EXPECT_EQ(u1.values, (std::vector<int64_t>{0, 1, 127, 255}));
  Int64Array b1 = read_npy_int64(fixture_path("io/npy_b1_v1.npy"));
  EXPECT_EQ(b1.shape, (Shape{2, 2}));
  EXPECT_EQ(b1.values, (std::vector<int64_t>{1, 0, 0, 1}));
  // read_npy converts integers to float32.
  EXPECT_EQ(read_npy(fixture_path("io/npy_u1_v1.npy")).to_vector(),
            (std::vector<float>{0, 1, 127, 255}));
  EXPECT_EQ(read_npy(fixture_path("io/npy_b1_v1.npy")).to_vector(),
            (std::vector<float>{1, 0, 0, 1}));
}

TEST(Npy, ReadsScalarsAndEmptyArrays) {
  Tensor scalar = read_npy(fixture_path("io/npy_scalar_v1.npy"));
  EXPECT_EQ(scalar.dim(), 0);
  EXPECT_EQ(scalar.item(), 2.5f);
  Tensor empty = read_npy(fixture_path("io/npy_empty_v1.npy"));
  EXPECT_EQ(empty.shape(), (Shape{0, 3}));
}

TEST(Npy, Int64ReaderRejectsFloats) {
  const std::string path = fixture_path("io/npy_f4_v1.npy");
  try {
    read_npy_int64(path);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("<f4"), std::string::npos) << e.what();
  }
}

TEST(Npy, RoundTripsFloat32WithAnAlignedVersion1Header) {
  TempDir dir;
  for (const Shape& shape : {Shape{}, Shape{5}, Shape{2, 3, 4}, Shape{0, 2}}) {
    const std::string path = dir.file("t.npy");
    Tensor t = Tensor::arange(shape_numel(shape)).view(shape);
    write_npy(path, t);
    const std::string bytes = file_bytes(path);
    ASSERT_GE(bytes.size(), 10u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    uint16_t header_size = 0;
    std::memcpy(&header_size, bytes.data() + 8, 2);
    EXPECT_EQ((10 + header_size) % 64, 0u) << shape_str(shape);
    EXPECT_EQ(bytes[10 + header_size - 1], '\n');
    EXPECT_EQ(bytes.size(), 10u + header_size + 4 * t.numel());
    Tensor back = read_npy(path);
    EXPECT_EQ(back.shape(), shape);
    EXPECT_EQ(back.to_vector(), t.to_vector());
  }
}

// numpy 1.24 wrote the fixture with np.lib.format.write_array(version=(1, 0)).
TEST(Npy, WritesTheBytesNumpyWrites) {
  TempDir dir;
  const std::string path = dir.file("grid.npy");
  write_npy(path, Tensor::from_vector({2, 3, 4}, grid_values()));
  EXPECT_EQ(file_bytes(path), file_bytes(fixture_path("io/npy_f4_v1.npy")));
  write_npy(path, Tensor::scalar(2.5f));
  EXPECT_EQ(file_bytes(path), file_bytes(fixture_path("io/npy_scalar_v1.npy")));
  write_npy(path, Tensor::zeros({0, 3}));
  EXPECT_EQ(file_bytes(path), file_bytes(fixture_path("io/npy_empty_v1.npy")));
}

TEST(Npy, RoundTripsInt64) {
  TempDir dir;
  const std::string path = dir.file("i.npy");
  Int64Array a{.values = {INT64_MIN, 0, INT64_MAX, -3, 4, 5}, .shape = {3, 2}};
  write_npy_int64(path, a);
  Int64Array back = read_npy_int64(path);
  EXPECT_EQ(back.values, a.values);
  EXPECT_EQ(back.shape, a.shape);
}

TEST(Npy, WriteChecksItsArguments) {
  TempDir dir;
  EXPECT_THROW(write_npy_int64(dir.file("x.npy"), {.values = {1, 2}, .shape = {3}}), ShapeError);
  EXPECT_THROW(write_npy(dir.file("y.npy"), Tensor()), ValueError);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_THROW(write_npy("/nonexistent_recur_dir/z.npy", Tensor::zeros({1})), IoError);
}

}  // namespace
}  // namespace recur::io
