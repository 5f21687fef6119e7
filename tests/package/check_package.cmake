# The installed package works on a machine other than the one recur was built on: installs the
# build into a fresh prefix, checks that no installed CMake or pkg-config file names a path of
# this machine (the OpenBLAS library, include folders, the source and build trees), then
# configures, builds and runs tests/package/consumer against the prefix with find_package(recur),
# and asks pkg-config for recur's link line.
#
#   cmake -DRECUR_BINARY_DIR=... -DRECUR_SOURCE_DIR=... -DWORK_DIR=... -DLIBDIR=lib
#         -DGENERATOR=Ninja -DMAKE_PROGRAM=... -DCXX_COMPILER=... -DFORBIDDEN="a|b" -P check_package.cmake
cmake_minimum_required(VERSION 3.25)

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

string(REPLACE "|" ";" FORBIDDEN "${FORBIDDEN}")  # passed joined by |: add_test splits lists
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
run_step("cmake --install ${RECUR_BINARY_DIR}"
         ${CMAKE_COMMAND} --install ${RECUR_BINARY_DIR} --prefix ${prefix})

file(GLOB installed ${prefix}/${LIBDIR}/cmake/recur/*.cmake ${prefix}/${LIBDIR}/pkgconfig/recur.pc)
list(LENGTH installed count)
if(count LESS 4)
  message(FATAL_ERROR "expected recurConfig, recurTargets and recur.pc in ${prefix}, found: ${installed}")
endif()
foreach(file IN LISTS installed)
  file(READ ${file} text)
  foreach(path IN LISTS FORBIDDEN)
    string(FIND "${text}" "${path}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${file} names ${path}, a path of the machine recur was built on")
    endif()
  endforeach()
endforeach()

set(consumer ${WORK_DIR}/consumer)
run_step("configuring tests/package/consumer against ${prefix}"
         ${CMAKE_COMMAND} -S ${RECUR_SOURCE_DIR}/tests/package/consumer -B ${consumer}
         -G ${GENERATOR} -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
         -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
file(STRINGS ${consumer}/CMakeCache.txt found REGEX "^recur_DIR:")
if(NOT found STREQUAL "recur_DIR:PATH=${prefix}/${LIBDIR}/cmake/recur")
  message(FATAL_ERROR "the consumer found another recur package: ${found}")
endif()
run_step("building the consumer" ${CMAKE_COMMAND} --build ${consumer})
run_step("running the consumer" ${consumer}/consumer)
message(STATUS "${step_output}")

find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} ${prefix}/${LIBDIR}/pkgconfig)
  run_step("pkg-config --libs recur" ${PKG_CONFIG} --libs recur)
  if(NOT step_output MATCHES "-lrecur" OR NOT step_output MATCHES "-lopenblas")
    message(FATAL_ERROR "pkg-config --libs recur lacks -lrecur or -lopenblas: ${step_output}")
  endif()
endif()
