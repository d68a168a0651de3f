# BLAS for GEMM: Debian's OpenBLAS (OpenMP build, so BLAS and ember share one thread pool).
# `ember_blas` is an internal interface target; src/kernels/cpu/gemm.cpp is the only user.
find_path(EMBER_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas REQUIRED)
find_library(EMBER_OPENBLAS_LIB NAMES openblas REQUIRED)
add_library(ember_blas INTERFACE)
target_include_directories(ember_blas INTERFACE ${EMBER_CBLAS_INCLUDE})
target_link_libraries(ember_blas INTERFACE ${EMBER_OPENBLAS_LIB})
