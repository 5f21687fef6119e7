// Layer normalisation of one row at a time, the loops of the layer-normalised recurrent cells
// (Ba et al. 2016): a row's mean and 1 / sqrt(var + eps) (biased variance, as PyTorch's
// LayerNorm), the normalised row scaled by a gain and shifted by a bias (written or added), its
// backward through the normalisation, and the column sums over many rows that the gain and
// bias gradients are made of. Rows are contiguous floats of any length (one gate block of 64-2048
// units is the intended span); nothing allocates or starts threads. Like activations.h, every
// function is compiled for several SIMD targets and runs the best one the CPU supports
// (docs/KERNELS.md). Sums over a row are vectorised, so their order, and their last bits, depend on
// the target.
#pragma once

#include <cstdint>

namespace recur::kernels {

// Mean and 1 / sqrt(var + eps) of a row, the variance biased (divided by n).
struct RowMoments {
  float mean, rstd;
};

// The moments of x[0:n], n >= 1.
RowMoments row_moments(const float* x, int64_t n, float eps);

// x_hat = (x - m.mean) * m.rstd and y = x_hat * gain + bias over n floats. bias may be null
// (no shift); x_hat may be null (not kept: the forward pass of inference). y may alias x.
void layer_norm_row(const float* x, RowMoments m, const float* gain, const float* bias,
                    float* x_hat, float* y, int64_t n);
// The same, added to y: y += x_hat * gain + bias (two normalised products summed into one gate
// row). y must not alias x.
void layer_norm_row_add(const float* x, RowMoments m, const float* gain, const float* bias,
                        float* x_hat, float* y, int64_t n);

// The gradient of the normalisation, added to dx (which may hold other paths' gradients), from
// the gradient dy of layer_norm_row's y, the kept x_hat and m.rstd:
// dx += rstd * (g - mean(g) - x_hat * mean(g * x_hat)) with g = dy * gain.
void layer_norm_row_backward_add(const float* dy, const float* gain, const float* x_hat, float rstd,
                                 float* dx, int64_t n);

// Column sums over `rows` rows, all in one pass over the rows (a normalised cell's parameter
// gradients read the same rows several times): for each of the `count` sums,
// out[j] = sum_r a[r * lda + s.a + j] (* b[r * ldb + s.b + j] when s.b >= 0), j < s.width.
// A null out is skipped. The bias gradients are sums of dy, the gains' sums of dy * x_hat.
struct ColumnSum {
  int64_t a, b;  // column offsets into the rows of a and of b (b < 0: no factor)
  int64_t width;
  float* out;
};
void sum_columns(int64_t rows, const float* a, int64_t lda, const float* b, int64_t ldb,
                 const ColumnSum* sums, int64_t count);

}  // namespace recur::kernels
