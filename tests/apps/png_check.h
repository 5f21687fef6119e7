// Checks shared by the plot tests: a file is a real PNG of the expected size.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace recur::testing {

// Reads the file and checks the 8-byte PNG signature and the IHDR chunk's width and height.
inline void expect_png(const std::string& path, uint32_t width, uint32_t height) {
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 1000u) << "suspiciously small PNG";
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_TRUE(std::equal(signature, signature + 8, bytes.begin()));
  // The first chunk: 4-byte length 13, "IHDR", then width and height big-endian.
  EXPECT_EQ(std::string(bytes.begin() + 12, bytes.begin() + 16), "IHDR");
  auto be32 = [&](size_t at) {
    return uint32_t(bytes[at]) << 24 | uint32_t(bytes[at + 1]) << 16 |
           uint32_t(bytes[at + 2]) << 8 | uint32_t(bytes[at + 3]);
  };
  EXPECT_EQ(be32(16), width);
  EXPECT_EQ(be32(20), height);
}

}  // namespace recur::testing
