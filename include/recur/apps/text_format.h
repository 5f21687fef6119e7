// Small formatting helpers the token jobs' pipelines share for their run folders and reports.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace recur::apps {

// `file` inside the folder `dir`.
inline std::string in_dir(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

// v with `digits` decimals, for reports ("0.853").
inline std::string fixed(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace recur::apps
