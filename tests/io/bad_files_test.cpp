// The committed corpus of broken files (tests/fixtures/io/bad/, written by
// tools/fixtures/make_io_fixtures.py): each must fail with an IoError naming the file and the
// fault. Then random corruptions of valid files: they must load or throw IoError, never crash
// (CI runs this under ASan/UBSan).
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "recur/io/npy.h"
#include "recur/io/safetensors.h"
#include "test_support.h"

namespace recur::io {
namespace {

using recur::testing::fixture_path;
using recur::testing::TempDir;

struct BadFile {
  const char* name;
  const char* fault;  // must appear in the message
};

const BadFile kBadFiles[] = {
    {"empty_file.safetensors", "truncated header"},
    {"truncated_header.safetensors", "truncated header"},
    {"header_len_past_eof.safetensors", "header length 4096 past end of file"},
    {"header_len_absurd.safetensors", "is absurd"},
    {"bad_json.safetensors", "invalid JSON header"},
    {"invalid_utf8_header.safetensors", "invalid JSON header"},
    {"header_not_object.safetensors", "JSON header must be an object"},
    {"tensor_not_object.safetensors", "tensor \"a\": expected an object"},
    {"missing_dtype.safetensors", "tensor \"a\": missing \"dtype\""},
    {"missing_shape.safetensors", "tensor \"a\": missing \"shape\""},
    {"missing_data_offsets.safetensors", "tensor \"a\": missing \"data_offsets\""},
    {"dtype_not_string.safetensors", "tensor \"a\": \"dtype\" must be a string"},
    {"unknown_dtype.safetensors", "tensor \"a\": unsupported dtype \"F128\""},
    {"shape_not_array.safetensors", "tensor \"a\": \"shape\" must be an array"},
    {"negative_dim.safetensors", "tensor \"a\": shape dimension must not be negative"},
    {"float_dim.safetensors", "tensor \"a\": shape dimension must be a non-negative integer"},
    {"absurd_dims.safetensors", "tensor \"a\": shape [1099511627776, 1099511627776] has absurdly"},
    {"offsets_wrong_arity.safetensors", "tensor \"a\": \"data_offsets\" must be an array [begin"},
    {"offsets_reversed.safetensors", "tensor \"a\": data_offsets [8, 0] has begin > end"},
    {"negative_offset.safetensors", "tensor \"a\": data_offsets begin must not be negative"},
    {"out_of_range_offsets.safetensors", "tensor \"b\": data_offsets [8, 2000] out of range"},
    {"dtype_size_mismatch.safetensors", "tensor \"a\": data_offsets [0, 8] span 8 bytes, but"},
    {"overlapping_offsets.safetensors",
     "tensor \"b\": data_offsets [4, 16] overlapping tensor \"a\""},
    {"hole_between_tensors.safetensors", "tensor \"b\": data_offsets [12, 24] leave a hole"},
    {"trailing_data.safetensors", "4 trailing bytes"},
    {"duplicate_key.safetensors", "duplicate key \"a\""},
    {"metadata_not_string.safetensors", "\"__metadata__\" value for \"epoch\" must be a string"},
    {"metadata_not_object.safetensors", "\"__metadata__\" must be an object"},
    {"npy_bad_magic.npy", "bad magic"},
    {"npy_bad_version.npy", "format version 9.0"},
    {"npy_truncated_header.npy", "truncated header"},
    {"npy_header_len_past_eof.npy", "header length 4000 past end of file"},
    {"npy_truncated.npy", "truncated data"},
    {"npy_trailing_bytes.npy", "4 trailing bytes"},
    {"npy_fortran.npy", "fortran_order"},
    {"npy_big_endian.npy", "big-endian"},
    {"npy_object.npy", "object arrays"},
    {"npy_structured.npy", "structured dtype"},
    {"npy_unsupported_dtype.npy", "unsupported dtype '<c8'"},
    {"npy_malformed_header.npy", "malformed .npy header"},
    {"npy_missing_key.npy", "missing 'shape'"},
    {"npy_extra_key.npy", "keys other than"},
    {"npy_negative_dim.npy", "non-negative integer dimension"},
    {"npy_absurd_shape.npy", "is absurd"},
    {"npy_descr_not_string.npy", "'descr' must be a string"},
};

bool is_npy(const std::string& name) { return name.ends_with(".npy"); }

void read_any(const std::string& path) {
  if (is_npy(path)) {
    read_npy(path);
  } else {
    read_safetensors(path);
  }
}

class BadFiles : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFiles, ThrowIoErrorNamingFileAndFault) {
  const std::string path = fixture_path(std::string("io/bad/") + GetParam().name);
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  try {
    read_any(path);
    FAIL() << path << " loaded without error";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(GetParam().fault), std::string::npos)
        << "expected \"" << GetParam().fault << "\" in: " << message;
  }
  if (is_npy(path)) {
    EXPECT_THROW(read_npy_int64(path), IoError);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadFiles, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& info) {
                           std::string name = info.param.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// A file added to the corpus without an entry in the table would go untested.
TEST(BadFilesCorpus, EveryFileIsInTheTable) {
  std::set<std::string> listed;
  for (const BadFile& bad : kBadFiles) listed.insert(bad.name);
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixture_path("io/bad"))) {
    EXPECT_TRUE(listed.contains(entry.path().filename().string())) << entry.path();
    ++count;
  }
  EXPECT_EQ(count, listed.size());
}

// --- Random corruption ------------------------------------------------------------------------

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One random corruption: byte flips (mostly in the header, where parsing happens), a truncation,
// or a duplicated span.
std::string corrupt(const std::string& good, size_t header_end, std::mt19937& rng) {
  std::string bytes = good;
  auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  switch (pick(4)) {
    case 0:
    case 1: {
      const size_t flips = 1 + pick(4);
      for (size_t i = 0; i < flips; ++i) {
        const size_t at = pick(4) == 0 ? pick(bytes.size()) : pick(header_end);
        bytes[at] = static_cast<char>(pick(2) == 0 ? bytes[at] ^ (1 << pick(8)) : pick(256));
      }
      break;
    }
    case 2:
      bytes.resize(pick(bytes.size()));
      break;
    default: {
      const size_t at = pick(bytes.size());
      bytes.insert(at, bytes.substr(pick(bytes.size()), 1 + pick(16)));
      break;
    }
  }
  return bytes;
}

void fuzz(const std::string& fixture, size_t header_end, void (*read)(const std::string&)) {
  TempDir dir;
  const std::string good = file_bytes(fixture_path(fixture));
  ASSERT_GT(good.size(), header_end);
  const std::string path = dir.file("fuzzed");
  std::mt19937 rng(1234);
  int loaded = 0, rejected = 0;
  for (int i = 0; i < 400; ++i) {  // bounded: each round trips through the file system
    std::ofstream(path, std::ios::binary | std::ios::trunc) << corrupt(good, header_end, rng);
    try {
      read(path);
      ++loaded;
    } catch (const IoError&) {
      ++rejected;
    }  // any other exception escapes and fails the test; a crash fails it under ASan
  }
  EXPECT_GT(rejected, 130) << "corruptions should mostly be caught (loaded " << loaded << ")";
}

TEST(Fuzz, CorruptSafetensorsLoadsOrThrowsIoError) {
  fuzz("io/lstm_f16.safetensors", 600, [](const std::string& p) { read_safetensors(p); });
}

TEST(Fuzz, CorruptNpyLoadsOrThrowsIoError) {
  fuzz("io/npy_f4_v1.npy", 128, [](const std::string& p) { read_npy(p); });
  fuzz("io/npy_i8_v1.npy", 128, [](const std::string& p) { read_npy_int64(p); });
}

}  // namespace
}  // namespace recur::io
