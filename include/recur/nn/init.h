// Parameter initialisers with PyTorch's torch.nn.init semantics (same distributions, same gains
// and fan rules). Each fills the tensor in place, without autograd, and returns it. Random ones
// take the Generator explicitly as their second argument, so a model built twice from the same
// seed gets the same weights (the bits differ from PyTorch's generator; the distributions match).
//
//   nn::init::kaiming_uniform_(weight, gen, std::sqrt(5.0f));  // Linear's default
//   nn::init::orthogonal_(w_hh, gen);
#pragma once

#include <string>

#include "recur/tensor/tensor.h"

namespace recur::nn::init {

enum class FanMode { FanIn, FanOut };

struct Fans {
  int64_t fan_in;
  int64_t fan_out;
};
// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field, where the receptive
// field is the product of the sizes after the first two. ValueError for fewer than 2 dims.
Fans calculate_fan_in_and_fan_out(const Tensor& t);

// The recommended gain for a nonlinearity: "linear", "conv1d", "sigmoid" -> 1, "tanh" -> 5/3,
// "relu" -> sqrt(2), "leaky_relu" -> sqrt(2 / (1 + param^2)), "selu" -> 3/4.
float calculate_gain(const std::string& nonlinearity, float param = 0.01f);

Tensor zeros_(Tensor t);
Tensor ones_(Tensor t);
Tensor constant_(Tensor t, float value);

// U(low, high).
Tensor uniform_(Tensor t, Generator& gen, float low = 0.0f, float high = 1.0f);
// N(mean, stddev^2).
Tensor normal_(Tensor t, Generator& gen, float mean = 0.0f, float stddev = 1.0f);

// U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).
Tensor kaiming_uniform_(Tensor t, Generator& gen, float a = 0.0f, FanMode mode = FanMode::FanIn,
                        const std::string& nonlinearity = "leaky_relu");
// N(0, std^2) with std = gain / sqrt(fan).
Tensor kaiming_normal_(Tensor t, Generator& gen, float a = 0.0f, FanMode mode = FanMode::FanIn,
                       const std::string& nonlinearity = "leaky_relu");
// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor t, Generator& gen, float gain = 1.0f);
// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor xavier_normal_(Tensor t, Generator& gen, float gain = 1.0f);
// A (semi-)orthogonal matrix, as PyTorch: the Q of the QR decomposition of a standard normal
// [rows, numel/rows] matrix (transposed when wider than tall), with R's diagonal made positive,
// times gain. Rows (or columns, whichever are fewer) come out orthonormal.
Tensor orthogonal_(Tensor t, Generator& gen, float gain = 1.0f);

}  // namespace recur::nn::init
