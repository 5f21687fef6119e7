# The MPI backend for data-parallel training (src/distributed/, docs/DISTRIBUTED.md) as its own
# static library, recur_distributed, so that librecur and its installed package never depend on
# MPI. RECUR_MPI: AUTO builds it with MPI when CMake finds MPI, ON requires MPI, OFF never uses
# it. Without MPI the library still builds: its MpiSession is then a single process, and refuses
# to run under an MPI launcher rather than train N unconnected copies.
set(RECUR_MPI AUTO CACHE STRING "Data-parallel training over MPI: AUTO, ON or OFF")
set_property(CACHE RECUR_MPI PROPERTY STRINGS AUTO ON OFF)

set(RECUR_HAVE_MPI OFF)
if(NOT RECUR_MPI STREQUAL "OFF")
  if(RECUR_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI QUIET COMPONENTS CXX)
  endif()
  if(MPI_CXX_FOUND)
    set(RECUR_HAVE_MPI ON)
  endif()
endif()
message(STATUS "recur: data-parallel training over MPI: ${RECUR_HAVE_MPI}")

file(GLOB RECUR_DISTRIBUTED_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/distributed/*.cpp)
add_library(recur_distributed STATIC ${RECUR_DISTRIBUTED_SOURCES})
target_compile_options(recur_distributed PRIVATE ${RECUR_WARNINGS} ${RECUR_ARCH_FLAGS})
target_link_libraries(recur_distributed PUBLIC recur)
if(RECUR_HAVE_MPI)
  target_link_libraries(recur_distributed PRIVATE MPI::MPI_CXX)
  target_compile_definitions(recur_distributed PRIVATE RECUR_HAVE_MPI)
endif()
