// recur's threading model: ONE pool, OpenMP's. The BLAS is the OpenMP build of the library and
// so runs on the same pool; no second pool of spinning threads competes for the cores (mixing
// them made PyTorch 3-8x slower on 2 cores). Work is split statically by index ranges, so a
// result never depends on timing.
#pragma once

#include <cstdint>
#include <functional>

namespace recur::kernels {

// Threads used by recur's parallel loops and the BLAS (default: OMP_NUM_THREADS or all cores).
void set_num_threads(int n);
int num_threads();

// Calls fn(begin, end) on disjoint chunks covering [begin, end), in parallel when the range
// holds at least 2 * grain items and we are not already inside a parallel region. Chunks are a
// fixed function of (begin, end, grain, num_threads()).
void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn);

}  // namespace recur::kernels
