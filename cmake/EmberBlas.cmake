# BLAS for GEMM: Debian's OpenBLAS (OpenMP build, so BLAS and ember share one thread pool).
# `ember_blas` is an internal interface target; src/kernels/cpu/gemm.cpp and blas_setup.cpp are
# its only users. They need nothing beyond standard CBLAS at link time: the OpenBLAS extras that
# blas_setup.cpp uses to pick AVX-512 kernels are weak symbols, resolved at run time if present.
find_path(EMBER_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas REQUIRED)
find_library(EMBER_OPENBLAS_LIB NAMES openblas REQUIRED)
add_library(ember_blas INTERFACE)
target_include_directories(ember_blas INTERFACE ${EMBER_CBLAS_INCLUDE})
target_link_libraries(ember_blas INTERFACE ${EMBER_OPENBLAS_LIB})

# Debian ships OpenBLAS in three builds behind update-alternatives. The pthread build runs its own
# threads beside ember's OpenMP threads: on few cores they fight (see docs/PERFORMANCE.md).
file(REAL_PATH ${EMBER_OPENBLAS_LIB} _ember_openblas_real)
if(_ember_openblas_real MATCHES "openblas-pthread")
  message(WARNING "ember: ${EMBER_OPENBLAS_LIB} is the pthread build of OpenBLAS; its threads "
    "will compete with ember's OpenMP threads. Install libopenblas-openmp-dev or select it with "
    "`update-alternatives --config libopenblas.so.0-${CMAKE_LIBRARY_ARCHITECTURE}`.")
endif()
