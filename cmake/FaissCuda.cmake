# CUDA toolchain for the GPU backend (FAISS_ENABLE_GPU=ON): nvcc (from PATH, CUDACXX, or
# /usr/local/cuda/bin), machine code for sm_80 and sm_90 unless CMAKE_CUDA_ARCHITECTURES
# is given (e.g. -DCMAKE_CUDA_ARCHITECTURES=90 builds faster), and the CUDA::cudart /
# CUDA::cublas targets.
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(FAISS_NVCC nvcc HINTS /usr/local/cuda/bin)
  if(FAISS_NVCC)
    set(CMAKE_CUDA_COMPILER ${FAISS_NVCC} CACHE FILEPATH "CUDA compiler")
  endif()
endif()
set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "GPU architectures of the GPU backend")
enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit REQUIRED)
# Some CUDA images carry the compiler without cuBLAS; FAISS_CUBLAS_ROOT may then name a
# folder holding include/cublas_v2.h and lib/libcublas.so* (e.g. the nvidia-cublas wheel).
if(NOT TARGET CUDA::cublas)
  find_path(FAISS_CUBLAS_INCLUDE_DIR cublas_v2.h HINTS ${FAISS_CUBLAS_ROOT}
    PATH_SUFFIXES include)
  find_library(FAISS_CUBLAS_LIBRARY NAMES cublas libcublas.so.13 libcublas.so.12
    HINTS ${FAISS_CUBLAS_ROOT} PATH_SUFFIXES lib lib64)
  if(NOT FAISS_CUBLAS_INCLUDE_DIR OR NOT FAISS_CUBLAS_LIBRARY)
    message(FATAL_ERROR "cuBLAS not found with the CUDA toolkit; set FAISS_CUBLAS_ROOT")
  endif()
  add_library(CUDA::cublas SHARED IMPORTED)
  set_target_properties(CUDA::cublas PROPERTIES
    IMPORTED_LOCATION ${FAISS_CUBLAS_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${FAISS_CUBLAS_INCLUDE_DIR})
endif()
message(STATUS "faiss: GPU backend with nvcc ${CMAKE_CUDA_COMPILER_VERSION}, "
               "architectures ${CMAKE_CUDA_ARCHITECTURES}")
