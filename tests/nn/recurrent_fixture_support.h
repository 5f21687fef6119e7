// Reading the PyTorch reference cases of tests/fixtures/rnn/ (written by
// tools/fixtures/make_rnn_fixtures.py) and comparing recur's results against them.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "recur/io/safetensors.h"
#include "recur/nn/recurrent_layer.h"
#include "test_support.h"

namespace recur::testing {

struct RnnCase {
  std::string name;
  nn::CellType cell;
  nn::RecurrentOptions options;
  std::string packed;  // "", "sorted" or "unsorted"
  bool init_state = false;
  TensorMap tensors;

  bool has(const std::string& key) const { return tensors.count(key) > 0; }
  const Tensor& get(const std::string& key) const { return tensors.at(key); }
  // The module's state_dict as PyTorch saved it ("param." prefix removed).
  TensorMap state_dict() const {
    TensorMap out;
    for (const auto& [k, v] : tensors) {
      if (k.rfind("param.", 0) == 0) out[k.substr(6)] = v;
    }
    return out;
  }
  // The variational dropout masks of a vd_* case (mask.input.<k>, mask.recurrent.<k>), or none.
  std::optional<nn::VariationalMasks> variational_masks() const {
    nn::VariationalMasks masks;
    for (size_t k = 0; has("mask.input." + std::to_string(k)); ++k) {
      masks.input.push_back(get("mask.input." + std::to_string(k)));
    }
    for (size_t k = 0; has("mask.recurrent." + std::to_string(k)); ++k) {
      masks.recurrent.push_back(get("mask.recurrent." + std::to_string(k)));
    }
    if (masks.input.empty() && masks.recurrent.empty()) return std::nullopt;
    return masks;
  }
};

inline std::vector<std::string> rnn_case_names() {
  std::ifstream in(fixture_path("rnn/cases.txt"));
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

inline RnnCase load_rnn_case(const std::string& name) {
  io::SafetensorsFile file = io::read_safetensors(fixture_path("rnn/" + name + ".safetensors"));
  const auto& m = file.metadata;
  auto flag = [&](const char* key) { return m.at(key) == "True"; };
  auto number = [&](const char* key) { return std::stoll(m.at(key)); };
  RnnCase c;
  c.name = name;
  c.cell = nn::parse_cell_type(m.at("cell"), fixture_path("rnn/" + name + ".safetensors"));
  c.options.input_size = number("input_size");
  c.options.hidden_size = number("hidden_size");
  c.options.num_layers = number("num_layers");
  c.options.bias = flag("bias");
  c.options.batch_first = flag("batch_first");
  c.options.bidirectional = flag("bidirectional");
  c.options.proj_size = number("proj_size");
  c.packed = m.at("packed");
  c.init_state = flag("init_state");
  c.tensors = std::move(file.tensors);
  return c;
}

inline std::vector<int64_t> as_indices(const Tensor& t) {
  std::vector<int64_t> out;
  for (float v : t.span()) out.push_back(static_cast<int64_t>(v));
  return out;
}

// |actual - expected| <= tol * max(1, |expected|) elementwise: relative, absolute near 0.
inline void expect_close(const Tensor& actual, const Tensor& expected, const std::string& what,
                         float tol = 1e-5f) {
  ASSERT_TRUE(actual.defined()) << what << " is undefined";
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  float worst = 0.0f;
  int64_t worst_at = -1;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    const float e = expected.data()[i];
    const float err = std::abs(actual.data()[i] - e) / std::max(1.0f, std::abs(e));
    if (!(err <= worst)) {
      worst = err;
      worst_at = i;
    }
  }
  EXPECT_LE(worst, tol) << what << ": worst element " << worst_at << " is "
                        << actual.data()[worst_at] << ", expected " << expected.data()[worst_at];
}

}  // namespace recur::testing
