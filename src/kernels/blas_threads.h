// Internal to the kernels layer: tells the BLAS behind gemm.cpp how many threads to use, so
// that parallel.cpp's set_num_threads() drives recur's loops and the BLAS together.
#pragma once

namespace recur::kernels::detail {

void set_blas_threads(int n);

}  // namespace recur::kernels::detail
