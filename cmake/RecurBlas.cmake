# The BLAS behind kernels/gemm.cpp. Chosen by measurement (docs/BLAS.md): OpenBLAS, the
# OpenMP build, so that its threads are recur's one OpenMP pool (no second thread pool).
find_path(RECUR_CBLAS_INCLUDE cblas.h
  PATHS /usr/include/x86_64-linux-gnu/openblas-openmp /usr/include/openblas NO_DEFAULT_PATH)
find_library(RECUR_BLAS_LIBRARY NAMES openblas
  PATHS /usr/lib/x86_64-linux-gnu/openblas-openmp NO_DEFAULT_PATH)
if(NOT RECUR_CBLAS_INCLUDE OR NOT RECUR_BLAS_LIBRARY)
  message(FATAL_ERROR "OpenBLAS (OpenMP build) not found: apt-get install libopenblas-openmp-dev")
endif()
add_library(recur_blas INTERFACE)
target_include_directories(recur_blas INTERFACE $<BUILD_INTERFACE:${RECUR_CBLAS_INCLUDE}>)
target_link_libraries(recur_blas INTERFACE ${RECUR_BLAS_LIBRARY})
