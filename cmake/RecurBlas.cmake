# The third-party code behind the kernels layer, as the INTERFACE target recur_blas.
#
# Matrix products: oneDNN's sgemm for two or more rows, OpenBLAS's sgemv for one, each where it
# measured fastest (docs/BLAS.md; src/kernels/gemm.cpp is the one file that calls them). Both are
# OpenMP builds, so their threads are recur's one OpenMP pool (no second pool of spinning
# threads). They are found by cmake/RecurOpenBLAS.cmake and cmake/RecurOneDNN.cmake, which the
# installed package runs again on the consumer's machine; cblas.h and dnnl.h are needed only
# here, to compile src/kernels/.
include(${CMAKE_CURRENT_LIST_DIR}/RecurOpenBLAS.cmake)
find_path(RECUR_CBLAS_INCLUDE cblas.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp ${RECUR_OPENBLAS_PC_INCLUDE_DIRS}
        /usr/include/openblas NO_DEFAULT_PATH)
if(NOT RECUR_CBLAS_INCLUDE OR NOT TARGET recur::openblas)
  message(FATAL_ERROR "OpenBLAS not found: apt-get install libopenblas-openmp-dev (its OpenMP "
                      "build, docs/BLAS.md), or set RECUR_BLAS_LIBRARY and RECUR_CBLAS_INCLUDE")
endif()

include(${CMAKE_CURRENT_LIST_DIR}/RecurOneDNN.cmake)
if(NOT RECUR_DNNL_INCLUDE OR NOT RECUR_DNNL_LIBRARY)
  message(FATAL_ERROR "oneDNN not found: apt-get install libdnnl-dev (docs/BLAS.md)")
endif()

# SIMD math for the kernels: Highway with dynamic dispatch (docs/KERNELS.md); the library links
# libhwy for its CPU detection (CMakeLists.txt); only src/kernels/ includes it.
find_path(RECUR_HWY_INCLUDE hwy/highway.h)
if(NOT RECUR_HWY_INCLUDE)
  message(FATAL_ERROR "Highway not found: apt-get install libhwy-dev")
endif()

add_library(recur_blas INTERFACE)
target_include_directories(recur_blas INTERFACE
  $<BUILD_INTERFACE:${RECUR_CBLAS_INCLUDE}> $<BUILD_INTERFACE:${RECUR_HWY_INCLUDE}>
  $<BUILD_INTERFACE:${RECUR_DNNL_INCLUDE}>)
target_link_libraries(recur_blas INTERFACE recur::openblas dnnl)
