# oneDNN (the sgemm behind kernels::gemm, docs/BLAS.md), looked for on the machine that runs
# CMake: by recur's build (RecurBlas.cmake) and again by the installed package on the consumer's
# machine (recurConfig.cmake), as RecurOpenBLAS.cmake does for OpenBLAS. recur links it by name,
# as it does LAPACKE, so no path from the build machine ends up in the package.
find_path(RECUR_DNNL_INCLUDE oneapi/dnnl/dnnl.h)
find_library(RECUR_DNNL_LIBRARY dnnl)
