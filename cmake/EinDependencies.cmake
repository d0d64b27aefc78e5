# Every third-party dependency is found here, in one place.
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)

# BLAS: OpenBLAS from Debian (libopenblas-dev). Its SkylakeX kernels are about twice as fast as
# Debian's BLIS on this CPU, so we look for OpenBLAS by name rather than taking any BLAS.
find_path(EIN_CBLAS_INCLUDE_DIR cblas.h
  PATHS /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/openblas /usr/include
  NO_DEFAULT_PATH)
find_library(EIN_OPENBLAS_LIBRARY NAMES openblas
  PATHS /usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/x86_64-linux-gnu)
if(NOT EIN_CBLAS_INCLUDE_DIR OR NOT EIN_OPENBLAS_LIBRARY)
  message(FATAL_ERROR "OpenBLAS not found: install libopenblas-dev (scripts/install-deps.sh)")
endif()
add_library(ein_blas INTERFACE)
target_include_directories(ein_blas INTERFACE ${EIN_CBLAS_INCLUDE_DIR})
target_link_libraries(ein_blas INTERFACE ${EIN_OPENBLAS_LIBRARY})
add_library(ein::blas ALIAS ein_blas)
install(TARGETS ein_blas EXPORT einTargets)

if(EIN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(EIN_BUILD_BENCH)
  find_package(benchmark REQUIRED)
  find_package(Eigen3 QUIET NO_MODULE)
endif()
if(EIN_BUILD_TOOLS)
  find_package(CLI11 QUIET CONFIG)
  if(NOT CLI11_FOUND)
    find_path(EIN_CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
    add_library(CLI11::CLI11 INTERFACE IMPORTED)
    target_include_directories(CLI11::CLI11 INTERFACE ${EIN_CLI11_INCLUDE_DIR})
  endif()
endif()
