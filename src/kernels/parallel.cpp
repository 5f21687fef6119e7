#include "recur/kernels/parallel.h"

#include <omp.h>

#include <algorithm>

#include "blas_threads.h"

namespace recur::kernels {

// OpenMP's count drives our loops; the OpenMP build of OpenBLAS reads it too, but is told
// explicitly so that the BLAS count never lags behind (one pool, one number).
void set_num_threads(int n) {
  n = std::max(1, n);
  omp_set_num_threads(n);
  detail::set_blas_threads(n);
}

int num_threads() { return omp_get_max_threads(); }

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  const int64_t threads = omp_in_parallel() ? 1 : num_threads();
  const int64_t chunks = std::min<int64_t>(threads, n / std::max<int64_t>(grain, 1));
  if (chunks <= 1) {
    fn(begin, end);
    return;
  }
  // Static, equal chunks: which thread computes which range never depends on timing.
#pragma omp parallel for schedule(static) num_threads(static_cast <int>(chunks))
  for (int64_t c = 0; c < chunks; ++c) {
    fn(begin + n * c / chunks, begin + n * (c + 1) / chunks);
  }
}

}  // namespace recur::kernels
