# The third-party code behind the kernels layer, as the INTERFACE target recur_blas.
#
# BLAS: OpenBLAS, its OpenMP build, chosen by measurement (docs/BLAS.md). Being the OpenMP
# build, its threads are recur's one OpenMP pool (no second pool of spinning threads).
find_path(RECUR_CBLAS_INCLUDE cblas.h
  PATHS /usr/include/x86_64-linux-gnu/openblas-openmp /usr/include/openblas NO_DEFAULT_PATH)
find_library(RECUR_BLAS_LIBRARY NAMES openblas
  PATHS /usr/lib/x86_64-linux-gnu/openblas-openmp NO_DEFAULT_PATH)
if(NOT RECUR_CBLAS_INCLUDE OR NOT RECUR_BLAS_LIBRARY)
  message(FATAL_ERROR "OpenBLAS (OpenMP build) not found: apt-get install libopenblas-openmp-dev")
endif()

# SIMD math for the elementwise kernels: Highway, used header-only with static dispatch
# (docs/KERNELS.md), so nothing is linked; only src/kernels/ includes it.
find_path(RECUR_HWY_INCLUDE hwy/highway.h)
if(NOT RECUR_HWY_INCLUDE)
  message(FATAL_ERROR "Highway not found: apt-get install libhwy-dev")
endif()

add_library(recur_blas INTERFACE)
target_include_directories(recur_blas INTERFACE
  $<BUILD_INTERFACE:${RECUR_CBLAS_INCLUDE}> $<BUILD_INTERFACE:${RECUR_HWY_INCLUDE}>)
target_link_libraries(recur_blas INTERFACE ${RECUR_BLAS_LIBRARY})
