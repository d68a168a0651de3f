# BLAS for GEMM: Debian's OpenBLAS, pthread build run on one thread, linked by its own path.
#
# Debian ships OpenBLAS in three builds (serial, pthread, openmp) behind update-alternatives, and
# /usr/lib/<arch>/libopenblas.so is whichever the machine's administrator (or the last package
# installed) selected. A threaded BLAS runs its own threads beside ember's pool and the two fight
# on few cores (docs/PERFORMANCE.md). So ember links the pthread build explicitly, whatever the
# alternatives say, sets it to one thread (blas_setup.cpp) and splits large products across its own
# pool (src/kernels/cpu/gemm.cpp). Not the serial build: it is not safe to call from several
# threads at once (its buffer allocator takes no lock; concurrent calls gave wrong results).
# The library's directory goes into the run path so that the loader, too, ignores the alternatives
# (libopenblas.so.0 is the soname of all three builds).
#
# `ember_blas` is an internal interface target; src/kernels/cpu/gemm.cpp and blas_setup.cpp are
# its only users. Override with -DEMBER_BLAS_LIBRARY=/path/libopenblas.so and
# -DEMBER_BLAS_INCLUDE_DIR=/dir/with/cblas.h for another CBLAS (it must be safe to call from several threads).
set(_ember_blas_dir /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-pthread)
find_library(EMBER_BLAS_LIBRARY NAMES openblas PATHS ${_ember_blas_dir} NO_DEFAULT_PATH)
find_path(EMBER_BLAS_INCLUDE_DIR cblas.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-pthread NO_DEFAULT_PATH)
if(NOT EMBER_BLAS_LIBRARY OR NOT EMBER_BLAS_INCLUDE_DIR)
  message(FATAL_ERROR "ember: the pthread build of OpenBLAS was not found under ${_ember_blas_dir}; "
    "run scripts/install-deps.sh (Debian package libopenblas-pthread-dev) or pass "
    "-DEMBER_BLAS_LIBRARY and -DEMBER_BLAS_INCLUDE_DIR.")
endif()
get_filename_component(EMBER_OPENBLAS_DIR ${EMBER_BLAS_LIBRARY} DIRECTORY)
add_library(ember_blas INTERFACE)
target_include_directories(ember_blas INTERFACE $<BUILD_INTERFACE:${EMBER_BLAS_INCLUDE_DIR}>)
target_link_libraries(ember_blas INTERFACE ${EMBER_BLAS_LIBRARY})
# The run path makes every program that links ember load this build (CMake adds the directory
# of a full-path library to build-tree run paths itself; installed programs need it explicitly).
target_link_options(ember_blas INTERFACE "LINKER:-rpath,${EMBER_OPENBLAS_DIR}")
