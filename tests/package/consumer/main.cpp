// Uses the installed recur the way the README's first example does: an LSTM forward pass, whose
// input projection is an OpenBLAS GEMM, so a package that lost its BLAS link fails to link here.
// Exits non-zero if the output is not [T, B, 2H] or not finite.
#include <cmath>
#include <cstdio>

#include "recur/nn/lstm.h"
#include "recur/tensor/random.h"

int main() {
  using namespace recur;
  manual_seed(0);
  nn::LSTM lstm({.input_size = 3, .hidden_size = 16, .num_layers = 2, .bidirectional = true});
  const Tensor x = Tensor::normal({5, 4, 3});
  auto [y, h_n, c_n] = lstm.forward(x);
  const bool shape_ok = y.shape() == Shape{5, 4, 32} && h_n.shape() == Shape{4, 4, 16};
  double sum = 0.0;
  for (float v : y.span()) sum += std::fabs(v);
  std::printf("consumer: y [%lld, %lld, %lld], sum |y| = %.6f\n",
              static_cast<long long>(y.shape()[0]), static_cast<long long>(y.shape()[1]),
              static_cast<long long>(y.shape()[2]), sum);
  return shape_ok && std::isfinite(sum) && sum > 0.0 ? 0 : 1;
}
