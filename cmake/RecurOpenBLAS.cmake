# OpenBLAS as the imported target recur::openblas, looked for on the machine that runs CMake.
# recur's own build includes this file and so does the installed recurConfig.cmake: a consumer's
# find_package(recur) links the OpenBLAS of ITS machine instead of a path baked in where recur
# was built.
#
# The OpenMP build of OpenBLAS comes first (docs/BLAS.md: its threads are recur's one OpenMP
# pool): Debian installs it in <libdir>/openblas-openmp beside the pthread build, while the
# plain libopenblas.so is whichever of the two update-alternatives chose. Elsewhere
# pkg-config's `openblas` module says where OpenBLAS is, then the linker's default paths.
# RECUR_BLAS_LIBRARY (a cache variable) overrides the search.
if(TARGET recur::openblas)
  return()
endif()

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(RECUR_OPENBLAS_PC QUIET openblas)
endif()
find_library(RECUR_BLAS_LIBRARY NAMES openblas
  HINTS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp ${RECUR_OPENBLAS_PC_LIBRARY_DIRS})
if(RECUR_BLAS_LIBRARY)
  add_library(recur::openblas INTERFACE IMPORTED)
  set_target_properties(recur::openblas PROPERTIES INTERFACE_LINK_LIBRARIES "${RECUR_BLAS_LIBRARY}")
endif()
