# Finds the libraries the CPU library links: OpenMP and OpenBLAS (BLAS + LAPACK).
#
# OpenBLAS is linked explicitly, never the generic libblas: Debian's default libblas is
# the reference implementation, about 60x slower. The OpenMP build of OpenBLAS is
# preferred so BLAS threads and our OpenMP threads share one pool instead of
# oversubscribing the cores.
find_package(OpenMP REQUIRED COMPONENTS CXX)

set(_openblas_hints
    /usr/lib/x86_64-linux-gnu/openblas-openmp
    /usr/lib/aarch64-linux-gnu/openblas-openmp
    /usr/lib/x86_64-linux-gnu/openblas-pthread
    /usr/lib/aarch64-linux-gnu/openblas-pthread)
find_library(FAISS_OPENBLAS_LIBRARY NAMES openblas
  HINTS ${_openblas_hints} NO_DEFAULT_PATH)
if(NOT FAISS_OPENBLAS_LIBRARY)
  find_library(FAISS_OPENBLAS_LIBRARY NAMES openblas openblasp openblaso)
endif()
if(NOT FAISS_OPENBLAS_LIBRARY)
  message(FATAL_ERROR "OpenBLAS not found: install libopenblas-openmp-dev (scripts/install_deps.sh does)")
endif()
message(STATUS "faiss: BLAS/LAPACK from ${FAISS_OPENBLAS_LIBRARY}")

# The optional MPI component (faiss/mpi, tools, tests) uses MPI's C interface.
if(FAISS_ENABLE_MPI)
  find_package(MPI REQUIRED COMPONENTS C)
  message(STATUS "faiss: MPI ${MPI_C_VERSION}, launcher ${MPIEXEC_EXECUTABLE}")
endif()
