// Files C++ writes for Python to read back. The contents are fixed here and in
// cpp_written_expectation() of tools/fixtures/make_io_fixtures.py. Committed copies live in
// tests/fixtures/io/cpp_written*; the test checks that recur still writes them byte for byte.
// To re-run the Python side (needs torch, so not in CI):
//   RECUR_IO_WRITE_DIR=build-io ./build-io/tests/test_io --gtest_filter='PythonReadBack.*'
//   /usr/bin/python3 tools/fixtures/make_io_fixtures.py --check build-io/cpp_written.safetensors
//       build-io/cpp_written_f32.npy build-io/cpp_written_i64.npy
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "recur/io/npy.h"
#include "recur/io/safetensors.h"
#include "test_support.h"

namespace recur::io {
namespace {

using recur::testing::fixture_path;
using recur::testing::TempDir;

Tensor weight() {  // arange(12) * 0.25 - 1.25, shape [3, 4]
  std::vector<float> values;
  for (int i = 0; i < 12; ++i) values.push_back(static_cast<float>(i) * 0.25f - 1.25f);
  return Tensor::from_vector({3, 4}, values);
}

TensorMap tensors() {
  return {{"weight", weight()},
          {"bias",
           Tensor::from_vector({6}, {1e-8f, -0.0f, 3.4028235e38f, 1.17549435e-38f, 1e-45f, -7.5f})},
          {"scalar", Tensor::scalar(42.5f)},
          {"empty", Tensor::zeros({0, 3})}};
}

const std::map<std::string, std::string> kMetadata{{"writer", "recur"},
                                                   {"note", "unicode \xc3\xbc \xe2\x9c\x93"}};

const Int64Array kIntegers{.values = {INT64_MIN, 0, (int64_t{1} << 53) + 1, INT64_MAX, -1, 7},
                           .shape = {2, 3}};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& dir) {
  save_safetensors(dir + "/cpp_written.safetensors", tensors(), kMetadata);
  write_npy(dir + "/cpp_written_f32.npy", weight());
  write_npy_int64(dir + "/cpp_written_i64.npy", kIntegers);
}

TEST(PythonReadBack, WritesTheFilesTheScriptChecks) {
  TempDir temp;
  const char* requested = std::getenv("RECUR_IO_WRITE_DIR");
  const std::string dir = requested ? requested : temp.path().string();
  write_all(dir);
  for (const char* name :
       {"cpp_written.safetensors", "cpp_written_f32.npy", "cpp_written_i64.npy"}) {
    EXPECT_EQ(file_bytes(dir + "/" + name), file_bytes(fixture_path(std::string("io/") + name)))
        << name << " differs from the committed copy the Python script verified";
  }
  // And recur reads its own files back.
  SafetensorsFile file = read_safetensors(dir + "/cpp_written.safetensors");
  EXPECT_EQ(file.metadata, kMetadata);
  for (const auto& [name, tensor] : tensors()) {
    EXPECT_EQ(file.tensors.at(name).shape(), tensor.shape()) << name;
  }
  EXPECT_EQ(read_npy_int64(dir + "/cpp_written_i64.npy").values, kIntegers.values);
}

}  // namespace
}  // namespace recur::io
